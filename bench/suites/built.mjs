// 9. Realistic built plugins: N copies of what `augment build` writes for a
// plugin that bundles real libraries (index.js + index.js.map), cold-loaded
// with the default options, against the same plugins without their maps and
// against the bare-import floor; on this Node and, in a full run, on Node 22
// and 24 too (installed by scripts/install-node.mjs, as the test matrix does).
import { basename } from 'node:path';
import { builtPluginFolders } from '../lib/built-plugins.mjs';
import { interleave, runCommand } from '../lib/child.mjs';
import { bytesText, ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';
import { nodesToMeasure } from '../lib/nodes.mjs';

/** Loading plugins that ship maps may cost at most this much more than without them. */
const TARGET_RATIO = 1.1;
/** The other Node majors measured by a full run. */

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function builtPlugins(ctx) {
  const n = ctx.smoke ? 3 : 100;
  const folders = await builtPluginFolders(ctx.ws, n);
  const plan = ctx.plan(10, 1);
  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  /** @type {string[]} */
  const notes = [];
  for (const node of nodesToMeasure(ctx, notes)) {
    const version = (await runCommand(node, ['--version'])).stdout.trim();
    ctx.log(`built plugins on Node ${version}, N = ${n}: ${plan.runs} runs (+${plan.warmup})`);
    const run = (/** @type {string} */ side, /** @type {string} */ folder) => async () =>
      measure(node, side, folder, n);
    const samples = await interleave(
      {
        floor: run('floor', folders.plain),
        plain: run('augment', folders.plain),
        maps: run('augment', folders.maps),
        eager: run('augment-eager', folders.maps),
      },
      plan,
    );
    const ms = (/** @type {keyof typeof samples} */ side) => samples[side].map((s) => s.ms);
    const ratio = summary(pairRatios(ms('maps'), ms('plain')));
    const heapPerPlugin = (/** @type {keyof typeof samples} */ side) =>
      ((summary(samples[side].map((s) => s.heapMB)).median -
        summary(samples.plain.map((s) => s.heapMB)).median) *
        2 ** 20) /
      n;
    const pass = ctx.smoke ? null : ratio.median <= TARGET_RATIO;
    rows.push([
      version,
      withSpread(summary(ms('floor'))),
      withSpread(summary(ms('plain'))),
      withSpread(summary(ms('maps'))),
      withSpread(summary(ms('eager'))),
      ratioText(summary(pairRatios(ms('plain'), ms('floor')))),
      ratioText(ratio),
      ratioText(summary(pairRatios(ms('eager'), ms('plain')))),
      `${bytesText(heapPerPlugin('maps'))} / ${bytesText(heapPerPlugin('eager'))}`,
      `≤ ${TARGET_RATIO}`,
      verdict(pass),
    ]);
    if (!samples.maps.every((s) => s.mapped && !s.sourceMapsEnabled)) {
      throw new Error(`Node ${version}: a default load left stacks unmapped or turned maps on`);
    }
    checks.push({
      name: `built plugins with maps / without, N = ${n}, Node ${version}`,
      target: `≤ ${TARGET_RATIO}`,
      value: ratio.median.toFixed(2),
      pass,
      group: '§9 Realistic built plugins',
      why:
        "With `sourceMaps: 'auto'` a load only records each plugin's map path; a miss means " +
        'something reads or parses maps (or turns on Node source maps) at load time.',
    });
  }
  return {
    section: {
      id: 'built-plugins',
      title: '9. Realistic built plugins: source maps at no load cost',
      intro: [
        `N = ${n} copies of what \`augment build\` writes for a plugin that bundles \`zod/mini\` ` +
          `and semver: \`index.js\` of ${bytesText(folders.jsBytes)} and \`index.js.map\` of ` +
          `${bytesText(folders.mapBytes)}, each copy under its own name. A fresh process per ` +
          'run (`--expose-gc`), sides interleaved: the floor (bare `import()` of each entry, ' +
          'no maps), Augment with the default options over the plugins without their `.map` ' +
          'files, the same with them (the judged ratio), and `sourceMaps: true` (Node ' +
          "process-wide source maps, which `'auto'` turned on before). After each Augment " +
          "load a plugin's thrown error must name its `src/index.ts` line, with Node's " +
          'source maps still off.',
        `Runs: ${plan.runs} per side after ${plan.warmup} discarded. Heap: retained after a ` +
          'full GC, per plugin, over the load without maps.',
      ],
      tables: [
        {
          columns: [
            'Node.js',
            'floor',
            'no maps',
            'maps (default)',
            'sourceMaps: true',
            'no maps / floor',
            'maps / no maps',
            'true / no maps',
            'heap per plugin: maps / true',
            'target',
            'result',
          ],
          rows,
        },
      ],
      notes,
      checks,
    },
  };
}

/**
 * One cold load in a fresh process of `node`.
 *
 * @param {string} node
 * @param {string} side
 * @param {string} folder
 * @param {number} n
 * @returns {Promise<{ ms: number, heapMB: number, mapped: boolean, sourceMapsEnabled: boolean }>}
 */
async function measure(node, side, folder, n) {
  const { stdout } = await runCommand(node, [
    '--expose-gc',
    probe('built.mjs'),
    side,
    folder,
    String(n),
  ]);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`${basename(probe('built.mjs'))} printed no JSON result:\n${stdout}`);
  }
}
