// The import cost of @augment/core's build, each sample in a fresh Node
// process: `import()` of dist/index.js and `require()` of dist/index.cjs,
// against `import()` of chokidar alone (core's watcher, a library of the same
// kind: the target is at most 1.5 times its cost). Each probe is a script
// file, as a host is: `node -e` loads node:crypto and the streams before the
// probe starts, which would hide their cost. Build first (`npm run build -w
// @augment/core`). `npm run bench` reports it beside the cold loads (whose
// clock starts after the import).
//
//   node bench/import-cost.mjs [runs=15] [dist=packages/core/dist]
//
// `dist` is another build of core to measure (a folder inside packages/core,
// so that it resolves core's packages), for a before/after comparison.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary } from './lib/stats.mjs';

const CORE = fileURLToPath(new URL('../packages/core/', import.meta.url));
/** The chokidar core depends on, as core resolves it. */
const CHOKIDAR = createRequire(join(CORE, 'package.json')).resolve('chokidar');

/** The label of the comparison probe. */
export const CHOKIDAR_LABEL = 'import() chokidar alone';

/** Import cost of core at most this many times chokidar's (issue 15). */
export const IMPORT_COST_TARGET = 1.5;

/** A probe's script: the wall time of `load` in ms, then its CPU time in ms. */
const probe = (load) => `const t = process.hrtime.bigint();
const c = process.cpuUsage();
Promise.resolve(${load}).then(() => {
  const cpu = process.cpuUsage(c);
  console.log(Number(process.hrtime.bigint() - t) / 1e6, (cpu.user + cpu.system) / 1e3);
});`;

/**
 * @param {string} dist - the build of core to measure, absolute
 * @returns {Record<string, string>} each probe's script, by label
 */
function probes(dist) {
  return {
    'import() dist/index.js': probe(`import(${JSON.stringify(join(dist, 'index.js'))})`),
    'require() dist/index.cjs': probe(`require(${JSON.stringify(join(dist, 'index.cjs'))})`),
    [CHOKIDAR_LABEL]: probe(`import(${JSON.stringify(CHOKIDAR)})`),
  };
}

/**
 * @param {string} file - a probe script
 * @returns {Promise<{ wall: number, cpu: number }>}
 */
const sample = (file) =>
  new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [file], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const [wall, cpu] = stdout.trim().split(' ').map(Number);
      if (error !== null || stderr !== '' || !(wall >= 0) || !(cpu >= 0)) {
        reject(error ?? new Error(`${file}: ${stdout}${stderr}`));
      } else resolvePromise({ wall, cpu });
    });
  });

/**
 * Measures the probes, interleaved, in fresh processes.
 *
 * @param {number} runs - samples of each probe (after one discarded round)
 * @param {string} [dist] - the build of core to measure (default: packages/core/dist)
 * @returns {Promise<Record<string, ReturnType<typeof summary> & { cpu: ReturnType<typeof summary> }>>}
 *   the wall time by probe label, with the CPU time beside it
 */
export async function measureImportCost(runs, dist = join(CORE, 'dist')) {
  for (const file of ['index.js', 'index.cjs'].map((name) => join(dist, name))) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run npm run build -w @augment/core`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'augment-import-cost-'));
  try {
    const files = Object.entries(probes(dist)).map(([label, code], index) => {
      const file = join(dir, `probe-${index}.cjs`);
      writeFileSync(file, code);
      return [label, file];
    });
    /** @type {Record<string, { wall: number[], cpu: number[] }>} */
    const samples = {};
    for (const [label] of files) samples[label] = { wall: [], cpu: [] };
    for (let round = 0; round <= runs; round += 1) {
      for (const [label, file] of files) {
        const { wall, cpu } = await sample(file);
        if (round === 0) continue;
        samples[label].wall.push(wall);
        samples[label].cpu.push(cpu);
      }
    }
    return Object.fromEntries(
      Object.entries(samples).map(([label, s]) => [
        label,
        { ...summary(s.wall), cpu: summary(s.cpu) },
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 15);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`runs must be a positive integer, got "${process.argv[2]}"`);
  }
  const dist = process.argv[3] === undefined ? undefined : resolve(process.argv[3]);
  const results = await measureImportCost(runs, dist);
  const chokidar = results[CHOKIDAR_LABEL];
  console.log(
    `node ${process.version}, ${runs} fresh processes each, ${dist ?? 'packages/core/dist'}`,
  );
  console.log(
    `${'probe'.padEnd(26)} ${'wall median'.padEnd(29)} CPU median  ×chokidar (wall, CPU; target ≤ ${IMPORT_COST_TARGET})`,
  );
  for (const [label, s] of Object.entries(results)) {
    const wall = `${s.median.toFixed(1)} ms (${s.min.toFixed(1)} – ${s.max.toFixed(1)})`;
    const ratio = `${(s.median / chokidar.median).toFixed(2)}, ${(s.cpu.median / chokidar.cpu.median).toFixed(2)}`;
    console.log(
      `${label.padEnd(26)} ${wall.padEnd(29)} ${`${s.cpu.median.toFixed(1)} ms`.padEnd(11)} ${ratio}`,
    );
  }
}
