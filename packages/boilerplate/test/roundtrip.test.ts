// The real round trip: generate projects with the built CLI, install them with
// npm, build and test them. @augment/core and @augment/builder come from
// tarballs of this workspace (`npm pack`), so what is tested is what would be
// published; TypeScript, @types/node, esbuild… come from the registry (or
// npm's cache). The three projects (esm, cjs, --types) run side by side.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, removeDir, REPO, run, runCli } from './helpers/cli.js';
import type { RunResult } from './helpers/cli.js';

const TIMEOUT_MS = 300_000;

let temp: string;
/** `file:` specs of the packed workspace packages (and of a host types package). */
const tarballs: Record<string, string> = {};
const timings: string[] = [];

/** `npm pack`s `dir` (a workspace or a folder) into `<temp>/packs`; returns the tarball's path. */
async function pack(args: readonly string[], cwd: string): Promise<string[]> {
  const destination = join(temp, 'packs');
  const result = await run(
    'npm',
    ['pack', ...args, '--pack-destination', destination, '--ignore-scripts', '--json'],
    { cwd, timeoutMs: 120_000 },
  );
  expect(result.code, result.stderr).toBe(0);
  const packed = JSON.parse(result.stdout) as { filename: string }[];
  return packed.map(({ filename }) => join(destination, filename));
}

beforeAll(async () => {
  await ensureBuilt();
  temp = await makeTempDir('roundtrip');
  await mkdir(join(temp, 'packs'));
  const [core, builder] = await pack(['-w', '@augment/core', '-w', '@augment/builder'], REPO);
  // the host's types package of the --types project
  const types = join(temp, 'my-app-types');
  await mkdir(types);
  await writeFile(
    join(types, 'package.json'),
    JSON.stringify({ name: 'my-app-types', version: '2.1.0', types: 'index.d.ts' }),
  );
  await writeFile(
    join(types, 'index.d.ts'),
    'export interface Plugin {\n  greet(name: string): string;\n}\n',
  );
  const [typesTarball] = await pack([], types);
  Object.assign(tarballs, {
    '@augment/core': `file:${core!}`,
    '@augment/builder': `file:${builder!}`,
    'my-app-types': `file:${typesTarball!}`,
  });
}, 180_000);

afterAll(async () => {
  if (timings.length > 0) console.info(`round trip timings:\n${timings.join('\n')}`);
  if (temp !== undefined) await removeDir(temp);
});

/** Points the project's dev dependencies that have a tarball at it. */
async function useTarballs(dir: string): Promise<void> {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  for (const name of Object.keys(pkg.devDependencies)) {
    const tarball = tarballs[name];
    if (tarball !== undefined) pkg.devDependencies[name] = tarball;
  }
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Runs an npm command in the project and records how long it took. */
async function npm(label: string, dir: string, args: readonly string[]): Promise<RunResult> {
  const result = await run('npm', args, { cwd: dir, timeoutMs: 240_000 });
  timings.push(
    `  ${label}: npm ${args.join(' ')} → exit ${result.code} in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  return result;
}

const output = (result: RunResult): string => `${result.stdout}\n${result.stderr}`;

/** Generates, installs, builds and tests a project; returns its folder. */
async function roundTrip(
  label: string,
  cliArgs: readonly string[],
  prepare?: (dir: string) => Promise<void>,
): Promise<string> {
  const created = await runCli([label, '--yes', ...cliArgs], temp);
  expect(created.code, created.stderr).toBe(0);
  const dir = join(temp, label);
  await useTarballs(dir);

  const install = await npm(label, dir, ['install', '--no-audit', '--no-fund']);
  expect(install.code, output(install)).toBe(0);
  await prepare?.(dir);

  const build = await npm(label, dir, ['run', 'build']);
  expect(build.code, output(build)).toBe(0);
  expect(build.stdout).toContain('types: checked');
  for (const file of [
    'dist/index.js',
    'dist/index.js.map',
    'dist/plugin.manifest.json',
    'release.zip',
    'release.zip.sha256',
  ]) {
    expect(existsSync(join(dir, file)), file).toBe(true);
  }

  const test = await npm(label, dir, ['test']);
  expect(test.code, output(test)).toBe(0);
  expect(test.stdout).toMatch(/^(#|ℹ) pass 2$/mu);
  expect(test.stdout).toMatch(/^(#|ℹ) fail 0$/mu);
  return dir;
}

describe.concurrent('a generated project installs, builds and passes its test', () => {
  it('esm', { timeout: TIMEOUT_MS }, async () => {
    const dir = await roundTrip('esm-plugin', []);
    expect(JSON.parse(await readFile(join(dir, 'dist/package.json'), 'utf8'))).toMatchObject({
      type: 'module',
    });
  });

  it('cjs', { timeout: TIMEOUT_MS }, async () => {
    const dir = await roundTrip('cjs-plugin', ['--format', 'cjs']);
    expect(JSON.parse(await readFile(join(dir, 'dist/package.json'), 'utf8'))).toMatchObject({
      type: 'commonjs',
    });
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('module.exports');
  });

  it(
    '--types: the type check names what to implement, then it builds',
    { timeout: TIMEOUT_MS },
    async () => {
      await roundTrip('typed-plugin', ['--types', 'my-app-types@^2.0.0'], async (dir) => {
        const stub = await npm('typed-plugin', dir, ['run', 'build']);
        expect(stub.code).toBe(1);
        expect(stub.stderr).toMatch(
          /src\/index\.ts:\d+:\d+ - error TS2741: Property 'greet' is missing/u,
        );
        const index = join(dir, 'src/index.ts');
        const source = await readFile(index, 'utf8');
        await writeFile(
          index,
          source.replace(
            'const plugin: Plugin = {};',
            'const plugin: Plugin = { greet: (name) => `hi ${name}` };',
          ),
        );
      });
    },
  );
});
