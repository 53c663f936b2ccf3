import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The built bin, as `npx @augment/boilerplate` runs it. */
export const CLI = join(REPO, 'packages/boilerplate/dist/cli.js');

/** Makes a fresh temp folder. */
export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `augment-boilerplate-${label}-`));
}

/** Removes a temp folder. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** What a workspace's `npm run build` must have produced. */
const BUILDS = [
  { workspace: '@augment/core', output: 'packages/core/dist/index.js' },
  { workspace: '@augment/cli-kit', output: 'packages/cli-kit/dist/index.js' },
  { workspace: '@augment/builder', output: 'packages/builder/dist/cli.js' },
  { workspace: '@augment/boilerplate', output: 'packages/boilerplate/dist/cli.js' },
];

/**
 * Builds core, cli-kit, the builder and the boilerplate when their dist/ is missing (a
 * bare `npx vitest`; `npm test` builds first). A lock keeps test files from
 * building at the same time. After editing src/, rebuild
 * (`npm run build -w @augment/boilerplate`).
 */
export async function ensureBuilt(): Promise<void> {
  const missing = BUILDS.filter(({ output }) => !existsSync(join(REPO, output)));
  if (missing.length === 0) return;
  const lock = join(tmpdir(), 'augment-boilerplate-test-build.lock');
  try {
    await mkdir(lock);
  } catch {
    // another test file is building: wait for it (bounded), then use its build
    for (let waited = 0; existsSync(lock); waited += 200) {
      if (waited > 170_000) throw new Error(`${lock} is still there: remove it if no build runs`);
      await sleep(200);
    }
    return;
  }
  try {
    for (const { workspace } of missing) {
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

/** The result of a child process. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** This process's environment without npm's run-script variables and color settings. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const drop = (key: string): boolean =>
    /^npm_/iu.test(key) ||
    ['INIT_CWD', 'NO_COLOR', 'FORCE_COLOR', 'CLICOLOR_FORCE', 'NODE_OPTIONS'].includes(key);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !drop(key)));
  return { ...env, ...extra };
}

/** Options of {@link run}. */
export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** `'ignore'` closes stdin; `'pipe'` leaves it open and never writes to it. */
  stdin?: 'ignore' | 'pipe';
  timeoutMs?: number;
}

/** Runs a command without a TTY and collects its output; kills it after `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32' && command === 'npm',
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(
        new Error(
          `${command} ${args.join(' ')} did not exit in ${timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}

/** Runs the built CLI (`create-augment-plugin …args`) in `cwd`, without a TTY. */
export function runCli(
  args: readonly string[],
  cwd: string,
  options: Omit<RunOptions, 'cwd'> = {},
): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { ...options, cwd });
}
