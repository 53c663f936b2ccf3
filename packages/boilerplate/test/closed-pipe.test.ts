// `create-augment-plugin --help | head -1` and the like: when whatever reads
// stdout has gone, the generator ends quietly with its usual exit code (no
// unhandled EPIPE and stack), and still finishes the project it was asked for.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, ensureBuilt, makeTempDir, removeDir } from './helpers/cli.js';

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
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: temp,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`create-augment-plugin ${args.join(' ')} did not exit in 20 s\n${stderr}`));
    }, 20_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('stdout closed by its reader', () => {
  it('--help ends quietly with exit code 0', async () => {
    const run = await runWithClosedStdout(['--help']);
    expect(run.stderr).not.toMatch(/EPIPE|Error|\n\s+at /u);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('still creates the project it was asked for, and exits 0', async () => {
    const run = await runWithClosedStdout(['my-plugin', '--yes', '--no-install']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(temp, 'my-plugin/plugin.manifest.json'))).toBe(true);
    expect(existsSync(join(temp, 'my-plugin/src/index.ts'))).toBe(true);
  });
});
