/**
 * Follows docs/plugin-authoring-guide.md step by step in a temporary folder:
 * creates the project with the boilerplate (and once more by hand), installs
 * it, builds, tests, loads it in a host, hot-reloads it, validates and pins
 * the zip, raises its version and packs it for publishing. Every command it
 * runs is taken from the guide's ```sh blocks, and every file it writes from
 * the guide's titled code blocks; the last test checks that no command of the
 * guide went unrun without a reason, so an edited guide cannot drift from
 * what works.
 *
 * The @augment packages come from `npm pack` of this repository's built
 * workspaces (run `npm run build` first); third-party packages (typescript,
 * esbuild…) come from the registry.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readShellCommands, readTitledBlocks } from './guide-blocks.js';
import {
  GuideShell,
  cleanEnv,
  exec,
  stopAll,
  type BackgroundCommand,
  type GuideShellOptions,
} from './guide-shell.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const GUIDE = await readFile(join(REPO, 'docs', 'plugin-authoring-guide.md'), 'utf8');
const COMMANDS = new Set(readShellCommands(GUIDE).map((c) => c.command));
const FILES = readTitledBlocks(GUIDE);
const BOILERPLATE_CLI = join(REPO, 'packages', 'boilerplate', 'dist', 'cli.js');

/** Commands of the guide that the test does not run, and why. */
const NOT_RUN: ReadonlyMap<string, string> = new Map([
  [
    'npm publish',
    'it would publish to the registry; `npm pack --dry-run` packs the very same files without sending them',
  ],
]);

/** Packages the guide installs by name that the test installs from tarballs. */
const LOCAL_PACKAGES = ['@augment/core', '@augment/builder', '@acme/greeter-types'] as const;
/** Where the @augment and @acme scopes resolve: nowhere, so a missed tarball fails loudly. */
const UNREACHABLE_REGISTRY = 'http://127.0.0.1:9/';

const INSTALL = 120_000;
const BUILD = 90_000;
// The steps without a limit of their own run npx or node, slow on a loaded machine.
vi.setConfig({ testTimeout: INSTALL });

let root: string;
const tarballs = new Map<string, string>();
const executed = new Set<string>();
const usedFiles = new Set<string>();
let options: GuideShellOptions;
let plugin: GuideShell;
let host: GuideShell;

/** The text of the guide's code block with this title. */
function guideFile(title: string): string {
  const block = FILES.get(title);
  if (block === undefined) throw new Error(`The guide has no code block titled "${title}".`);
  usedFiles.add(title);
  return block.text;
}

/** Writes the guide's block `title` to `path` (relative to `dir`). */
async function writeGuideFile(dir: string, title: string, path = title): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), guideFile(title));
}

/**
 * How the test runs a command of the guide that cannot run as written:
 * `npm create @augment/plugin@latest` and `npx @augment/boilerplate` run this
 * repository's built CLI, and `npm install`
 * installs this repository's packages (and the example types package) from
 * tarballs. Everything else runs as written.
 */
