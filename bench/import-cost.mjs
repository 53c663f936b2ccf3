// Prints the median time to load @augment/core's build, each sample in a
// fresh Node process: `import()` of dist/index.js and `require()` of
// dist/index.cjs. Build first (`npm run build -w @augment/core`).
//
//   node bench/import-cost.mjs [runs=15]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
if (!Number.isInteger(runs) || runs < 1) {
  throw new Error(`runs must be a positive integer, got "${process.argv[2]}"`);
}

const dist = new URL('../packages/core/dist/', import.meta.url);
const esm = fileURLToPath(new URL('index.js', dist));
const cjs = fileURLToPath(new URL('index.cjs', dist));
for (const file of [esm, cjs]) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build -w @augment/core`);
}

const probes = {
  'import() dist/index.js': `const t = process.hrtime.bigint();
import(${JSON.stringify(esm)}).then(() => console.log(Number(process.hrtime.bigint() - t) / 1e6));`,
  'require() dist/index.cjs': `const t = process.hrtime.bigint();
require(${JSON.stringify(cjs)});
console.log(Number(process.hrtime.bigint() - t) / 1e6);`,
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

console.log(`node ${process.version}, ${runs} fresh processes each`);
for (const [label, code] of Object.entries(probes)) {
  const samples = [];
  for (let run = 0; run < runs; run += 1) {
    samples.push(Number(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })));
  }
  const range = `min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}`;
  console.log(`${label.padEnd(26)} median ${median(samples).toFixed(1)} ms (${range})`);
}
