// Runs the built `augment` CLI as a child process, for tests that check what it ships.
import { CLI } from './cli.js';
import { runProcess } from './run-cli.js';

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
  return runProcess(command.file, command.args, cwd);
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
