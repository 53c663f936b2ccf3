// End-to-end tests of the `create-augment-plugin` bin: each spawns the built
// CLI (packages/boilerplate/dist/cli.js) without a TTY in a temp folder.
// `npm test` builds first; when dist/ is missing, beforeAll builds it once.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../src/templates.js';
import { ensureBuilt, makeTempDir, removeDir, REPO, run, runCli } from './helpers/cli.js';

let temp: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  temp = await makeTempDir('cli');
});
afterEach(async () => {
  await removeDir(temp);
});

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

const VERSION = (
  JSON.parse(await readFile(join(REPO, 'packages/boilerplate/package.json'), 'utf8')) as {
    version: string;
  }
).version;
/** The first line the generator prints, before anything else. */
const TITLE = `create-augment-plugin v${VERSION}`;

describe('without a TTY', () => {
  it('never prompts: with no folder it fails in one line, stdin closed', async () => {
    const run = await runCli([], temp, { stdin: 'ignore', timeoutMs: 15_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${TITLE}\n`);
    expect(lines(run.stderr)).toEqual([
      'error: no folder given: run "create-augment-plugin <folder>" (without a terminal nothing is asked; see --help).',
    ]);
    expect(await readdir(temp)).toEqual([]);
  });

  it('never waits for input, even with stdin open and silent', async () => {
    const run = await runCli([], temp, { stdin: 'pipe', timeoutMs: 15_000 });
    expect(run.code).toBe(1);
    const created = await runCli(['my-plugin'], temp, { stdin: 'pipe', timeoutMs: 15_000 });
    expect(created.code).toBe(0);
  });

  it('creates the project with the defaults and says what to run next', async () => {
    const run = await runCli(['my-plugin'], temp);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "create-augment-plugin v0.1.0
      created my-plugin (esm) in my-plugin: 8 files
        .gitignore
        README.md
        package.json
        plugin.manifest.json
        src/index.ts
        src/types.ts
        test/plugin.test.mjs
        tsconfig.json

      Next:
        cd my-plugin
        npm install
        npm run watch   # builds dist/, then rebuilds it on every save
        npm test        # builds dist/ and release.zip, then loads the plugin

      Try it in a host: copy dist/ (or release.zip) into the host's plugins folder:
        cp -R dist <host>/plugins/my-plugin
        cp release.zip <host>/plugins/my-plugin.zip
      "
    `);
    const pkg = JSON.parse(await readFile(join(temp, 'my-plugin/package.json'), 'utf8')) as {
      type: string;
    };
    expect(pkg.type).toBe('module');
  });

  it('passes every flag on to scaffold()', async () => {
    const args = [
      'reports',
      '--name',
      '@acme/reports',
      '--format',
      'cjs',
      '--types',
      'app-types@^2',
      '--yes',
    ];
    const run = await runCli(args, temp);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).slice(0, 2)).toEqual([
      TITLE,
      'created @acme/reports (cjs) in reports: 7 files',
    ]);
    const pkg = JSON.parse(await readFile(join(temp, 'reports/package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg).toMatchObject({
      name: '@acme/reports',
      type: 'commonjs',
      peerDependencies: { 'app-types': '^2' },
    });
    expect(existsSync(join(temp, 'reports/src/types.ts'))).toBe(false);
  });
});

