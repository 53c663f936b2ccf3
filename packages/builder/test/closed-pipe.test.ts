// `augment --help | head -1` and the like: when whatever reads stdout has
// gone, the CLI ends quietly with its usual exit code (no unhandled EPIPE and
// stack), and a build still writes dist/.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';

let temp: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  temp = await makeTempDir('pipe');
});
afterEach(async () => {
  await removeDir(temp);
});

/**
 * Runs the built CLI with its stdout pipe closed by the reader before the CLI
 * writes (so its first write fails with EPIPE, every time); collects stderr.
 */
function runWithClosedStdout(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`augment ${args.join(' ')} did not exit in 60 s\n${stderr}`));
    }, 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('stdout closed by its reader', () => {
  it.each(['--help', 'build --help', '--version'])(
    'augment %s ends quietly with exit code 0',
    async (args) => {
      const run = await runWithClosedStdout(args.split(' '), temp);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    },
  );

  it('a build still writes dist/ and exits 0', async () => {
    const dir = await createProject(join(temp, 'plugin'));
    const run = await runWithClosedStdout(['build', '--no-typecheck'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
  });
});
