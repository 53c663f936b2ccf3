// End-to-end tests of the `augment` CLI: each spawns the real built bin
// (packages/builder/dist/cli.js) in a temp project. `npm test` builds first;
// when dist/cli.js is missing (a bare `npx vitest`), beforeAll builds core and
// the builder once. After editing src/, rebuild (`npm run build -w @augment/builder`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZipFile } from 'yazl';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLI, REPO, TYPESCRIPT, cleanEnv, ensureBuilt } from './helpers/cli.js';
import { runProcess, type CliRun } from './helpers/run-cli.js';
import {
  linkSlowTypeScript,
  makeTempDir,
  removeDir,
  slowTscRunning,
  writeFiles,
} from './helpers/project.js';
import { colorsEnabled, createOutput } from '../src/output.js';

const ANSI = '\u001b[';
const STACK = /^\s+at /mu;

/**
 * Runs `augment …args` in `cwd`, without a TTY and without color variables
 * unless given; `nodeArgs` go to Node before the CLI's path.
 */
function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): Promise<CliRun> {
  return runProcess(process.execPath, [...nodeArgs, CLI, ...args], cwd, { env, limitMs: 50_000 });
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

const MANIFEST = { name: 'my-plugin', version: '1.0.0', entryPoint: './dist/index.js' };

/** A minimal plugin project: package.json, plugin.manifest.json, tsconfig.json, src/index.ts. */
function project(overrides: Record<string, string | object> = {}): Record<string, string | object> {
  return {
    'package.json': { name: 'my-plugin', version: '1.0.0', private: true, type: 'module' },
    'plugin.manifest.json': MANIFEST,
    'tsconfig.json': {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: [],
      },
      include: ['src'],
    },
    'src/index.ts': [
      'export interface Greeter { greet(name: string): string }',
      'const plugin: Greeter = { greet: (name) => `hello ${name}` };',
      'export default plugin;',
      '',
    ].join('\n'),
    ...overrides,
  };
}

async function linkTypeScript(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(TYPESCRIPT, join(dir, 'node_modules/typescript'), 'junction');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes a zip holding `files` (name → content), for `validate` on archives. */
async function writeZip(file: string, files: Record<string, string>): Promise<void> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  await writeFile(file, Buffer.concat(chunks));
}

// A real tsc takes ~10 s on a loaded machine, and a test may run it twice.
vi.setConfig({ testTimeout: 120_000 });

let dir: string;

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('cli');
});

afterEach(async () => {
  await removeDir(dir);
});

