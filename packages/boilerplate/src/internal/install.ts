import { spawn } from 'node:child_process';

/** The command the generator offers to run in the new project. */
export const INSTALL_COMMAND = 'npm install';

/**
 * Runs `npm install` in `dir`, npm's output going to this process's stdout
 * and stderr. Resolves to `undefined` when it succeeded, or to what went
 * wrong (`exited with code 1`, `could not start: …`); never rejects.
 *
 * @param dir - the new project's folder
 */
export function runInstall(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['install'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
      // npm is npm.cmd on Windows, which only a shell runs
      shell: process.platform === 'win32',
    });
    child.on('error', (error) => {
      resolve(`could not start: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve(undefined);
      else resolve(code === null ? `was stopped by ${String(signal)}` : `exited with code ${code}`);
    });
  });
}
