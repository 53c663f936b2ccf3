// Runs the built `augment` CLI as a child process, for tests that check what it ships.
import { spawn } from 'node:child_process';
import { CLI, cleanEnv } from './cli.js';

/** How `augment` exited, and what it printed. */
export interface AugmentRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `augment …args` in `cwd` without a TTY or color variables. With
 * `umask` (POSIX), the CLI runs under that umask (`sh -c 'umask …; exec node …'`).
 * Fails after 60 s.
 */
export function runAugment(
  args: readonly string[],
  cwd: string,
  options: { umask?: number } = {},
): Promise<AugmentRun> {
  const command =
    options.umask === undefined
      ? { file: process.execPath, args: [CLI, ...args] }
      : {
          file: '/bin/sh',
          args: [
            '-c',
            `umask ${options.umask.toString(8).padStart(3, '0')}; exec "$0" "$@"`,
            process.execPath,
            CLI,
            ...args,
          ],
        };
  return new Promise((done, fail) => {
    const child = spawn(command.file, command.args, {
      cwd,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`augment ${args.join(' ')} did not exit in 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Runs `augment …args` and fails the test with its output unless it exits 0. */
export async function runAugmentOk(
  args: readonly string[],
  cwd: string,
  options: { umask?: number } = {},
): Promise<AugmentRun> {
  const run = await runAugment(args, cwd, options);
  if (run.code !== 0) {
    throw new Error(`augment ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}