describe('help and usage errors', () => {
  it('prints the program help', async () => {
    const run = await runCli(['--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "Usage: augment [options] [command]

      Build, watch and validate plugins for @augment/core.

      Options:
        -v, --version              print the version of @augment/builder
        --color                    print colors even when the output is not a terminal
        --no-color                 print no colors (also: NO_COLOR=1)
        -h, --help                 show this help

      Commands:
        build [options] [dir]      Bundle src/index.ts into dist/ (with a source map),
                                   check types, validate and copy
                                   plugin.manifest.json; optionally pack dist/ into a
                                   release archive.
        watch [options] [dir]      Build, then rebuild incrementally on every change
                                   under src/ or assets/ or to plugin.manifest.json,
                                   package.json or tsconfig.json; type-check beside
                                   each rebuild. Stop with Ctrl+C.
        dev [options] [project]    Build, link dist/ into a host's plugin folder, then
                                   rebuild on every change and tell a listening host
                                   (AUGMENT_DEV=1 or dev: true) to reload the plugin,
                                   printing its answer. Ctrl+C stops and removes the
                                   link.
        link <folder> [project]    Link the project's dist/ into a host's plugin
                                   folder under the plugin's name (a symlink; a
                                   junction on Windows; a copy where links are
                                   refused). @scope/name is linked as @scope+name.
        unlink <folder> [project]  Remove the link (or copy) augment link made in a
                                   host's plugin folder; anything else there is left
                                   alone.
        validate [target]          Check plugin.manifest.json (schema, entry point) of
                                   a plugin project, a built dist/ folder or a .zip
                                   archive, without building.
        sync [dir]                 Copy package.json's name and version into
                                   plugin.manifest.json, keeping the rest of the file
                                   as it is; as npm's "version" script, also git add
                                   it.
        doctor [options] [dir]     Load, unload and reload the built plugin in a
                                   throwaway host; report what it leaves behind.
        help [command]             show the help of a command

      Run "augment <command> --help" for a command's flags and examples.

      Exit codes: 0 success, 1 build or validation failure, 2 usage error (unknown
      command or flag, bad or missing argument).
      Colors: on a terminal only; NO_COLOR=1 or --no-color turns them off,
      FORCE_COLOR=1 or --color turns them on.
      "
    `);
  });

  it('prints the help of build', async () => {
    const run = await runCli(['build', '--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "Usage: augment build [options] [dir]

      Bundle src/index.ts into dist/ (with a source map), check types, validate and
      copy plugin.manifest.json; optionally pack dist/ into a release archive.

      Arguments:
        dir                the plugin project folder (default: the nearest one from
                           here upwards)

      Options:
        --format <format>  module format of dist/index.js (choices: "esm", "cjs",
                           default: "esm")
        --minify           minify dist/index.js (the source map still names the
                           original lines) (default: false)
        --zip              also pack dist/ into a deterministic release archive
                           (default: false)
        --out <file>       where to write the archive, relative to the current folder
                           (implies --zip; default: release.zip in the project folder)
        --no-typecheck     skip the TypeScript type check (default: check when
                           TypeScript is installed)
        -h, --help         show this help

      Examples:
        $ augment build
        $ augment build packages/my-plugin --format cjs
        $ augment build --zip
        $ augment build --out releases/my-plugin-1.0.0.zip
      "
    `);
  });

  it('prints the help of watch', async () => {
    const run = await runCli(['watch', '--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "Usage: augment watch [options] [dir]

      Build, then rebuild incrementally on every change under src/ or assets/ or to
      plugin.manifest.json, package.json or tsconfig.json; type-check beside each
      rebuild. Stop with Ctrl+C.

      Arguments:
        dir                the plugin project folder (default: the nearest one from
                           here upwards)

      Options:
        --format <format>  module format of dist/index.js (choices: "esm", "cjs",
                           default: "esm")
        --minify           minify dist/index.js (the source map still names the
                           original lines) (default: false)
        --no-typecheck     skip the TypeScript type check (default: check when
                           TypeScript is installed)
        -h, --help         show this help

      Examples:
        $ augment watch
        $ augment watch packages/my-plugin --no-typecheck
      "
    `);
  });

  it('prints the help of validate', async () => {
    const run = await runCli(['validate', '--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "Usage: augment validate [options] [target]

      Check plugin.manifest.json (schema, entry point) of a plugin project, a built
      dist/ folder or a .zip archive, without building.

      Arguments:
        target      a project folder, a dist/ folder or a .zip archive (default: the
                    nearest project from here upwards)

      Options:
        -h, --help  show this help

      Examples:
        $ augment validate
        $ augment validate dist
        $ augment validate release.zip
      "
    `);
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'packages/builder/package.json'), 'utf8')) as {
      version: string;
    };
    const run = await runCli(['--version'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('rejects an unknown flag in one line, with a suggestion when one is close', async () => {
    await writeFiles(dir, project());
    const run = await runCli(['build', '--nope'], dir);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(["error: unknown option '--nope'"]);
    expect(run.stdout).toBe('');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    const close = await runCli(['build', '--zipp'], dir);
    expect(close.code).toBe(2);
    expect(lines(close.stderr)).toEqual(["error: unknown option '--zipp' (did you mean --zip?)"]);
  });

  it('rejects an unknown command in one line', async () => {
    const run = await runCli(['bild'], dir);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toMatchInlineSnapshot(`
      [
        "error: unknown command 'bild' (did you mean build?)",
      ]
    `);
  });

  it('rejects --format xyz in one line, on build and on watch', async () => {
    await writeFiles(dir, project());
    for (const command of ['build', 'watch']) {
      const run = await runCli([command, '--format', 'xyz'], dir);
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toMatchInlineSnapshot(`
        [
          "error: option '--format <format>' argument 'xyz' is invalid. Allowed choices are esm, cjs.",
        ]
      `);
      expect(existsSync(join(dir, 'dist'))).toBe(false);
    }
  });
});

describe('augment build: project errors', () => {
  it('reports a missing plugin.manifest.json in one line, without a stack', async () => {
    await writeFiles(dir, project());
    await rm(join(dir, 'plugin.manifest.json'));
    const run = await runCli(['build'], dir);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*plugin\.manifest\.json/u);
    expect(run.stderr).not.toMatch(STACK);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('reports a missing src/index.ts in one line, without a stack', async () => {
    await writeFiles(dir, project());
    await rm(join(dir, 'src'), { recursive: true });
    const run = await runCli(['build'], dir);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*src[\\/]index\.ts/u);
    expect(run.stderr).not.toMatch(STACK);
  });

  it('reports a project folder that does not exist without a stack', async () => {
    const run = await runCli(['build', 'nowhere'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /u);
    expect(run.stderr).not.toMatch(STACK);
  });

  it('lists every problem of an invalid manifest and writes no dist/', async () => {
    await writeFiles(
      dir,
      project({ 'plugin.manifest.json': { name: 'Not A Name', version: 'one', meta: 3 } }),
    );
    const run = await runCli(['build'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /u);
    for (const field of ['name', 'version', 'entryPoint', 'meta']) {
      expect(run.stderr).toContain(field);
    }
    expect(run.stderr).not.toMatch(STACK);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('an invalid manifest stops the type check: exit 1, every problem, nothing written', async () => {
    await writeFiles(
      dir,
      project({ 'plugin.manifest.json': { name: 'Not A Name', version: 'one', meta: 3 } }),
    );
    // its tsc would run for a minute: the CLI exits long before (runCli allows 50 s)
    await linkSlowTypeScript(dir);
    const run = await runCli(['build'], dir);
    expect(run.code).toBe(1);
    for (const field of ['name', 'version', 'entryPoint', 'meta']) {
      expect(run.stderr).toContain(field);
    }
    expect(run.stderr).not.toMatch(STACK);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(await slowTscRunning(dir)).toBe(false);
  });

  it('reports a syntax error with file:line:col', async () => {
    await writeFiles(dir, project({ 'src/index.ts': 'export const x = 1;\nexport const y = ;\n' }));
    const run = await runCli(['build', '--no-typecheck'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/src[\\/]index\.ts:2:\d+/u);
    expect(run.stderr).not.toMatch(STACK);
  });
});

describe('augment build', () => {
  it('builds dist/index.js (esm) and says the types were not checked without TypeScript', async () => {
    await writeFiles(dir, project());
    const run = await runCli(['build'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^built my-plugin@1\.0\.0 → dist\/index\.js \(esm\) in \d+ ms$/u);
    expect(out[1]).toMatch(/^wrote dist\/index\.js \d+ B, map \d+ B$/u);
    expect(out[2]).toBe('types: not checked (TypeScript is not installed in this project)');
    expect(existsSync(join(dir, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(dir, 'dist/index.js.map'))).toBe(true);
    expect(existsSync(join(dir, 'release.zip'))).toBe(false);
    const mod = (await import(pathToFileURL(join(dir, 'dist/index.js')).href)) as {
      default: { greet(name: string): string };
    };
    expect(mod.default.greet('you')).toBe('hello you');
  });

  it('builds a project named by path, and --format cjs', async () => {
    await writeFiles(join(dir, 'plugins/p'), project());
    const run = await runCli(['build', 'plugins/p', '--format', 'cjs'], dir);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[0]).toMatch(
      /^built my-plugin@1\.0\.0 → plugins\/p\/dist\/index\.js \(cjs\) in \d+ ms$/u,
    );
    expect(await readFile(join(dir, 'plugins/p/dist/index.js'), 'utf8')).toMatch(
      /module\.exports/u,
    );
  });

  it('checks types with the project’s TypeScript: "types: checked"', async () => {
    await writeFiles(dir, project());
    await linkTypeScript(dir);
    const run = await runCli(['build'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[2]).toBe('types: checked');
  });

  it('fails on a type error, naming the file and line, and --no-typecheck skips the check', async () => {
    await writeFiles(dir, project({ 'src/index.ts': 'export const n: number = "text";\n' }));
    await linkTypeScript(dir);
    const failed = await runCli(['build'], dir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/src[\\/]index\.ts.*1.*TS2322/u);
    expect(failed.stderr).not.toMatch(STACK);

    const skipped = await runCli(['build', '--no-typecheck'], dir);
    expect(skipped.code).toBe(0);
    expect(lines(skipped.stdout)[2]).toBe('types: not checked (--no-typecheck)');
  });

  it('--zip writes release.zip and release.zip.sha256 and prints the archive’s sha256', async () => {
    await writeFiles(dir, project());
    const run = await runCli(['build', '--zip'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toHaveLength(4);
    const match = /^release\.zip {2}sha256 ([0-9a-f]{64})$/u.exec(out[3] ?? '');
    expect(match, out[3]).not.toBeNull();
    const hex = match![1]!;
    expect(sha256(await readFile(join(dir, 'release.zip')))).toBe(hex);
    expect(await readFile(join(dir, 'release.zip.sha256'), 'utf8')).toContain(hex);

    // deterministic: the same sources give the same archive
    const again = await runCli(['build', '--zip'], dir);
    expect(lines(again.stdout)[3]).toBe(out[3]);
  });

  it('--out writes the archive there and implies --zip', async () => {
    await writeFiles(dir, project());
    await mkdir(join(dir, 'releases'));
    const run = await runCli(['build', '--out', 'releases/p.zip'], dir);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[3]).toMatch(/^releases\/p\.zip {2}sha256 [0-9a-f]{64}$/u);
    expect(existsSync(join(dir, 'releases/p.zip'))).toBe(true);
    expect(existsSync(join(dir, 'release.zip'))).toBe(false);
  });
});

describe('start-up', () => {
  /** The CommonJS files a run loaded: a preloaded script lists require.cache at exit. */
  async function loadedFiles(args: string[]): Promise<string[]> {
    const list = join(dir, 'loaded.json');
    await writeFile(
      join(dir, 'record.cjs'),
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const run = await runCli(args, dir, {}, ['--require', join(dir, 'record.cjs')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(await readFile(list, 'utf8')) as string[];
  }
  const has = (files: string[], pattern: RegExp): boolean => files.some((f) => pattern.test(f));
  const COMMANDER = /[\\/]commander[\\/]/u;
  const ESBUILD = /[\\/]esbuild[\\/]lib[\\/]main\.js$/u;
  const CORE = /[\\/]core[\\/]dist[\\/]index\.cjs$/u;
  const FFLATE = /[\\/]fflate[\\/]/u;

  it('the committed bin/augment.js runs the same CLI', async () => {
    await writeFiles(dir, project());
    const bin = join(REPO, 'packages/builder/bin/augment.js');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/u);
    const built = spawnSync(process.execPath, [bin, 'build', '--no-typecheck'], {
      cwd: dir,
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(built.stderr).toBe('');
    expect(built.stdout).toMatch(/^built my-plugin@1\.0\.0 → dist\/index\.js \(esm\)/u);
  });

  it('--version loads commander alone', async () => {
    const files = await loadedFiles(['--version']);
    expect(has(files, COMMANDER)).toBe(true);
    expect([has(files, ESBUILD), has(files, CORE), has(files, FFLATE)]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('build loads esbuild and core but fflate only with --zip; validate loads no esbuild', async () => {
    await writeFiles(dir, project());
    const plain = await loadedFiles(['build', '--no-typecheck']);
    expect([has(plain, ESBUILD), has(plain, CORE), has(plain, FFLATE)]).toEqual([
      true,
      true,
      false,
    ]);
    const zipped = await loadedFiles(['build', '--no-typecheck', '--zip']);
    expect(has(zipped, FFLATE)).toBe(true);
    const validated = await loadedFiles(['validate']);
    expect([has(validated, ESBUILD), has(validated, CORE)]).toEqual([false, true]);
  });
});

describe('colors', () => {
  it('prints no ANSI escapes when stdout is not a TTY, or when NO_COLOR is set', async () => {
    await writeFiles(dir, project());
    for (const env of [{}, { NO_COLOR: '1' }]) {
      const good = await runCli(['build', '--zip'], dir, env);
      expect(good.code).toBe(0);
      expect(good.stdout + good.stderr).not.toContain(ANSI);
      const bad = await runCli(['validate', 'nowhere'], dir, env);
      expect(bad.code).toBe(1);
      expect(bad.stdout + bad.stderr).not.toContain(ANSI);
      const help = await runCli(['build', '--help'], dir, env);
      expect(help.stdout).not.toContain(ANSI);
    }
  });

  it('colors a TTY unless NO_COLOR has a non-empty value', () => {
    const tty = { isTTY: true, write: () => true };
    const pipe = { isTTY: false, write: () => true };
    expect(colorsEnabled(tty, {})).toBe(true);
    expect(colorsEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled(pipe, {})).toBe(false);
    let written = '';
    const output = createOutput({ isTTY: true, write: (s: string) => (written += s) }, pipe, {});
    output.line(output.style('green', 'ok'));
    expect(written).toContain(ANSI);
    expect(output.styleErr('red', 'plain')).toBe('plain');
  });
});

describe('augment validate', () => {
  it('validates a project, its dist/ and its release.zip', async () => {
    await writeFiles(dir, project());
    expect(lines((await runCli(['validate'], dir)).stdout)).toEqual([
      'valid: my-plugin@1.0.0 (project)',
    ]);
    expect((await runCli(['build', '--zip', '--no-typecheck'], dir)).code).toBe(0);
    const dist = await runCli(['validate', 'dist'], dir);
    expect(dist.code).toBe(0);
    expect(lines(dist.stdout)).toEqual(['valid: my-plugin@1.0.0 (dist)']);
    const zip = await runCli(['validate', 'release.zip'], dir);
    expect(zip.code).toBe(0);
    expect(lines(zip.stdout)).toEqual(['valid: my-plugin@1.0.0 (archive)']);
  });

  it('lists every problem of an invalid project manifest, exit 1', async () => {
    await writeFiles(dir, project({ 'plugin.manifest.json': { name: 'Bad Name', version: 'x' } }));
    const run = await runCli(['validate', '.'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*plugin\.manifest\.json has 3 problems/u);
    for (const field of ['name', 'version', 'entryPoint']) {
      expect(run.stderr).toMatch(
        new RegExp(`^  plugin\\.manifest\\.json:\\d+:\\d+: ${field}: `, 'mu'),
      );
    }
    expect(run.stderr).not.toMatch(STACK);
  });

  it('reports a project without src/index.ts, exit 1', async () => {
    await writeFiles(dir, project({ 'src/other.ts': 'export {};\n' }));
    await rm(join(dir, 'src/index.ts'));
    const run = await runCli(['validate'], dir);
    expect(run.code).toBe(1);
    const err = lines(run.stderr);
    expect(err[0]).toBe('invalid: . (project): 1 problem');
    expect(err[1]).toMatch(/^ {2}- src\/index\.ts: missing/u);
  });

  it('reports an invalid dist/ manifest, and a dist/ without its entry point, exit 1', async () => {
    await writeFiles(dir, project());
    expect((await runCli(['build', '--no-typecheck'], dir)).code).toBe(0);
    await rm(join(dir, 'dist/index.js'));
    const missing = await runCli(['validate', 'dist'], dir);
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)[0]).toBe('invalid: dist (dist): 1 problem');

    await writeFile(join(dir, 'dist/plugin.manifest.json'), JSON.stringify({ name: 'my-plugin' }));
    const run = await runCli(['validate', 'dist'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /u);
    expect(run.stderr).toMatch(/version/u);
    expect(run.stderr).not.toMatch(STACK);
  });

  it('reports an archive whose entry point is not in it, exit 1', async () => {
    await writeZip(join(dir, 'bad.zip'), {
      'plugin.manifest.json': JSON.stringify({
        name: 'bad',
        version: '1.0.0',
        entryPoint: './nope.js',
      }),
      'index.js': 'export default {};\n',
    });
    const run = await runCli(['validate', 'bad.zip'], dir);
    expect(run.code).toBe(1);
    const err = lines(run.stderr);
    expect(err[0]).toBe('invalid: bad.zip (archive): 1 problem');
    expect(err[1]).toMatch(/nope\.js/u);
  });

  it('reports a file that is not a zip archive without a stack', async () => {
    await writeFile(join(dir, 'fake.zip'), 'not a zip');
    const run = await runCli(['validate', 'fake.zip'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /u);
    expect(run.stderr).not.toMatch(STACK);
  });

  it('reports a target that does not exist in one line', async () => {
    const run = await runCli(['validate', 'nowhere'], dir);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*nowhere/u);
  });
});
