// Exit codes of the real `augment` CLI: 0 success, 1 build or validation
// failure, 2 usage error (unknown command or flag, bad or missing argument).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';
import { runCli } from './helpers/run-cli.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('exit');
  await createProject(dir);
});
afterEach(async () => {
  await removeDir(dir);
});

describe('exit codes', () => {
  it.each([
    ['an unknown command', ['bild']],
    ['an unknown flag', ['build', '--nope']],
    ['a bad --format value', ['build', '--format', 'xyz']],
    ['a flag without its value', ['build', '--out']],
    ['too many arguments', ['build', 'a', 'b']],
    ['no command at all', []],
  ])('2 for a usage error: %s', async (_, args) => {
    const run = await runCli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
  });

  it('1 for a build failure and for an invalid plugin', async () => {
    await createProject(dir, { manifest: { name: 'Bad Name' } });
    expect((await runCli(['build', '--no-typecheck'], dir)).code).toBe(1);
    expect((await runCli(['validate'], dir)).code).toBe(1);
  });

  it('0 for success, --help and --version; the help documents the codes', async () => {
    expect((await runCli(['build', '--no-typecheck'], dir)).code).toBe(0);
    expect((await runCli(['validate'], dir)).code).toBe(0);
    expect((await runCli(['--version'], dir)).code).toBe(0);
    const help = await runCli(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 success, 1 build or validation failure, 2 usage/u);
  });
});
