// Packs every publishable workspace (the ones not marked "private") with
// `npm pack`, one tarball each, into dist-packages/ (git-ignored): exactly
// the files `npm publish` would send. Run `npm run build` first (`npm run
// pack` does). Beside the tarballs, dist-packages/packs.json records what was
// packed and a fingerprint of the packed files, so that the consumer tests
// (test/consumer) reuse the tarballs while they are fresh: one pack per run.
//
//   node scripts/pack.mjs            packs into dist-packages/
//   node scripts/pack.mjs --check    packs, then checks every tarball with
//                                    publint (--strict) and Are the Types Wrong
//                                    (attw --profile node16: node16 from CJS,
//                                    node16 from ESM, and bundler); exit 1 on
//                                    any problem (`npm run lint:packages`)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the tarballs go. */
export const DIST_PACKAGES = join(ROOT, 'dist-packages');

/** What was packed, with the fingerprint of the packed files (see {@link ensurePacked}). */
export const PACKS_FILE = join(DIST_PACKAGES, 'packs.json');

const require = createRequire(import.meta.url);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const kilobytes = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * The workspaces npm would publish: those whose package.json is not
 * `"private": true`, in the root's workspace order.
 *
 * @returns {{ name: string, version: string, dir: string }[]} `dir` relative to the root
 */
export function publishablePackages() {
  const { workspaces } = readJson(join(ROOT, 'package.json'));
  return workspaces
    .map((dir) => ({ dir, pkg: readJson(join(ROOT, dir, 'package.json')) }))
    .filter(({ pkg }) => pkg.private !== true)
    .map(({ dir, pkg }) => ({ name: pkg.name, version: pkg.version, dir }));
}

