// Runs the built `augment` CLI as a user would: in a pipe (no TTY), or in a
// pseudo-terminal made by util-linux's `script`, for what only a TTY gets.
import { spawn } from 'node:child_process';
import { CLI, cleanEnv } from './cli.js';

/** What a run of the CLI printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How long one run may take on a loaded machine before the test fails. */
const RUN_LIMIT_MS = 60_000;

/**
 * Spawns `command args` in `cwd` with pipes for stdout and stderr (no TTY) and
 * collects both; `env` is added to `baseEnv` (the environment without color
 * variables and NODE_OPTIONS by default). Kills the process and fails after
 * `limitMs` (60 s).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; baseEnv?: NodeJS.ProcessEnv; limitMs?: number } = {},
): Promise<CliRun> {
  const limitMs = options.limitMs ?? RUN_LIMIT_MS;
  return new Promise<CliRun>((done, fail) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...(options.baseEnv ?? cleanEnv()), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${args.join(' ')} did not exit in ${limitMs} ms\n${stdout}\n${stderr}`));
    }, limitMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Runs `augment …args` in `cwd` with pipes for stdout and stderr (no TTY) and no color variables. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runProcess(process.execPath, [CLI, ...args], cwd, { env });
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs `augment …args` in a pseudo-terminal (`script -qec`): stdout and
 * stderr are a TTY, merged into `stdout` (with `\r\n` line ends). `code` is
 * the CLI's exit code (`script -e`).
 */
export function runCliInTty(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return runProcess('script', ['-qec', command, '/dev/null'], cwd, {
    env: { TERM: 'xterm', ...env },
  });
}

/** Removes ANSI escapes (colors, cursor moves) from terminal output. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- the escape character is what this removes
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/gu, '');
}

/** The non-empty lines of a text, without `\r`. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/u)
    .map((line) => line.replace(/\r/gu, ''))
    .filter((line) => line !== '');
}
