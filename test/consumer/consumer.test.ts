/**
 * The published packages, as a consumer gets them: the `npm pack` tarballs of
 * @augment/core, @augment/builder and @augment/boilerplate (scripts/pack.mjs;
 * reused from dist-packages/ while fresh, so a run packs once) are installed
 * with `npm install <tarballs>` into fresh projects in a temp folder, never
 * linked from the workspace. Third-party dependencies (chokidar, yauzl,
 * esbuild…) come from the registry or npm's shared cache. The @augment scope
 * points at a local registry that has nothing (every request gets a 404), so
 * an @augment package that does not come from a tarball fails the install.
 *
 * - author: a plugin author's project with the builder, the boilerplate and
 *   TypeScript; builds one plugin three times with `npx augment build` (ESM,
 *   CommonJS, CommonJS in a zip), runs both bins, and loads both APIs with
 *   `import` and with `require`;
 * - esm: a `"type": "module"` host that `import`s core;
 * - cjs: a CommonJS host that `require`s core;
 * - ts-nodenext: a TypeScript host compiled with `module: nodenext`, as an
 *   ES module (host.mts) and as CommonJS (host-cjs.cts);
 * - ts-commonjs: a TypeScript host compiled with `module: commonjs`.
 *
 * Each host loads the three built plugins and calls them. The TypeScript
 * hosts compile with `strict` and `skipLibCheck: false` and hold no cast and
 * no `any`: `T` is inferred from the type guard, or given as
 * `PluginHost<Greeter>`. Projects install, build and run side by side.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePacked } from '../../scripts/pack.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = join(ROOT, 'test', 'consumer');
/** The repository's TypeScript compiles the TypeScript hosts. */
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ROOT_PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
/** The versions the repository uses, installed from the registry (or the cache). */
const TYPESCRIPT = `typescript@${ROOT_PKG.devDependencies['typescript'] ?? ''}`;
const TYPES_NODE = `@types/node@${ROOT_PKG.devDependencies['@types/node'] ?? ''}`;

const TIMEOUT_MS = 300_000;
const isWindows = process.platform === 'win32';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What every host prints. */
interface HostOutput {
  core: string;
  failed: string[];
  plugins: { name: string; format: string; origin: string; greeting: string }[];
  first: string;
  shout?: boolean;
}

/** The plugin projects: one source (test/consumer/plugin), three builds. */
const BUILDS = [
  { name: 'greeter-esm', type: 'module', flags: [], zip: false },
  { name: 'greeter-cjs', type: 'commonjs', flags: ['--format', 'cjs'], zip: false },
  { name: 'greeter-zip', type: 'commonjs', flags: ['--format', 'cjs', '--zip'], zip: true },
] as const;

/** What every host must load and call: the three plugins, by name. */
const PLUGINS = [
  { name: 'greeter-cjs', format: 'cjs', origin: 'directory', greeting: 'Hello, consumer!' },
  { name: 'greeter-esm', format: 'esm', origin: 'directory', greeting: 'Hello, consumer!' },
  { name: 'greeter-zip', format: 'cjs', origin: 'archive', greeting: 'Hello, consumer!' },
];

const TS_PROJECTS = ['ts-nodenext', 'ts-commonjs'] as const;
const HOST_PROJECTS = ['esm', 'cjs', ...TS_PROJECTS] as const;

/** The host programs: the project each runs in, and the build of core it must get. */
const HOSTS = [
  { name: 'esm', project: 'esm', program: 'host.mjs', core: 'dist/index.js' },
  { name: 'cjs', project: 'cjs', program: 'host.cjs', core: 'dist/index.cjs' },
  {
    name: 'ts-nodenext (.mts)',
    project: 'ts-nodenext',
    program: 'dist/host.mjs',
    core: 'dist/index.js',
  },
  {
    name: 'ts-nodenext (.cts)',
    project: 'ts-nodenext',
    program: 'dist/host-cjs.cjs',
    core: 'dist/index.cjs',
  },
  { name: 'ts-commonjs', project: 'ts-commonjs', program: 'dist/host.js', core: 'dist/index.cjs' },
] as const;

let root: string;
let env: NodeJS.ProcessEnv;
let registry: Server | undefined;
/** The paths asked of the empty @augment registry. */
const registryRequests: string[] = [];
/** What scripts/pack.mjs packed: each tarball's path and files. */
let packs: { name: string; tarball: string; files: string[] }[] = [];
let reused = false;
/** The result of each step, by name. */
const results = new Map<string, RunResult>();
const timings: string[] = [];
const suiteStarted = performance.now();

function timing(name: string, ms: number, suffix = ''): void {
  const at = ((performance.now() - suiteStarted) / 1000).toFixed(1);
  timings.push(
    `  ${name.padEnd(34)} ${(ms / 1000).toFixed(1).padStart(5)} s${suffix}  (done at ${at} s)`,
  );
}