/** Every file below `path` (itself when it is a file), absolute. */
function walk(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * A hash of the files `npm pack` takes from a workspace: package.json, the
 * README and LICENSE npm always adds, and every path listed in `files`. It
 * changes when a build, a template or the package.json changes. A `files`
 * entry with a glob or a negation makes it `undefined` (never fresh).
 *
 * @param {string} dir - the workspace, relative to the root
 */
export function fingerprint(dir) {
  const base = join(ROOT, dir);
  const pkg = readJson(join(base, 'package.json'));
  const entries = pkg.files ?? [];
  if (entries.some((entry) => /[*?![\]{}]/.test(entry))) return undefined;
  const always = readdirSync(base).filter((name) =>
    /^(readme|license|licence)(\..*)?$/i.test(name),
  );
  const files = new Set(
    ['package.json', ...always, ...entries].flatMap((entry) => walk(join(base, entry))),
  );
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(relative(base, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function run(command, args, options = {}) {
  return new Promise((resolvePromise) => {
    execFile(
      command,
      args,
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, ...options },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolvePromise({ code, stdout, stderr, error });
      },
    );
  });
}

/**
 * Packs the publishable workspaces into dist-packages/ (replacing what was
 * there) and writes dist-packages/packs.json. Their dist/ must be built.
 *
 * @returns {Promise<{ name: string, version: string, dir: string, tarball: string,
 *   size: number, unpackedSize: number, files: string[], fingerprint: string | undefined }[]>}
 *   `tarball` is absolute
 */
export async function pack() {
  const packages = publishablePackages();
  for (const { dir } of packages) {
    // a package whose files are all committed (a bin only) has no dist/ to build
    const { files = [] } = readJson(join(ROOT, dir, 'package.json'));
    if (files.includes('dist') && !existsSync(join(ROOT, dir, 'dist'))) {
      throw new Error(`${dir}/dist is missing: run \`npm run build\` first.`);
    }
  }
  // Packed beside dist-packages/, then moved into place: a cut-short pack
  // never passes for a finished one.
  const staging = `${DIST_PACKAGES}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const workspaces = packages.flatMap(({ dir }) => ['-w', dir]);
    const fingerprints = packages.map(({ dir }) => fingerprint(dir));
    const npm = await run('npm', [
      'pack',
      ...workspaces,
      '--pack-destination',
      staging,
      '--json',
      '--loglevel=error',
    ]);
    if (npm.code !== 0) throw new Error(`npm pack failed (exit ${npm.code}):\n${npm.stderr}`);
    const packed = JSON.parse(npm.stdout);
    const packs = packages.map((pkg, index) => {
      const result = packed.find((p) => p.name === pkg.name);
      if (result === undefined) throw new Error(`npm pack did not pack ${pkg.name}`);
      return {
        ...pkg,
        tarball: result.filename,
        size: result.size,
        unpackedSize: result.unpackedSize,
        files: result.files.map((file) => file.path).sort(),
        fingerprint: fingerprints[index],
      };
    });
    // Packing took the files the fingerprints were made of: if one changed
    // meanwhile, the tarball may hold either version, so it is not fresh.
    for (const [index, { dir }] of packages.entries()) {
      if (fingerprint(dir) !== fingerprints[index]) packs[index].fingerprint = undefined;
    }
    await writeFile(join(staging, 'packs.json'), `${JSON.stringify({ packs }, null, 2)}\n`);
    await rm(DIST_PACKAGES, { recursive: true, force: true });
    await rename(staging, DIST_PACKAGES);
    return packs.map((p) => ({ ...p, tarball: join(DIST_PACKAGES, p.tarball) }));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The tarballs in dist-packages/ when they are fresh: one for each publishable
 * workspace, each packed from files identical to the workspace's files now
 * (same fingerprint). Otherwise packs again. So a run packs once, whichever of
 * `npm run lint:packages` and the consumer tests comes first.
 *
 * @returns {Promise<{ packs: Awaited<ReturnType<typeof pack>>, reused: boolean }>}
 */
export async function ensurePacked() {
  try {
    const { packs } = JSON.parse(await readFile(PACKS_FILE, 'utf8'));
    const wanted = publishablePackages();
    const fresh =
      packs.length === wanted.length &&
      wanted.every((pkg) => {
        const found = packs.find((p) => p.name === pkg.name);
        return (
          found !== undefined &&
          found.version === pkg.version &&
          found.fingerprint !== undefined &&
          found.fingerprint === fingerprint(pkg.dir) &&
          existsSync(join(DIST_PACKAGES, found.tarball))
        );
      });
    if (fresh) {
      return {
        packs: packs.map((p) => ({ ...p, tarball: join(DIST_PACKAGES, p.tarball) })),
        reused: true,
      };
    }
  } catch {
    // no dist-packages/packs.json yet, or an unreadable one: pack
  }
  return { packs: await pack(), reused: false };
}

const consoleLog = console.log;
let muted = 0;

/**
 * Silences console.log until as many {@link unmuteConsoleLog} calls: the
 * tarballs are checked at the same time, so one run must not restore the
 * log while another still mutes it, nor save the muted one as the original.
 */
function muteConsoleLog() {
  if (muted++ === 0) console.log = () => {};
}

function unmuteConsoleLog() {
  if (--muted === 0) console.log = consoleLog;
}

/** publint on one tarball, in strict mode (warnings count as errors). */
async function runPublint(tarball) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const data = await readFile(tarball);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  // publint says "Unpacking tarball..." on stdout: keep the report to our lines
  muteConsoleLog();
  let result;
  try {
    result = await publint({ pack: { tarball: buffer }, strict: true, level: 'suggestion' });
  } finally {
    unmuteConsoleLog();
  }
  const lines = result.messages.map(
    (message) =>
      `${message.type}: ${formatMessage(message, result.pkg, { color: false }) ?? message.code}`,
  );
  const failed = result.messages.some((message) => message.type !== 'suggestion');
  return { failed, lines };
}

const RESOLUTIONS = [
  ['node16-cjs', 'node16 from CJS'],
  ['node16-esm', 'node16 from ESM'],
  ['bundler', 'bundler'],
  ['node10', 'node10 (not checked)'],
];

/** `/node_modules/@augment/core/dist/index.d.cts` → `dist/index.d.cts`. */
function packagePath(fileName, packageName) {
  const prefix = `/node_modules/${packageName}/`;
  return fileName?.startsWith(prefix) ? fileName.slice(prefix.length) : fileName;
}

/**
 * attw on one tarball with the `node16` profile: node16 (from CJS and from
 * ESM) and bundler resolution must be right; node10, which knows nothing of
 * "exports", is reported but does not fail. One line per entry point and
 * resolution: the type declarations → the JavaScript it resolves to.
 */
async function runAttw(tarball) {
  const cliDir = dirname(require.resolve('@arethetypeswrong/cli/package.json'));
  const args = [join(cliDir, 'dist', 'index.js'), tarball, '--profile', 'node16'];
  const result = await run(process.execPath, [...args, '--format', 'json', '--no-color']);
  let analysis;
  try {
    ({ analysis } = JSON.parse(result.stdout));
  } catch {
    const output = `${result.stdout}${result.stderr}`.trim();
    return { failed: true, lines: [`attw did not report (exit ${result.code}): ${output}`] };
  }
  if (analysis.types === false) {
    // attw checks type declarations: a package without an API (a bin only) has none
    return {
      failed: result.code !== 0,
      lines: ['no types: a bin-only package, nothing to resolve'],
    };
  }
  const lines = [];
  for (const [subpath, entry] of Object.entries(analysis.entrypoints)) {
    const name =
      subpath === '.' ? analysis.packageName : `${analysis.packageName}/${subpath.slice(2)}`;
    lines.push(`"${name}"`);
    for (const [kind, label] of RESOLUTIONS) {
      const problems = analysis.problems
        .filter((p) => p.entrypoint === subpath && p.resolutionKind === kind)
        .map((p) => p.kind);
      const types = packagePath(
        entry.resolutions[kind]?.resolution?.fileName,
        analysis.packageName,
      );
      const js = packagePath(
        entry.resolutions[kind]?.implementationResolution?.fileName,
        analysis.packageName,
      );
      const target = types === js ? (types ?? 'unresolved') : `${types ?? '?'} → ${js ?? '?'}`;
      const state = problems.length > 0 ? problems.join(', ') : 'ok';
      lines.push(`  ${label.padEnd(21)} ${state.padEnd(14)} ${target}`);
    }
  }
  // Problems not tied to one resolution (a package-wide finding).
  for (const problem of analysis.problems.filter((p) => p.resolutionKind === undefined)) {
    lines.push(`${problem.kind}: ${JSON.stringify(problem)}`);
  }
  return { failed: result.code !== 0, lines };
}

/** Runs publint and attw on every tarball, prints the findings; true when all passed. */
export async function check(packs) {
  const results = await Promise.all(
    packs.map(async (p) => {
      const [publint, attw] = await Promise.all([runPublint(p.tarball), runAttw(p.tarball)]);
      return { ...p, publint, attw };
    }),
  );
  let ok = true;
  for (const r of results) {
    console.log(`\n${r.name}@${r.version}  ${relative(ROOT, r.tarball)}`);
    const publintState = r.publint.failed ? 'FAIL' : 'pass';
    console.log(
      `  publint --strict: ${publintState}${r.publint.lines.length === 0 ? ', no messages' : ''}`,
    );
    for (const line of r.publint.lines) console.log(`    ${line}`);
    console.log(`  attw --profile node16: ${r.attw.failed ? 'FAIL' : 'pass'}`);
    for (const line of r.attw.lines) console.log(`    ${line}`);
    ok &&= !r.publint.failed && !r.attw.failed;
  }
  return ok;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: node scripts/pack.mjs [--check]  (unknown: ${unknown.join(' ')})`);
    process.exit(2);
  }
  const started = performance.now();
  const packs = await pack();
  console.log(
    `pack: ${packs.length} tarballs in ${relative(ROOT, DIST_PACKAGES)}/ (${seconds(performance.now() - started)})`,
  );
  for (const p of packs) {
    const sizes = `${kilobytes(p.size)}, ${kilobytes(p.unpackedSize)} unpacked, ${p.files.length} files`;
    console.log(`  ${relative(ROOT, p.tarball).padEnd(46)} ${sizes}`);
  }
  if (args.includes('--check')) {
    const checked = performance.now();
    const ok = await check(packs);
    console.log(
      `\nlint:packages: ${ok ? 'pass' : 'FAIL'} (${seconds(performance.now() - checked)})`,
    );
    process.exitCode = ok ? 0 : 1;
  }
}
