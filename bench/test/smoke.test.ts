// Smoke test of the benchmarks (part of `npm test`): runs `node run.mjs
// --smoke`, every benchmark once at its smallest size, so the bench cannot
// rot. It asserts that every benchmark ran and reported its rows, never on
// times: this machine is shared, and times are the full run's business
// (`npm run bench`). `unzip` is not needed: without it the archive floor's
// row says it was skipped (a smoke run installs nothing).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const BENCH = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = resolve(BENCH, '..');

interface SmokeResult {
  crashed: number;
  sections: { id: string; title: string; checks: { name: string; pass: boolean | null }[] }[];
}

let temp: string;
beforeAll(async () => {
  // Inside the repository, so the copied plugin projects resolve its packages.
  const parent = join(REPO, 'node_modules', '.cache', 'augment-bench');
  await mkdir(parent, { recursive: true });
  temp = await mkdtemp(join(parent, 'smoke-test-'));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = spawn(process.execPath, ['run.mjs', ...args], { cwd: BENCH, env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      done({ code, output });
    });
  });
}

it('runs every benchmark once at its smallest size', async () => {
  const out = join(temp, 'RESULTS.md');
  const json = join(temp, 'results.json');
  const { code, output } = await run([
    '--smoke',
    '--workspace',
    join(temp, 'work'),
    '--out',
    out,
    '--json',
    json,
  ]);
  expect(code, output).toBe(0);

  const result = JSON.parse(await readFile(json, 'utf8')) as SmokeResult;
  expect(result.crashed).toBe(0);
  expect(result.sections.map((section) => section.id)).toEqual([
    'cold-load',
    'reloads',
    'archives',
    'calls',
    'memory',
    'builder',
    'authoring',
    'built-plugins',
    'dependencies',
    'install-size-and-import-cost',
    'watch-typecheck',
    'serving',
    'dev',
  ]);
  // smoke runs judge nothing: one run at the smallest size says nothing about a target
  for (const section of result.sections) {
    for (const check of section.checks) expect(check.pass, check.name).toBeNull();
  }

  const markdown = await readFile(out, 'utf8');
  for (const title of [
    '## 1. Cold load of directory plugins',
    '## 2–3. Warm reload',
    '## 4. Zip plugins',
    '## 5. Call overhead',
    '## 6. Memory under reload',
    '## 7. The builder',
    '## 8. The authoring loop',
    '## 9. Realistic built plugins',
    '## 10. Plugin dependencies at scale',
    '## 11. Install size and import cost',
    '## 12. `augment watch` with the type check',
    '## 13. Serving HTTP while loading',
  ]) {
    expect(markdown).toContain(title);
  }
  // (prettier pads the table cells)
  expect(markdown).toMatch(/\| ESM, N = 10 +\|/);
  expect(markdown).toMatch(/\| CommonJS, N = 10 +\|/);
  expect(markdown).not.toContain('NaN');
  expect(existsSync(join(temp, 'results', 'cold-load.svg'))).toBe(true);
}, 240_000);
