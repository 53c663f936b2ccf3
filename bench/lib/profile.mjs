// CPU profiles of the benchmarks that miss their target: one run of the
// Augment side under `node --cpu-prof`, summarised as its top frames.
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './child.mjs';
import { markdownTable } from './report.mjs';

/**
 * What to profile: a Node script and its arguments.
 *
 * @typedef {object} ProfileRecipe
 * @property {string} key - identifies the recipe: checks that share one share the profile
 * @property {string} label - what runs, for the reader
 * @property {string} script
 * @property {string[]} args
 * @property {string} [cwd]
 * @property {string[]} [nodeArgs]
 * @property {string} match - a path fragment that marks Augment's own code (`packages/core/dist`)
 * @property {string} [phase] - the probe profiles this phase itself (`profile:<phase>:<file>`
 *   as its last argument) instead of the whole process (`--cpu-prof`)
 */

/**
 * @typedef {{ callFrame: { functionName: string, url: string, lineNumber: number }, id: number, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} CpuProfile
 */

/**
 * Runs the recipe once under `--cpu-prof` and summarises the profile.
 *
 * @param {ProfileRecipe} recipe
 * @param {string} dir - where the .cpuprofile is kept
 * @returns {Promise<{ file: string, total: number, self: Row[], inclusive: Row[] }>}
 */
export async function profile(recipe, dir) {
  const out = join(dir, recipe.key);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const whole = recipe.phase === undefined;
  await runCommand(
    process.execPath,
    [
      ...(whole ? ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=200'] : []),
      ...(recipe.nodeArgs ?? []),
      recipe.script,
      ...recipe.args,
      ...(whole ? [] : [`profile:${recipe.phase}:${join(out, `${recipe.phase}.cpuprofile`)}`]),
    ],
    { cwd: recipe.cwd },
  );
  const name = (await readdir(out)).find((file) => file.endsWith('.cpuprofile'));
  if (name === undefined) throw new Error(`no profile written for ${recipe.label}`);
  const file = join(out, name);
  /** @type {CpuProfile} */
  const cpu = JSON.parse(await readFile(file, 'utf8'));
  return { file, ...summarize(cpu, recipe.match) };
}

/** @typedef {{ frame: string, ms: number }} Row */

/**
 * Self time per function, and the time spent inside each of Augment's own
 * functions (its callees included, each function counted once per sample).
 *
 * @param {CpuProfile} cpu
 * @param {string} match
 * @returns {{ total: number, self: Row[], inclusive: Row[] }}
 */
export function summarize(cpu, match) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(cpu.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const node of cpu.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** @type {Map<number, number>} */
  const timeOf = new Map();
  cpu.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (cpu.timeDeltas[i] ?? 0)));
  const frameName = (/** @type {ProfileNode} */ node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url === '' ? '' : ` ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    return `${functionName || '(anonymous)'}${file}`;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  let total = 0;
  for (const [id, micros] of timeOf) {
    const ms = micros / 1000;
    total += ms;
    const node = byId.get(id);
    if (node === undefined) continue;
    const key = frameName(node);
    self.set(key, (self.get(key) ?? 0) + ms);
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame === undefined || !frame.callFrame.url.includes(match)) continue;
      const name = frameName(frame);
      if (name.startsWith('(anonymous)') || seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  const top = (/** @type {Map<string, number>} */ map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([frame, ms]) => ({ frame, ms }));
  return { total, self: top(self), inclusive: top(inclusive) };
}

/**
 * Markdown for one summarised profile.
 *
 * @param {ProfileRecipe} recipe
 * @param {{ total: number, self: Row[], inclusive: Row[] }} summary
 * @returns {string}
 */
export function profileMarkdown(recipe, summary) {
  const rows = (/** @type {Row[]} */ list) =>
    list.map(({ frame, ms }) => [
      `\`${frame}\``,
      `${ms.toFixed(1)} ms`,
      `${((ms / summary.total) * 100).toFixed(1)}%`,
    ]);
  return [
    `**${recipe.label}**: ${summary.total.toFixed(0)} ms of samples.`,
    markdownTable({ columns: ['top frames, self time', 'ms', 'share'], rows: rows(summary.self) }),
    markdownTable({
      columns: [`Augment's own functions, inclusive time (${recipe.match})`, 'ms', 'share'],
      rows: rows(summary.inclusive),
    }),
  ].join('\n\n');
}
