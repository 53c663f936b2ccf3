// Runs the tests that spawn real Node processes on every supported Node.js
// major (`npm run test:matrix`). Each major is installed once for the run
// (scripts/install-node.mjs), put first on PATH, and starts Vitest itself, so
// `process.execPath` in the tests, and every child process they spawn, is
// that Node. Prints one line per major and exits 1 if any run failed.
//
//   node scripts/node-matrix.mjs [<major> ...]    (default: 22 24 26)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NODE_CACHE, ROOT, installNode } from './install-node.mjs';

/** Node.js 20 runs `npm test`; these are the other majors we support. */
const MAJORS = [22, 24, 26];

/**
 * What to run: the child-process integration tests of core (and its
 * `augment dev` hosts), and the consumer and builder load tests once those exist.
 */
const TARGETS = [
  'packages/core/test/integration',
  'packages/core/test/dev/handshake.test.ts',
  'test/consumer',
  'packages/builder/test/load.test.ts',
].filter((target) => existsSync(join(ROOT, target)));

const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const REPORTS = join(NODE_CACHE, 'reports');
/** A hung run is killed: the tests of one Node.js take well under a minute. */
const TIMEOUT_MS = 10 * 60_000;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Test files below `target` (a folder or one file), relative to the root. */
function listTestFiles(target) {
  if (statSync(join(ROOT, target)).isFile()) return [target];
  return readdirSync(join(ROOT, target), { recursive: true })
    .filter((name) => /\.test\.[cm]?[jt]s$/.test(name))
    .map((name) => join(target, name));
}

/** Installs `major`, runs Vitest on it, and returns the outcome. */
function runOn(major) {
  const started = performance.now();
  const node = installNode(major);
  const installMs = performance.now() - started;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const report = join(REPORTS, `node-${major}.json`);
  rmSync(report, { force: true });

  console.log(`\n::: node-matrix: Node.js ${version} (${relative(ROOT, node)})`);
  const testStarted = performance.now();
  const args = [VITEST, 'run', ...TARGETS, '--reporter=default', '--reporter=json'];
  const run = spawnSync(node, [...args, `--outputFile.json=${report}`], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const testMs = performance.now() - testStarted;

  const problems = [];
  if (run.error) problems.push(`vitest did not finish: ${run.error.message}`);
  else if (run.status !== 0) problems.push(`vitest exited with ${run.status ?? run.signal}`);
  let passed = 0;
  let failed = 0;
  let files = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = json.numPassedTests;
    failed = json.numFailedTests;
    files = json.testResults.length;
    // A folder whose tests the root config does not include would pass silently.
    for (const target of TARGETS) {
      const path = join(ROOT, target);
      const ran = json.testResults.some(
        (file) => file.name === path || file.name.startsWith(path + sep),
      );
      if (!ran && listTestFiles(target).length > 0) {
        problems.push(`no test of ${target} ran: is it in vitest.config.ts "include"?`);
      }
    }
  } else {
    problems.push('vitest wrote no report');
  }
  return { major, version, installMs, testMs, passed, failed, files, problems };
}

const majors = process.argv.length > 2 ? process.argv.slice(2).map(Number) : MAJORS;
mkdirSync(REPORTS, { recursive: true });
console.log(`node-matrix: Node.js ${majors.join(', ')} on ${TARGETS.join(', ')}`);

const results = [];
for (const major of majors) {
  try {
    results.push(runOn(major));
  } catch (error) {
    results.push({
      major,
      version: `${major}.x`,
      installMs: 0,
      testMs: 0,
      passed: 0,
      failed: 0,
      files: 0,
      problems: [String(error)],
    });
  }
}

console.log('\nnode-matrix summary');
for (const r of results) {
  const status = r.problems.length === 0 ? 'pass' : 'FAIL';
  const counts = `${r.passed} passed, ${r.failed} failed in ${r.files} files`;
  const times = `tests ${seconds(r.testMs)}, install ${seconds(r.installMs)}`;
  console.log(`  Node.js ${r.version.padEnd(9)} ${status}  ${counts}  (${times})`);
  for (const problem of r.problems) console.log(`    ${problem}`);
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`node-matrix: ${passed} passed, ${failed} failed`);
process.exitCode = results.every((r) => r.problems.length === 0) ? 0 : 1;