describe('errors', () => {
  it('refuses an invalid name with the reason, exit 1, writing nothing', async () => {
    const run = await runCli(['my-plugin', '--name', 'My_Plugin'], temp);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${TITLE}\n`);
    expect(lines(run.stderr)).toEqual([
      'error: The name "My_Plugin" is not a valid npm package name: it must be lower-case. Choose a name like "my-plugin" or "@acme/my-plugin".',
    ]);
    expect(await readdir(temp)).toEqual([]);
  });

  it('refuses a folder name that is not a valid name, pointing at --name', async () => {
    const run = await runCli(['Bad Folder'], temp);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"Bad Folder" is not a valid npm package name');
    expect(run.stderr).toContain('--name');
  });

  it('refuses a folder that is not empty, and --force keeps what is there', async () => {
    const dir = join(temp, 'taken');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{}\n');
    const refused = await runCli(['taken'], temp);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toHaveLength(1);
    expect(refused.stderr).toMatch(/^error: .*taken is not empty \(it holds package\.json\)\./u);
    expect(await readdir(dir)).toEqual(['package.json']);

    const forced = await runCli(['taken', '--force'], temp);
    expect(forced.code).toBe(0);
    expect(lines(forced.stderr)).toEqual([
      "kept 1 existing file, not overwritten (compare them with the template's and merge by hand):",
      '  package.json',
    ]);
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{}\n');
    expect(lines(forced.stdout)[1]).toBe('created taken (esm) in taken: 7 files');
  });

  it('refuses an unknown format or flag in one line', async () => {
    const format = await runCli(['x', '--format', 'umd'], temp);
    expect(format.code).toBe(1);
    expect(lines(format.stderr)).toEqual([
      "error: option '--format <format>' argument 'umd' is invalid. Allowed choices are esm, cjs.",
    ]);
    const flag = await runCli(['x', '--forse'], temp);
    expect(flag.code).toBe(1);
    expect(lines(flag.stderr)).toEqual(["error: unknown option '--forse' (did you mean --force?)"]);
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('help and version', () => {
  it('prints the help', async () => {
    const run = await runCli(['--help'], temp);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "Usage: create-augment-plugin [options] [folder]

      Create a new Augment plugin project: sources, manifest, build scripts and a
      test.

      Arguments:
        folder             where to create the project; created when missing (asked on
                           a terminal)

      Options:
        --name <name>      the plugin's package and manifest name (default: the
                           folder's name)
        --types <package>  the host's types package that exports the plugin signature,
                           as name or name@range; it becomes a peer dependency
                           (default: none, a local src/types.ts)
        --format <format>  module format of the built plugin (choices: "esm", "cjs",
                           default: "esm")
        --force            write into a folder that is not empty; existing files are
                           kept, never overwritten (default: false)
        -y, --yes          ask nothing: use the defaults for what the command line
                           leaves out (default: false)
        --install          run npm install in the new project (default: asked on a
                           terminal, not run anywhere else)
        --no-install       do not run npm install, nor ask about it
        --color            print colors even when the output is not a terminal
        --no-color         print no colors (also: NO_COLOR=1)
        -v, --version      print the version of @augment/boilerplate
        -h, --help         show this help

      On a terminal it asks for what the command line leaves out (unless --yes),
      then offers to run npm install. Anywhere else it never waits for input: it
      uses the defaults, needs <folder>, and installs only with --install.

      Examples:
        $ npm create @augment/plugin@latest my-plugin
        $ npx @augment/boilerplate my-plugin --format cjs --yes --install
        $ npx @augment/boilerplate reports --name @acme/reports --types @acme/app-types@^2.0.0

      Colors: on a terminal only; NO_COLOR=1 or --no-color turns them off,
      FORCE_COLOR=1 or --color turns them on.
      "
    `);
  });

  it('prints the version of the package', async () => {
    const run = await runCli(['--version'], temp);
    expect(run.stdout.trim()).toBe(VERSION);
  });

  it('is the only bin, so that `npx @augment/boilerplate` runs it', async () => {
    const pkg = JSON.parse(
      await readFile(join(REPO, 'packages/boilerplate/package.json'), 'utf8'),
    ) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'create-augment-plugin': './dist/cli.js' });
    expect(
      (await readFile(join(REPO, 'packages/boilerplate/dist/cli.js'), 'utf8')).split('\n')[0],
    ).toBe('#!/usr/bin/env node');
  });

  it('ships the bin and every template in the package', async () => {
    const packed = await run(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', '@augment/boilerplate'],
      { cwd: REPO, timeoutMs: 60_000 },
    );
    expect(packed.code, packed.stderr).toBe(0);
    const [{ files }] = JSON.parse(packed.stdout) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    const templates = (await readdir(TEMPLATES_DIR, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) =>
        join('templates', entry.parentPath.slice(TEMPLATES_DIR.length), entry.name)
          .split('\\')
          .join('/'),
      );
    expect(templates).toContain('templates/base/_gitignore');
    expect(paths).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.cjs', ...templates]));
  });
});
