// The import cost of @augment/core's build, each sample in a fresh Node
// process: `import()` of dist/index.js and `require()` of dist/index.cjs.
// Build first (`npm run build -w @augment/core`). `npm run bench` reports it
// beside the cold loads (whose clock starts after the import).
//
//   node bench/import-cost.mjs [runs=15]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summary } from './lib/stats.mjs';

const dist = new URL('../packages/core/dist/', import.meta.url);
const esm = fileURLToPath(new URL('index.js', dist));
const cjs = fileURLToPath(new URL('index.cjs', dist));

const probes = {
  'import() dist/index.js': `const t = process.hrtime.bigint();
import(${JSON.stringify(esm)}).then(() => console.log(Number(process.hrtime.bigint() - t) / 1e6));`,
  'require() dist/index.cjs': `const t = process.hrtime.bigint();
require(${JSON.stringify(cjs)});
console.log(Number(process.hrtime.bigint() - t) / 1e6);`,
};

/**
 * @param {string} code
 * @returns {Promise<number>}
 */
const sample = (code) =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', code], { encoding: 'utf8' }, (error, stdout) => {
      if (error) reject(error);
      else resolve(Number(stdout));
    });
  });

/**
 * Measures both probes, interleaved, in fresh processes.
 *
 * @param {number} runs - samples of each probe (after one discarded round)
 * @returns {Promise<Record<string, ReturnType<typeof summary>>>} by probe label
 */
export async function measureImportCost(runs) {
  for (const file of [esm, cjs]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run npm run build -w @augment/core`);
  }
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (const label of Object.keys(probes)) samples[label] = [];
  for (let round = 0; round <= runs; round += 1) {
    for (const [label, code] of Object.entries(probes)) {
      const ms = await sample(code);
      if (round > 0) samples[label].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([label, s]) => [label, summary(s)]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 15);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`runs must be a positive integer, got "${process.argv[2]}"`);
  }
  console.log(`node ${process.version}, ${runs} fresh processes each`);
  for (const [label, s] of Object.entries(await measureImportCost(runs))) {
    const range = `min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}`;
    console.log(`${label.padEnd(26)} median ${s.median.toFixed(1)} ms (${range})`);
  }
}
