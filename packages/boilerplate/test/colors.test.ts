// Colors of the real `create-augment-plugin` without a TTY, decided as the
// builder's `augment` decides them (@augment/cli-kit): none on a pipe, unless
// FORCE_COLOR (not 0) or --color asks for them; --no-color above both.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, removeDir, runCli } from './helpers/cli.js';

const ANSI = '\u001b[';

let temp: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  temp = await makeTempDir('colors');
});
afterEach(async () => {
  await removeDir(temp);
});

/** The output of creating a project in a new folder (`created` is green when colored). */
async function createdOutput(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const folder = `p${String(Math.random()).slice(2, 10)}`;
  const run = await runCli([folder, ...args], temp, { env });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('created');
  return run.stdout + run.stderr;
}

describe('colors', () => {
  it('a pipe gets none, unless FORCE_COLOR (not 0) or --color asks for them', async () => {
    expect(await createdOutput([])).not.toContain(ANSI);
    expect(await createdOutput([], { FORCE_COLOR: '1' })).toContain(ANSI);
    expect(await createdOutput([], { FORCE_COLOR: '0' })).not.toContain(ANSI);
    expect(await createdOutput(['--color'])).toContain(ANSI);
    expect(await createdOutput(['--color'], { NO_COLOR: '1' })).toContain(ANSI);
  });

  it('--no-color wins over FORCE_COLOR, and the last flag counts', async () => {
    expect(await createdOutput(['--no-color'], { FORCE_COLOR: '1' })).not.toContain(ANSI);
    expect(await createdOutput(['--color', '--no-color'])).not.toContain(ANSI);
  });

  it('a usage error is one line, error: colored with --color', async () => {
    const run = await runCli(['--nope', '--color'], temp);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(ANSI);
    expect(run.stderr).toContain("unknown option '--nope'");
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
