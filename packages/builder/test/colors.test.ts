// Colors of the real `augment` CLI: on a TTY only, off with NO_COLOR, on with
// FORCE_COLOR, and `--color` / `--no-color` above both, on every command.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';
import { runCli, runCliInTty } from './helpers/run-cli.js';

const ANSI = '\u001b[';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('colors');
  await createProject(dir);
});
afterEach(async () => {
  await removeDir(dir);
});

/** The output of `augment validate nowhere` (an error: `error:` is red when colored). */
async function errorOutput(args: string[], env: NodeJS.ProcessEnv, tty: boolean): Promise<string> {
  const run = await (tty ? runCliInTty : runCli)(['validate', 'nowhere', ...args], dir, env);
  expect(run.code).toBe(1);
  return run.stdout + run.stderr;
}

describe('colors', () => {
  it('a pipe gets none, unless FORCE_COLOR (not 0) or --color asks for them', async () => {
    expect(await errorOutput([], {}, false)).not.toContain(ANSI);
    expect(await errorOutput([], { FORCE_COLOR: '1' }, false)).toContain(ANSI);
    expect(await errorOutput([], { FORCE_COLOR: '0' }, false)).not.toContain(ANSI);
    expect(await errorOutput(['--color'], {}, false)).toContain(ANSI);
    expect(await errorOutput(['--color'], { NO_COLOR: '1' }, false)).toContain(ANSI);
  });

  it('a terminal gets them, unless NO_COLOR (non-empty) or --no-color', async () => {
    expect(await errorOutput([], {}, true)).toContain(ANSI);
    expect(await errorOutput([], { NO_COLOR: '' }, true)).toContain(ANSI);
    expect(await errorOutput([], { NO_COLOR: '1' }, true)).not.toContain(ANSI);
    expect(await errorOutput(['--no-color'], {}, true)).not.toContain(ANSI);
    expect(await errorOutput(['--no-color'], { FORCE_COLOR: '1' }, true)).not.toContain(ANSI);
  });

  it('the flags work before the command too, and on a usage error', async () => {
    const run = await runCli(['--color', 'build', '--nope'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(ANSI);
    const built = await runCli(['--color', 'build', '--no-typecheck'], dir);
    expect(built.code).toBe(0);
    expect(built.stdout).toContain(ANSI);
  });
});
