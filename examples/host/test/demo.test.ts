// End-to-end tests of the demo host: each runs the built demo
// (examples/host/dist/main.js) as a child process, on a temp copy of the
// committed plugins and of the example plugin, never on the real folders.
// `npm test` builds first; on a bare `npx vitest`, beforeAll builds what is missing.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO = join(REPO, 'examples/host/dist/main.js');
const CLI = join(REPO, 'packages/builder/dist/cli.js');
const EXAMPLE = join(REPO, 'packages/example-plugin');
const COMMITTED_PLUGINS = join(REPO, 'examples/host/plugins');
/** Bound on the demo's start: the first `augment watch` build and type check, on a loaded machine. */
const START_MS = 90_000;
/** Bound on one rebuild and reload. */
const RELOAD_MS = 30_000;
/** Bound on a clean exit after SIGINT. */
const EXIT_MS = 20_000;
// A test may wait for the start, a reload and the exit, each to its bound.
vi.setConfig({ testTimeout: 2 * START_MS + RELOAD_MS + EXIT_MS });

/** Each workspace the demo needs, with a file its build writes. */
const BUILT = [
  ['@augment/core', 'packages/core/dist/index.js'],
  ['@augment/cli-kit', 'packages/cli-kit/dist/index.js'],
  ['@augment/builder', 'packages/builder/dist/cli.js'],
  ['@augment/example-host-types', 'examples/host-types/dist/index.js'],
  ['@augment/example-host', 'examples/host/dist/main.js'],
] as const;

