import { runProcess } from './run-cli.js';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const coreDist = join(repoRoot, 'packages/core/dist');

/** The built ESM and CJS entry points of @augment/core. */
export const CORE_ESM = pathToFileURL(join(coreDist, 'index.js')).href;
export const CORE_CJS = join(coreDist, 'index.cjs');

/**
 * Makes a fresh temp folder. Its name contains `augment-fixture` so that
 * Vitest lets Node itself import the files in it (see vitest.config.ts).
 */
export async function makeTempDir(label = 'builder'): Promise<string> {
  return mkdtemp(join(tmpdir(), `augment-fixture-${label}-`));
}

/** Removes a temp folder. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Writes files (relative path → content; objects are written as JSON) below `root`. */
export async function writeFiles(
  root: string,
  files: Record<string, string | object>,
): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = join(root, relative);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** What {@link createProject} writes. */
export interface ProjectSpec {
  name?: string;
  version?: string;
  /** src/index.ts */
  index?: string;
  /** Replaces the whole manifest; `null` writes none. */
  manifest?: object | string | null;
  /** The package.json, merged over `{ name, version, private }`. */
  packageJson?: Record<string, unknown>;
  /** Extra files below the project. */
  files?: Record<string, string | object>;
  /** Link the repo's TypeScript and @types/node into node_modules. */
  typescript?: boolean;
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src'],
};

/**
 * Writes a plugin project: package.json, tsconfig.json, plugin.manifest.json
 * and src/index.ts, plus `spec.files`.
 */
export async function createProject(dir: string, spec: ProjectSpec = {}): Promise<string> {
  const name = spec.name ?? 'hello-plugin';
  const version = spec.version ?? '1.2.3';
  const files: Record<string, string | object> = {
    'package.json': { name, version, private: true, ...spec.packageJson },
    'tsconfig.json': TSCONFIG,
    'src/index.ts':
      spec.index ?? 'export default { greet(who: string): string { return `hello ${who}`; } };\n',
    ...spec.files,
  };
  if (spec.manifest !== null) {
    files['plugin.manifest.json'] = spec.manifest ?? {
      name,
      version,
      entryPoint: './dist/index.js',
      meta: { kind: 'greeter' },
    };
  }
  await writeFiles(dir, files);
  if (spec.typescript === true) await linkTypeScript(dir);
  return dir;
}

/** Symlinks the repo's TypeScript and @types/node into `<dir>/node_modules`. */
export async function linkTypeScript(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules/@types'), { recursive: true });
  await symlink(join(repoRoot, 'node_modules/typescript'), join(dir, 'node_modules/typescript'));
  await symlink(join(repoRoot, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'));
}

/** How long a test waits for something that should happen (a rebuild, a file), on a busy machine too. */
export const WAIT_MS = 30_000;

/**
 * Polls `condition` every 25 ms until it holds; fails after `timeoutMs`
 * naming `what`. For waiting on an outcome instead of sleeping a fixed time.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Links test/fixtures/slow-typescript as `<dir>/node_modules/typescript`: its tsc writes `tsc.pid` and waits a minute. */
export async function linkSlowTypeScript(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(join(here, '../fixtures/slow-typescript'), join(dir, 'node_modules/typescript'));
}

/**
 * Whether the slow tsc started in `dir` is still running. It is given
 * `waitMs` to write its `tsc.pid` first: a tsc killed before it got that far
 * never writes it.
 */
export async function slowTscRunning(dir: string, waitMs = 1500): Promise<boolean> {
  const file = join(dir, 'tsc.pid');
  for (let waited = 0; !existsSync(file) && waited < waitMs; waited += 50) await sleep(50);
  if (!existsSync(file)) return false;
  const pid = Number(await readFile(file, 'utf8'));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A CommonJS package that requires Node builtins (and uses `__dirname`). */
export const CJS_DEP: Record<string, string | object> = {
  'node_modules/cjs-dep/package.json': { name: 'cjs-dep', version: '1.0.0', main: 'lib.js' },
  'node_modules/cjs-dep/lib.js': [
    "const path = require('node:path');",
    "const fs = require('fs');",
    'exports.joinName = (a, b) => path.posix.join(a, b);',
    "exports.hasDir = () => typeof fs.existsSync === 'function' && typeof __dirname === 'string';",
    '',
  ].join('\n'),
};

/** An ESM-only package (`"type": "module"`, `exports`). */
export const ESM_DEP: Record<string, string | object> = {
  'node_modules/esm-dep/package.json': {
    name: 'esm-dep',
    version: '1.0.0',
    type: 'module',
    exports: { '.': './index.js' },
  },
  'node_modules/esm-dep/index.js': 'export const shout = (s) => `${s.toUpperCase()}!`;\n',
};

/** A peer package, installed, whose code must not end up in the bundle. */
export const PEER_DEP: Record<string, string | object> = {
  'node_modules/host-api/package.json': { name: 'host-api', version: '1.0.0', main: 'index.js' },
  'node_modules/host-api/index.js': "exports.PEER_MARKER = 'peer code was bundled';\n",
  'node_modules/host-api/extra.js': "exports.EXTRA_MARKER = 'peer subpath was bundled';\n",
};

/** The result of a child Node process. */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The value the script passed to `done(...)`, parsed from its last `RESULT` line. */
  result: unknown;
}

const PRELUDE = `
process.on('warning', (w) => { process.stderr.write('NODE-WARNING ' + w.name + ': ' + w.message + '\\n'); process.exitCode = 90; });
const done = (value) => { process.stdout.write('\\nRESULT ' + JSON.stringify(value) + '\\n'); };
`;

/**
 * Runs `body` in a fresh Node process as a host script: `core` is the built
 * @augment/core (imported, or required for `kind: 'cjs'`), `fs` and `path`
 * are Node's, `done(value)` reports a JSON result. Any warning exits 90.
 */
export async function runHost(
  dir: string,
  body: string,
  options: { kind?: 'esm' | 'cjs'; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildResult> {
  const kind = options.kind ?? 'esm';
  const file = join(dir, kind === 'esm' ? 'host-script.mjs' : 'host-script.cjs');
  const source =
    kind === 'esm'
      ? `import * as core from ${JSON.stringify(CORE_ESM)};\nimport * as fs from 'node:fs';\nimport * as path from 'node:path';\n${PRELUDE}\n${body}\n`
      : `const core = require(${JSON.stringify(CORE_CJS)});\nconst fs = require('node:fs');\nconst path = require('node:path');\n${PRELUDE}\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exitCode = 1; });\n`;
  await writeFile(file, source);
  return runNode([file], dir, options.env);
}

/** Spawns node with arguments and collects its output; kills it after 60 s. */
export async function runNode(
  args: string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<ChildResult> {
  const run = await runProcess(process.execPath, args, cwd, {
    baseEnv: { ...process.env, NODE_OPTIONS: '' },
    env,
  });
  const line = run.stdout.split('\n').findLast((l) => l.startsWith('RESULT '));
  return {
    ...run,
    result: line === undefined ? undefined : (JSON.parse(line.slice(7)) as unknown),
  };
}