function substitute(command: string): string {
  // npm resolves `npm create @augment/plugin` to @augment/create-plugin, which runs
  // this CLI (packages/create-plugin/test/npm-create.test.ts runs that resolution)
  for (const generator of ['npm create @augment/plugin@latest', 'npx @augment/boilerplate']) {
    if (command.startsWith(generator)) {
      return command.replace(generator, `node ${JSON.stringify(BOILERPLATE_CLI)}`);
    }
  }
  if (!/^npm (install|i)( |$)/u.test(command)) return command;
  const words = command.split(' ');
  const named = words.filter((word) => tarballs.has(word));
  let rewritten = words.map((word) => tarballs.get(word) ?? word).join(' ');
  // A bare `npm install` of a project that lists the @augment packages.
  if (words.length === 2) {
    rewritten += ` ${tarballs.get('@augment/core') ?? ''} ${tarballs.get('@augment/builder') ?? ''}`;
  } else if (named.includes('@augment/builder') && !named.includes('@augment/core')) {
    rewritten += ` ${tarballs.get('@augment/core') ?? ''}`; // the builder depends on core
  }
  return `${rewritten} --no-audit --no-fund`;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

const isWindows = process.platform === 'win32';

describe.skipIf(isWindows)('the plugin authoring guide, followed step by step', () => {
  beforeAll(async () => {
    for (const dist of ['core', 'builder', 'boilerplate']) {
      if (!existsSync(join(REPO, 'packages', dist, 'dist'))) {
        throw new Error(`packages/${dist}/dist is missing: run \`npm run build\` first.`);
      }
    }
    root = await mkdtemp(join(tmpdir(), 'augment-guide-'));
    const env = cleanEnv({
      'npm_config_@augment:registry': UNREACHABLE_REGISTRY,
      'npm_config_@acme:registry': UNREACHABLE_REGISTRY,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    });
    const packed = join(root, 'tarballs');
    await mkdir(packed);
    const workspaces = '-w @augment/core -w @augment/builder -w @augment/boilerplate';
    await exec(`npm pack ${workspaces} --pack-destination "${packed}"`, REPO, env, INSTALL);
    // The host's types package of §2, made from the guide's own block.
    const types = join(root, 'acme-greeter-types');
    await mkdir(types);
    await writeGuideFile(types, '@acme/greeter-types', 'index.d.ts');
    await writeFile(
      join(types, 'package.json'),
      JSON.stringify({
        name: '@acme/greeter-types',
        version: '1.0.0',
        types: './index.d.ts',
        exports: { '.': { types: './index.d.ts' } },
      }),
    );
    await exec(`npm pack --pack-destination "${packed}"`, types, env, INSTALL);
    const names: Record<string, string> = {
      'augment-core-': '@augment/core',
      'augment-builder-': '@augment/builder',
      'acme-greeter-types-': '@acme/greeter-types',
    };
    for (const file of await readdir(packed)) {
      const prefix = Object.keys(names).find((p) => file.startsWith(p));
      if (prefix !== undefined) tarballs.set(names[prefix] ?? '', join(packed, file));
    }
    expect([...tarballs.keys()].sort()).toEqual([...LOCAL_PACKAGES].sort());
    options = { commands: COMMANDS, executed, substitute, env };
    const work = join(root, 'work');
    await mkdir(work);
    plugin = new GuideShell(work, options);
  }, INSTALL);

  afterAll(async () => {
    await stopAll();
    if (root !== undefined) await rm(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it('§1 creates the project with the boilerplate', async () => {
    await plugin.run('npm create @augment/plugin@latest my-plugin');
    await plugin.run('cd my-plugin');
    for (const file of [
      'package.json',
      'plugin.manifest.json',
      'tsconfig.json',
      'README.md',
      '.gitignore',
      'src/index.ts',
      'src/types.ts',
      'test/plugin.test.mjs',
    ]) {
      expect(existsSync(join(plugin.cwd, file)), file).toBe(true);
    }
    // What §1 shows of the generated files is what the boilerplate writes.
    const pkg = await readJson(join(plugin.cwd, 'package.json'));
    const shown = JSON.parse(guideFile('package.json (generated)')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(shown)) expect(pkg[key], key).toEqual(value);
    expect(Object.keys(pkg['devDependencies'] as object)).toEqual([
      '@augment/builder',
      '@augment/core',
      '@types/node',
      'typescript',
    ]);
    expect((pkg['devDependencies'] as Record<string, string>)['typescript']).toBe('~5.9.3');
    expect(await readJson(join(plugin.cwd, 'tsconfig.json'))).toEqual(
      JSON.parse(guideFile('tsconfig.json')),
    );
    expect(await readFile(join(plugin.cwd, '.gitignore'), 'utf8')).toBe(guideFile('.gitignore'));
  });

  it('§1 lists the boilerplate flags its --help shows', async () => {
    const { stdout } = await exec(`node "${BOILERPLATE_CLI}" --help`, root, options.env, 30_000);
    const section = GUIDE.slice(
      GUIDE.indexOf('### With the boilerplate'),
      GUIDE.indexOf('### By hand'),
    );
    // the first cell of each row of the flags table: | `--name <name>` | …
    const rows = section.split('\n').filter((line) => line.startsWith('| `-'));
    const documented = new Set(
      rows.flatMap((row) => row.split('|')[1]?.match(/--[a-z][a-z-]*/gu) ?? []),
    );
    const offered = new Set(stdout.match(/--[a-z][a-z-]*/gu));
    offered.delete('--help');
    offered.delete('--version');
    expect([...documented].sort()).toEqual([...offered].sort());
  });

  it(
    '§1 installs it',
    async () => {
      await plugin.run('npm install', INSTALL);
      expect(existsSync(join(plugin.cwd, 'node_modules', '.bin', 'augment'))).toBe(true);
    },
    INSTALL,
  );

  it(
    '§2 switches to the host types package, a peer dependency',
    async () => {
      await plugin.run('npm install --save-peer @acme/greeter-types', INSTALL);
      await plugin.run('npm install -D @acme/greeter-types', INSTALL);
      await plugin.run('rm src/types.ts');
      const pkg = await readJson(join(plugin.cwd, 'package.json'));
      expect(pkg['peerDependencies']).toHaveProperty(['@acme/greeter-types']);
      expect(pkg['devDependencies']).toHaveProperty(['@acme/greeter-types']);
    },
    INSTALL * 2,
  );

  it('§3 and §4 write the plugin and its manifest', async () => {
    await writeGuideFile(plugin.cwd, 'src/index.ts');
    await writeGuideFile(plugin.cwd, 'plugin.manifest.json');
  });

  it(
    '§5 builds dist/ and release.zip',
    async () => {
      const { stdout } = await plugin.run('npm run build', BUILD);
      expect(stdout).toMatch(/built my-plugin@0\.1\.0 → dist\/index\.js \(esm\)/u);
      expect(stdout).toMatch(/types: checked/u);
      const dist = join(plugin.cwd, 'dist');
      expect((await readdir(dist)).sort()).toEqual([
        'index.js',
        'index.js.map',
        'package.json',
        'plugin.manifest.json',
      ]);
      expect(await readJson(join(dist, 'package.json'))).toMatchObject({ type: 'module' });
      expect(await readJson(join(dist, 'plugin.manifest.json'))).toMatchObject({
        entryPoint: './index.js',
      });
      const digest = await sha256(join(plugin.cwd, 'release.zip'));
      expect(await readFile(join(plugin.cwd, 'release.zip.sha256'), 'utf8')).toBe(
        `${digest}  release.zip\n`,
      );
    },
    BUILD,
  );

  it(
    '§6 runs the generated test and the type check',
    async () => {
      const { stdout } = await plugin.run('npm test', BUILD);
      // node --test prints TAP (`# pass 2`) or its spec reporter (`ℹ pass 2`)
      expect(stdout).toMatch(/^(#|ℹ) fail 0$/mu);
      expect(stdout).toMatch(/^(#|ℹ) pass [1-9]/mu);
      await plugin.run('npm run typecheck', BUILD);
    },
    BUILD * 2,
  );

  it(
    '§7 loads the plugin in a scratch host',
    async () => {
      host = plugin;
      await host.run('cd ..');
      await host.run('mkdir my-host');
      await host.run('cd my-host');
      await host.run('npm init -y');
      await host.run('npm pkg set type=module');
      await host.run('npm install @augment/core', INSTALL);
      await host.run('mkdir plugins');
      await host.run('cp -R ../my-plugin/dist plugins/my-plugin');
      await writeGuideFile(host.cwd, 'host.js');
      const { stdout, stderr } = await host.run('node host.js');
      expect(stdout).toContain('my-plugin 0.1.0: Hello, world!');
      expect(stderr).toBe('');
      // the plugin and host shells part here: each keeps its own folder
      plugin = new GuideShell(join(host.cwd, '..', 'my-plugin'), options);
    },
    INSTALL,
  );

  it(
    '§8 reloads the plugin on every rebuild, in watch mode',
    async () => {
      await host.run('rm -r plugins/my-plugin');
      await host.run('ln -s ../../my-plugin plugins/my-plugin');
      const source = join(plugin.cwd, 'src', 'index.ts');
      const original = await readFile(source, 'utf8');
      let watchingHost: BackgroundCommand | undefined;
      let watchingBuild: BackgroundCommand | undefined;
      try {
        watchingHost = host.start('node host.js --watch');
        await watchingHost.waitFor(/my-plugin 0\.1\.0: Hello, world!/u, 20_000);
        watchingBuild = plugin.start('npm run watch');
        await watchingBuild.waitFor(/watching src\//u, 30_000);
        const mark = watchingHost.output().length;
        await writeFile(source, original.replace('Hello', 'Hi'));
        await watchingBuild.waitFor(/rebuilt in/u, 20_000);
        await watchingHost.waitFor(/my-plugin 0\.1\.0: Hi, world!/u, 20_000, mark);
      } finally {
        await watchingBuild?.stop();
        await watchingHost?.stop();
        await writeFile(source, original);
      }
    },
    BUILD,
  );

  it(
    '§8 checks with augment doctor that the plugin unloads cleanly',
    async () => {
      const plain = await plugin.run('npm run doctor', BUILD);
      expect(plain.stdout).toContain('ok: my-plugin unloads cleanly');
      await writeGuideFile(plugin.cwd, 'doctor.setup.mjs');
      const setup = await plugin.run('npx augment doctor --setup doctor.setup.mjs', BUILD);
      expect(setup.stdout).toContain('host options from doctor.setup.mjs');
      expect(setup.stdout).toContain('ok: my-plugin unloads cleanly');
      await plugin.run('npx augment doctor --json > doctor.json', BUILD);
      const report = await readJson(join(plugin.cwd, 'doctor.json'));
      expect(report).toMatchObject({ ok: true, rounds: 20, findings: [] });
    },
    BUILD * 3,
  );

  it(
    '§9 stack traces from the plugin name it, its version and src/index.ts:6',
    async () => {
      const source = join(plugin.cwd, 'src', 'index.ts');
      const original = await readFile(source, 'utf8');
      const throwing = original.replace(
        /return `Hello, \$\{name\}!`;/u,
        "throw new Error('not today');",
      );
      expect(throwing).not.toBe(original);
      try {
        await writeFile(source, throwing);
        await plugin.run('npm run build', BUILD);
        const { stderr } = await host.run('node host.js');
        expect(stderr).toMatch(
          /Error: not today\n\s+at Object\.greet \(augment-plugin:\/\/\/my-plugin@0\.1\.0\/src\/index\.ts:6:\d+\)/u,
        );
      } finally {
        await writeFile(source, original);
      }
    },
    BUILD,
  );

  it(
    '§10 ships an asset and reads it relative to the module',
    async () => {
      await writeGuideFile(plugin.cwd, 'assets/greeting.txt');
      await writeGuideFile(plugin.cwd, 'src/index.ts, reading an asset', 'src/index.ts');
      await plugin.run('npm run build', BUILD);
      expect(existsSync(join(plugin.cwd, 'dist', 'assets', 'greeting.txt'))).toBe(true);
      const { stdout } = await host.run('node host.js');
      expect(stdout).toContain('my-plugin 0.1.0: Hello, world!');
    },
    BUILD,
  );

  it('§11 validates the zip, and a host loads it pinned to its digest', async () => {
    const { stdout } = await plugin.run('npx augment validate release.zip');
    expect(stdout).toContain('valid: my-plugin@0.1.0 (archive)');
    const printed = await plugin.run('cat release.zip.sha256');
    expect(printed.stdout).toBe(`${await sha256(join(plugin.cwd, 'release.zip'))}  release.zip\n`);

    await host.run('rm plugins/my-plugin');
    await host.run('cp ../my-plugin/release.zip plugins/my-plugin.zip');
    await host.run('cp ../my-plugin/release.zip.sha256 my-plugin.zip.sha256');
    await writeGuideFile(host.cwd, 'host-production.js');
    const pinned = await host.run('node host-production.js');
    expect(pinned.stdout).toBe('Hello, production!\n');
    expect(pinned.stderr).toBe('');

    // A changed archive is refused: its digest no longer matches the pin.
    const zip = join(host.cwd, 'plugins', 'my-plugin.zip');
    const bytes = await readFile(zip);
    const changed = Buffer.from(bytes);
    const middle = Math.floor(changed.length / 2);
    changed.writeUInt8(changed.readUInt8(middle) ^ 0xff, middle);
    try {
      await writeFile(zip, changed);
      const refused = await host.run('node host-production.js');
      expect(refused.stderr).toMatch(/AUG_ARCHIVE_INTEGRITY/u);
      expect(refused.stdout).toBe('undefined\n');
    } finally {
      await writeFile(zip, bytes);
    }
  });

  it(
    '§12 raises the version; the higher version wins in a host',
    async () => {
      await plugin.run('npm version minor --no-git-tag-version');
      const pkg = await readJson(join(plugin.cwd, 'package.json'));
      expect(pkg['version']).toBe('0.2.0');
      // the version script (augment sync) made the manifest follow
      const manifest = await readJson(join(plugin.cwd, 'plugin.manifest.json'));
      expect(manifest['version']).toBe('0.2.0');
      await plugin.run('npm run build', BUILD);
      // the old archive stays beside the new one: the conflict rule picks 0.2.0
      await exec(
        'cp ../my-plugin/release.zip plugins/my-plugin-next.zip',
        host.cwd,
        options.env,
        10_000,
      );
      const { stdout, stderr } = await host.run('node host.js');
      expect(stdout).toContain('my-plugin 0.2.0: Hello, world!');
      expect(stderr).toMatch(/AUG_CONFLICT_DUPLICATE/u);
    },
    BUILD,
  );

  it('§13 packs what npm would publish', async () => {
    const { stdout, stderr } = await plugin.run('npm pack --dry-run');
    const listing = `${stdout}\n${stderr}`;
    for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.js.map']) {
      expect(listing).toContain(file);
    }
    expect(listing).toContain('dist/plugin.manifest.json');
    expect(listing).toContain('dist/assets/greeting.txt');
    expect(listing).not.toContain('src/index.ts');
    expect(listing).not.toContain('release.zip');
  });

  it(
    '§1 by hand: the same project from npm init builds and validates',
    async () => {
      const hand = join(root, 'hand');
      await mkdir(hand);
      const shell = new GuideShell(hand, options);
      await shell.run('mkdir my-plugin');
      await shell.run('cd my-plugin');
      await shell.run('npm init -y --init-version 0.1.0');
      await shell.run('npm pkg set type=module engines.node=">=20.19" "files[]=dist"');
      await shell.run(
        'npm pkg set scripts.build="augment build --zip" scripts.watch="augment watch" scripts.typecheck="tsc --noEmit" scripts.doctor="augment doctor" scripts.version="augment sync"',
      );
      await shell.run('npm pkg delete main scripts.test');
      await shell.run(
        'npm install -D @augment/builder @augment/core typescript@~5.9.3 @types/node@^20.19.0',
        INSTALL,
      );
      await shell.run('npm install --save-peer @acme/greeter-types', INSTALL);
      await shell.run('npm install -D @acme/greeter-types', INSTALL);
      for (const file of ['tsconfig.json', '.gitignore', 'src/index.ts', 'plugin.manifest.json']) {
        await writeGuideFile(shell.cwd, file);
      }
      // by hand, package.json ends up as the boilerplate writes it, minus the test scripts
      const pkg = await readJson(join(shell.cwd, 'package.json'));
      const generated = JSON.parse(guideFile('package.json (generated)')) as {
        scripts: Record<string, string>;
      };
      const scripts = Object.fromEntries(
        Object.entries(generated.scripts).filter(
          ([name]) => !['test', 'prepublishOnly'].includes(name),
        ),
      );
      expect(pkg).toMatchObject({ ...generated, scripts });
      expect(pkg['scripts']).toEqual(scripts);
      expect(pkg).not.toHaveProperty('main');

      const built = await shell.run('npm run build', BUILD);
      expect(built.stdout).toMatch(/built my-plugin@0\.1\.0 → dist\/index\.js \(esm\)/u);
      expect(built.stdout).toMatch(/types: checked/u);
      await shell.run('npm run typecheck', BUILD);
      const { stdout } = await shell.run('npx augment validate release.zip');
      expect(stdout).toContain('valid: my-plugin@0.1.0 (archive)');
    },
    INSTALL * 3 + BUILD,
  );

  it('§2 --types: a new project imports the signature from the host types package', async () => {
    const other = join(root, 'with-types');
    await mkdir(other);
    const shell = new GuideShell(other, options);
    await shell.run('npx @augment/boilerplate my-plugin --types @acme/greeter-types');
    const project = join(other, 'my-plugin');
    const pkg = await readJson(join(project, 'package.json'));
    expect(pkg['peerDependencies']).toHaveProperty(['@acme/greeter-types']);
    expect(pkg['devDependencies']).toHaveProperty(['@acme/greeter-types']);
    expect(existsSync(join(project, 'src', 'types.ts'))).toBe(false);
    expect(await readFile(join(project, 'src', 'index.ts'), 'utf8')).toContain(
      "from '@acme/greeter-types'",
    );
  });

  it('runs every command of the guide, or says why not', () => {
    const unrun = [...COMMANDS].filter((c) => !executed.has(c) && !NOT_RUN.has(c));
    expect(unrun, 'commands of the guide that no test runs').toEqual([]);
    const stale = [...NOT_RUN.keys()].filter((c) => !COMMANDS.has(c));
    expect(stale, 'NOT_RUN lists commands the guide no longer has').toEqual([]);
    const unusedFiles = [...FILES.keys()].filter((title) => !usedFiles.has(title));
    expect(unusedFiles, 'titled code blocks of the guide that no test writes').toEqual([]);
  });
});