/** Builds the workspaces whose output is missing; the lock is the one the builder's tests use. */
async function ensureBuilt(): Promise<void> {
  const missing = BUILT.filter(([, file]) => !existsSync(join(REPO, file)));
  if (missing.length === 0) return;
  const lock = join(tmpdir(), 'augment-builder-test-build.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (waited > 110_000) throw new Error(`${lock} is still there: remove it if no build runs`);
      await sleep(200);
    }
  }
  try {
    for (const [workspace, file] of missing) {
      if (existsSync(join(REPO, file))) continue;
      const run = spawnSync('npm', ['run', 'build', '-w', workspace], {
        cwd: REPO,
        encoding: 'utf8',
        shell: process.platform === 'win32',
      });
      if (run.status !== 0) throw new Error(`building ${workspace} failed:\n${run.stderr}`);
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** This process's environment without what changes Node's flags or npm's folders. */
function cleanEnv(): NodeJS.ProcessEnv {
  const drop = new Set(['NODE_OPTIONS', 'INIT_CWD', 'NO_COLOR', 'FORCE_COLOR']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !drop.has(key)));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Rejects after `ms` with `what` in the message. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      fail(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A running demo whose stdout and stderr are gathered into one transcript. */
class Demo {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [DEMO, ...args], { cwd: REPO, env: cleanEnv() });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((done) => {
      this.child.on('exit', (code, signal) => {
        done({ code, signal });
      });
    });
  }

  /** Waits (bounded) until the transcript matches `pattern`; fails early if the demo exits. */
  async waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    let done = false;
    void this.exited.then(() => (done = true));
    for (;;) {
      const match = pattern.exec(this.output);
      if (match !== null) return match;
      if (done)
        throw new Error(`the demo exited before printing ${String(pattern)}:\n${this.output}`);
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${ms} ms waiting for ${String(pattern)}:\n${this.output}`);
      }
      await sleep(50);
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

let temp: string;
/** The temp copy of the example plugin, built with --zip. */
let example: string;
let plugins: string;
let cacheDir: string;
let demo: Demo | undefined;
/** The `augment watch` child of a --watch demo, killed after each test if still there. */
let builderPid: number | undefined;

beforeAll(async () => {
  await ensureBuilt();
  temp = await mkdtemp(join(tmpdir(), 'augment-demo-'));
  example = join(temp, 'example-plugin');
  await mkdir(example);
  for (const name of ['package.json', 'plugin.manifest.json', 'tsconfig.json', 'src']) {
    await cp(join(EXAMPLE, name), join(example, name), { recursive: true });
  }
  // the copy resolves the builder, TypeScript, ms and the types package from the repository
  await symlink(join(REPO, 'node_modules'), join(example, 'node_modules'), 'junction');
  const build = spawnSync(process.execPath, [CLI, 'build', '--zip', '--no-typecheck'], {
    cwd: example,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  expect(build.status, build.stderr).toBe(0);
}, 180_000);

beforeEach(async () => {
  plugins = await mkdtemp(join(temp, 'plugins-'));
  cacheDir = `${plugins}-cache`;
  for (const name of await readdir(COMMITTED_PLUGINS)) {
    if (name.startsWith('example-plugin') || name.startsWith('.')) continue; // made by the demo
    await cp(join(COMMITTED_PLUGINS, name), join(plugins, name), { recursive: true });
  }
});

afterEach(async () => {
  if (demo?.running) {
    demo.child.kill('SIGKILL');
    await within(demo.exited, EXIT_MS, 'the demo to die');
  }
  if (builderPid !== undefined && isAlive(builderPid)) {
    try {
      process.kill(process.platform === 'win32' ? builderPid : -builderPid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  demo = undefined;
  builderPid = undefined;
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** The demo's flags for the temp folders. */
function folders(): string[] {
  return ['--plugins', plugins, '--example', example, '--cache-dir', cacheDir];
}

describe('the demo host', () => {
  it('installs the example plugin zip, loads and calls every plugin, reports the broken one, exits 0', async () => {
    demo = new Demo(folders());
    const { code } = await within(demo.exited, START_MS, 'the demo to finish');
    const { output } = demo;
    expect(code, output).toBe(0);

    // the table: the zip from its archive, the hand-written plugins from their directories
    expect(output).toMatch(/Loaded 4 plugins from .* \(1 archive extracted\):/);
    expect(output).toMatch(/NAME +VERSION +FORMAT +ORIGIN +SOURCE +LOAD +META +DEPENDS ON\n/);
    expect(output).toMatch(
      /example-plugin +1\.0\.0 +esm +archive +example-plugin\.zip +[\d.]+ ms +kind=casual priority=50 +-\n/,
    );
    // the plugin that builds on the example plugin, and what it was loaded against
    expect(output).toMatch(
      /hello-dependent +1\.0\.0 +esm +directory +hello-dependent\/ +[\d.]+ ms +kind=casual priority=40 +example-plugin 1\.0\.0\n/,
    );
    expect(output).toMatch(
      /hello-esm +1\.0\.0 +esm +directory +hello-esm\/ +[\d.]+ ms +kind=formal/,
    );
    expect(output).toMatch(
      /hello-cjs +1\.0\.0 +cjs +directory +hello-cjs\/ +[\d.]+ ms +kind=playful/,
    );

    // each executed, highest priority first; the zip's bundled `ms` at work
    const says = [...output.matchAll(/^ {2}(\S+) +(Ada|Grace) +(.+)$/gm)].map(
      ([, plugin, visitor, text]) => `${plugin} ${visitor}: ${text}`,
    );
    expect(says).toEqual([
      'hello-esm Ada: Good day, Ada. Welcome to the house.',
      'hello-esm Grace: Good day, Grace. A pleasure to receive you again, for visit number 7.',
      'example-plugin Ada: Hi Ada, nice to meet you!',
      'example-plugin Grace: Welcome back, Grace! Your last visit was 3 days ago.',
      'hello-dependent Ada: As example-plugin says: "Hi Ada, nice to meet you!" Make yourself at home.',
      'hello-dependent Grace: As example-plugin says: "Welcome back, Grace! Your last visit was 3 days ago." Make yourself at home.',
      "hello-cjs Ada: Hey Ada! Look who's here, waving from CommonJS.",
      "hello-cjs Grace: Hey Grace! Look who's here, waving from CommonJS.",
    ]);

    // the broken plugin: its stage, code and the validator's issue
    expect(output).toMatch(
      /1 plugin failed to load:\s+✗ broken-greeter .*\n +stage +validate\n +code +AUG_VALIDATE_REJECTED\n +message +.*greet: expected a function, got undefined/,
    );
    expect(output).not.toContain('AUG_CONFLICT_DUPLICATE');

    expect((await lstat(join(plugins, 'example-plugin.zip'))).isFile()).toBe(true);
    expect(existsSync(join(plugins, 'example-plugin'))).toBe(false);
  });

  it('--watch: links the plugin, reloads it after an edit, and stops cleanly on SIGINT', async () => {
    demo = new Demo(['--watch', ...folders()]);
    const [, pid] = await demo.waitFor(/Started augment watch on .* \(pid (\d+)\)/, START_MS);
    builderPid = Number(pid);
    await demo.waitFor(/Watching .*; press Ctrl-C to stop\./, START_MS);

    // the linked folder serves; the zip of the same version loses to it
    expect(demo.output).toMatch(/example-plugin +1\.0\.0 +esm +directory +example-plugin\//);
    expect(demo.output).toMatch(/hello-dependent +1\.0\.0 +.* +example-plugin 1\.0\.0\n/);
    expect(demo.output).toMatch(/stage +conflict\n +code +AUG_CONFLICT_DUPLICATE/);
    expect((await lstat(join(plugins, 'example-plugin'))).isSymbolicLink()).toBe(true);

    const source = join(example, 'src/index.ts');
    const text = await readFile(source, 'utf8');
    expect(text).toContain('nice to meet you!');
    await writeFile(source, text.replace('nice to meet you!', 'nice to meet you, from the edit!'));

    await demo.waitFor(/example-plugin +Ada +Hi Ada, nice to meet you, from the edit!/, RELOAD_MS);
    expect(demo.output).toMatch(/\[augment watch\] rebuilt in/);
    // the dependent is reloaded with it, against the new version, and greets through it
    expect(demo.output).toMatch(
      /reload in [\d.]+ ms: updated example-plugin, hello-dependent\n {2}hello-dependent reloaded against the new example-plugin \(its dependency\)/,
    );
    expect(demo.output).toMatch(
      /hello-dependent +Ada +As example-plugin says: "Hi Ada, nice to meet you, from the edit!"/,
    );

    demo.child.kill('SIGINT');
    const exit = await within(demo.exited, EXIT_MS, 'the demo to exit after SIGINT');
    expect(exit, demo.output).toEqual({ code: 0, signal: null });
    expect(demo.output).toContain('Stopped: host closed, augment watch stopped, link removed.');
    expect(isAlive(builderPid)).toBe(false);
    await expect(lstat(join(plugins, 'example-plugin'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
