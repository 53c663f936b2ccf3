// Reloads in one process, after a cold load of N plugins:
//   warm     reload() with nothing changed (three times; the median is kept)
//   import   one plugin imported the floor's way from a fresh path (the cost of "one import")
//   change1  reload() after one plugin's entry changed: the first fresh import in the process
//   change2  the same plugin changed again
//   import2  one more plain import, now that any resolve hook is in place
// It checks that a warm reload imports nothing (no module evaluated, every
// plugin the very same object) and that a changed reload evaluates exactly
// one module.
//
//   node probes/reload.mjs <folder> <esm|cjs> <N> <scratch folder> [profile:<warm|change1>:<file>]
// With the last argument, that phase is CPU-profiled into <file>.
// Prints one JSON line: { cold, warm, import, change1, change2, import2 } (ms).
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importCore } from '../lib/core.mjs';
import { isBenchPlugin, loadPluginDir } from '../lib/floor.mjs';
import { startProfile } from '../lib/inspector-profile.mjs';

const [folder, format, countText, scratch, profileArg] = process.argv.slice(2);
const [, profilePhase, profileFile] = (profileArg ?? '').split(':');
/** @type {((file: string) => Promise<void>) | undefined} */
let stopProfile;
/** @param {string} phase */
const profileStart = async (phase) => {
  if (profilePhase === phase) stopProfile = await startProfile();
};
const profileStop = async () => {
  if (stopProfile !== undefined && profileFile !== undefined) await stopProfile(profileFile);
  stopProfile = undefined;
};
if (format !== 'esm' && format !== 'cjs') throw new Error(`bad format ${format}`);
const count = Number(countText);
const counter = /** @type {{ __augmentBenchEvaluations?: number }} */ (globalThis);
const evaluations = () => counter.__augmentBenchEvaluations ?? 0;

/**
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<[number, T]>}
 */
const timed = async (work) => {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
};

const { PluginHost } = await importCore();
const host = new PluginHost({ folder, validator: isBenchPlugin, logger: false });
const [cold, first] = await timed(() => host.reload());
if (first.added.length !== count || first.failed.length > 0) {
  throw new Error(`cold load: ${first.added.length} added, ${first.failed.length} failed`);
}

const before = new Map(host.getAll().map((entry) => [entry.manifest.name, entry.plugin]));
const warm = [];
await profileStart('warm');
for (let i = 0; i < 3; i += 1) {
  const evaluated = evaluations();
  const [ms, report] = await timed(() => host.reload());
  if (report.unchanged.length !== count || evaluations() !== evaluated) {
    throw new Error(
      `warm reload imported again: ${report.unchanged.length} unchanged, ${evaluations() - evaluated} evaluated`,
    );
  }
  for (const entry of host.getAll()) {
    if (before.get(entry.manifest.name) !== entry.plugin) {
      throw new Error(`warm reload replaced ${entry.manifest.name}`);
    }
  }
  warm.push(ms);
}
await profileStop();
warm.sort((a, b) => a - b);

const sample = join(folder, 'p00000');
/**
 * A copy of one plugin at a path this process never imported, loaded the
 * floor's way: the price of one import.
 *
 * @param {string} name
 */
const oneImport = async (name) => {
  const dir = join(scratch, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const file of ['plugin.manifest.json', 'package.json', 'index.js']) {
    await copyFile(join(sample, file), join(dir, file));
  }
  const [ms] = await timed(() => loadPluginDir(dir, format));
  return ms;
};

// The plugin in the middle changes: its entry is rewritten (new file, renamed into place).
const changed = join(folder, `p${String(Math.floor(count / 2)).padStart(5, '0')}`);
const entry = join(changed, 'index.js');
const original = await readFile(entry, 'utf8');
const change = async (/** @type {number} */ revision) => {
  // a size of its own for each revision (see probes/memory.mjs)
  const tail =
    (format === 'esm'
      ? `\nexport const revision = ${revision};\n`
      : `\nmodule.exports.revision = ${revision};\n`) + ' '.repeat(revision);
  await writeFile(`${entry}.tmp`, original + tail);
  await rename(`${entry}.tmp`, entry);
  const evaluated = evaluations();
  const [ms, report] = await timed(() => host.reload());
  if (report.updated.length !== 1 || report.failed.length > 0 || evaluations() !== evaluated + 1) {
    throw new Error(
      `changed reload: ${report.updated.length} updated, ${report.failed.length} failed, ${evaluations() - evaluated} evaluated`,
    );
  }
  return ms;
};

let result;
try {
  const importMs = await oneImport('one');
  await profileStart('change1');
  const change1 = await change(1);
  await profileStop();
  const change2 = await change(2);
  const import2 = await oneImport('two');
  result = { cold, warm: warm[1], import: importMs, change1, change2, import2 };
} finally {
  await writeFile(`${entry}.tmp`, original);
  await rename(`${entry}.tmp`, entry);
}
console.log(JSON.stringify(result));
process.exit(0);
