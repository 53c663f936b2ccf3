// The Node versions a section measures beside this one: the memory and
// source-map figures differ by version (V8's compilation cache, Node's own
// source-map support).
import { installNode } from '../../scripts/install-node.mjs';

/** The other majors measured in a full run. */
const OTHER_MAJORS = [22, 24];

/**
 * This Node, then Node 22 and 24 in a full run (installed as the test matrix
 * does; a failed install is a note).
 *
 * @param {import('../suites/context.mjs').Context} ctx
 * @param {string[]} notes
 * @returns {string[]} node executables
 */
export function nodesToMeasure(ctx, notes) {
  const nodes = [process.execPath];
  if (ctx.smoke) return nodes;
  const current = Number(process.versions.node.split('.')[0]);
  for (const major of OTHER_MAJORS) {
    if (major === current) continue;
    try {
      nodes.push(installNode(major));
    } catch (error) {
      notes.push(`Node ${major} not measured: ${error instanceof Error ? error.message : error}`);
    }
  }
  return nodes;
}