/** Runs a command and records its result under `name`; never rejects. */
function run(name: string, command: string, args: readonly string[], cwd: string) {
  const started = performance.now();
  return new Promise<RunResult>((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: 180_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        results.set(name, { code, stdout, stderr });
        timing(name, performance.now() - started, code === 0 ? '' : `, exit ${code}`);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The result of step `name`; fails the test with its output unless it exited 0. */
function succeeded(name: string): RunResult {
  const result = results.get(name);
  if (result === undefined) throw new Error(`${name} did not run: a step before it failed`);
  expect(result.code, `${name} failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/**
 * A registry for the @augment scope that has no package: npm asks it about
 * `@augment/core` (the builder's and the boilerplate's dependency) and, on
 * the 404, keeps the core installed from its tarball. An unreachable address
 * would do the same after npm's retries, over a minute later.
 */
async function startEmptyRegistry(): Promise<string> {
  const server = createServer((request, response) => {
    registryRequests.push(request.url ?? '');
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":"not found"}');
  });
  registry = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** The environment of npm, node and tsc: the test's, without what npm run and Vitest set. */
function cleanEnv(augmentRegistry: string): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|vitest)/iu.test(key)) continue;
    if (['INIT_CWD', 'NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(key)) continue;
    clean[key] = value;
  }
  clean['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes(`node_modules${sep}.bin`))
    .join(delimiter);
  return {
    ...clean,
    'npm_config_@augment:registry': augmentRegistry,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

/** `npm install` of tarballs and registry packages into the project `dir`. */
function npmInstall(project: string, dir: string, specs: readonly string[]) {
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  return run(`install ${project}`, 'npm', [...args, ...specs], dir);
}

/** A plugin project in the author's folder: the shared source, its own package.json and manifest. */
async function writePluginProject(dir: string, build: (typeof BUILDS)[number]): Promise<void> {
  cpSync(join(HERE, 'plugin'), dir, { recursive: true });
  const pkg = { name: build.name, version: '1.0.0', private: true, type: build.type };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const manifest = { name: build.name, version: '1.0.0', entryPoint: './dist/index.js', meta: {} };
  await writeFile(join(dir, 'plugin.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

describe.skipIf(isWindows)('the packed packages in fresh consumer projects', () => {
  beforeAll(async () => {
    const started = performance.now();
    const packed = await ensurePacked();
    ({ packs, reused } = packed);
    timing(reused ? 'tarballs reused from dist-packages' : 'npm pack', performance.now() - started);
    const tarball = (name: string): string => {
      const found = packs.find((p) => p.name === name);
      if (found === undefined) throw new Error(`dist-packages/ has no tarball of ${name}`);
      return found.tarball;
    };
    const core = tarball('@augment/core');
    env = cleanEnv(await startEmptyRegistry());

    root = await mkdtemp(join(tmpdir(), 'augment-consumer-'));
    const author = join(root, 'author');
    cpSync(join(HERE, 'author'), author, { recursive: true });
    await Promise.all(BUILDS.map((build) => writePluginProject(join(author, build.name), build)));
    for (const project of HOST_PROJECTS) {
      cpSync(join(HERE, 'hosts', project), join(root, project), { recursive: true });
    }
    const plugins = join(root, 'plugins');
    await mkdir(plugins);

    // The author's pipeline: install, then build the plugins with the packed
    // builder's bin and fill the hosts' plugin folder; beside the builds, the
    // bins and the APIs.
    const authoring = (async () => {
      const specs = [core, tarball('@augment/builder'), tarball('@augment/boilerplate')];
      if ((await npmInstall('author', author, [...specs, TYPESCRIPT])).code !== 0) return;
      const npx = (name: string, args: readonly string[]) =>
        run(name, 'npx', ['--no', '--', ...args], author);
      await Promise.all([
        ...BUILDS.map(async (build) => {
          const name = `augment build ${build.name}`;
          const result = await npx(name, ['augment', 'build', build.name, ...build.flags]);
          if (result.code !== 0) return;
          if (build.zip) {
            await copyFile(
              join(author, build.name, 'release.zip'),
              join(plugins, `${build.name}.zip`),
            );
          } else {
            cpSync(join(author, build.name, 'dist'), join(plugins, build.name), {
              recursive: true,
            });
          }
        }),
        npx('augment --version', ['augment', '--version']),
        npx('create-augment-plugin --version', ['create-augment-plugin', '--version']),
        run('api.mjs', process.execPath, ['api.mjs'], author),
        run('api.cjs', process.execPath, ['api.cjs'], author),
      ]);
    })();

    // The hosts' pipelines: install (and compile), then wait for the plugins and run.
    const hosting = HOST_PROJECTS.map(async (project) => {
      const dir = join(root, project);
      const typescript = (TS_PROJECTS as readonly string[]).includes(project);
      const install = await npmInstall(project, dir, typescript ? [core, TYPES_NODE] : [core]);
      if (install.code !== 0) return;
      if (
        typescript &&
        (await run(`tsc ${project}`, process.execPath, [TSC, '-p', dir], dir)).code !== 0
      ) {
        return;
      }
      await authoring;
      await Promise.all(
        HOSTS.filter((host) => host.project === project).map((host) =>
          run(`host ${host.name}`, process.execPath, [host.program, plugins], dir),
        ),
      );
    });
    await Promise.all([authoring, ...hosting]);
  }, TIMEOUT_MS);

  afterAll(async () => {
    const total = ((performance.now() - suiteStarted) / 1000).toFixed(1);
    const source = reused ? 'tarballs reused from dist-packages/' : 'packed into dist-packages/';
    console.info(
      `consumer tests on Node.js ${process.version} (${source}), ${total} s:\n${timings.join('\n')}`,
    );
    registry?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it('installs every @augment package from its tarball, not from the workspace', () => {
    for (const project of ['author', ...HOST_PROJECTS]) {
      succeeded(`install ${project}`);
      const modules = join(root, project, 'node_modules', '@augment');
      const names = project === 'author' ? ['boilerplate', 'builder', 'core'] : ['core'];
      expect(readdirSync(modules).sort(), project).toEqual(names);
      for (const name of names) {
        const dir = join(modules, name);
        // a folder npm unpacked in the project, not a link to the workspace
        expect(lstatSync(dir).isSymbolicLink(), `${project}: @augment/${name}`).toBe(false);
        // holding exactly the tarball's files: what "files" publishes, no sources, no tests
        const installed = readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
          .sort();
        const packed = packs.find((p) => p.name === `@augment/${name}`);
        expect(installed, `${project}: @augment/${name}`).toEqual(packed?.files);
      }
      // one core, shared by the builder and the boilerplate
      for (const name of names.filter((n) => n !== 'core')) {
        expect(existsSync(join(modules, name, 'node_modules', '@augment'))).toBe(false);
      }
    }
    // the empty registry was asked only about core, and its 404 broke nothing
    expect(new Set(registryRequests)).toEqual(new Set(['/@augment%2fcore']));
  });

  it('builds the plugin as ESM, as CommonJS and as a zip with the packed builder', () => {
    for (const build of BUILDS) {
      const { stdout } = succeeded(`augment build ${build.name}`);
      const format = build.type === 'module' ? 'esm' : 'cjs';
      expect(stdout).toContain(
        `built ${build.name}@1.0.0 → ${build.name}/dist/index.js (${format})`,
      );
      // the builder found the author's TypeScript and checked the plugin with it
      expect(stdout).toContain('types: checked');
    }
    expect(readdirSync(join(root, 'plugins')).sort()).toEqual([
      'greeter-cjs',
      'greeter-esm',
      'greeter-zip.zip',
    ]);
  });

  it('runs both bins, and loads the builder and boilerplate APIs with import and require', () => {
    expect(succeeded('augment --version').stdout.trim()).toBe('0.1.0');
    expect(succeeded('create-augment-plugin --version').stdout.trim()).toBe('0.1.0');
    for (const [script, extension] of [
      ['api.mjs', 'js'],
      ['api.cjs', 'cjs'],
    ] as const) {
      const output = JSON.parse(succeeded(script).stdout) as {
        builder: string;
        boilerplate: string;
        exports: Record<string, string>;
      };
      const modules = join(root, 'author', 'node_modules', '@augment');
      expect(relative(modules, output.builder)).toBe(join('builder', 'dist', `index.${extension}`));
      expect(relative(modules, output.boilerplate)).toBe(
        join('boilerplate', 'dist', `index.${extension}`),
      );
      expect(output.exports).toEqual({
        build: 'function',
        pack: 'function',
        validate: 'function',
        scaffold: 'function',
      });
    }
  });

  it.each(TS_PROJECTS)(
    'compiles the %s host with strict and skipLibCheck off, without a cast or an any',
    (project) => {
      const { stdout, stderr } = succeeded(`tsc ${project}`);
      expect(`${stdout}${stderr}`).toBe('');
      const src = join(HERE, 'hosts', project, 'src');
      for (const file of readdirSync(src)) {
        const code = readFileSync(join(src, file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//gu, '')
          .replace(/\/\/.*$/gmu, '');
        expect(code, file).not.toMatch(/\bas\b|\bany\b/u);
      }
    },
  );

  it.each(HOSTS)('$name host gets its build of core, loads the plugins and calls them', (host) => {
    const result = succeeded(`host ${host.name}`);
    const output = JSON.parse(result.stdout) as HostOutput;
    // the build of core this kind of host must get, from its own node_modules
    const core = join(root, host.project, 'node_modules', '@augment', 'core');
    expect(relative(core, output.core)).toBe(host.core.split('/').join(sep));
    expect(output.failed).toEqual([]);
    expect(output.plugins).toEqual(PLUGINS);
    expect(output.first).toBe('Hello, first!');
    if (host.project.startsWith('ts-')) expect(output.shout).toBe(true);
    expect(result.stderr).toBe('');
  });
});
