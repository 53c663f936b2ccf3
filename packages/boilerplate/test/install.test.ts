// `npm install` in the new project: asked on a terminal, run without one only
// with --install. A fake npm first on PATH records each call, so the tests
// check what the built bin runs, and where, without installing anything.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, removeDir, runCli } from './helpers/cli.js';
import { createFakeNpm } from './helpers/fake-npm.js';
import type { FakeNpm } from './helpers/fake-npm.js';
import { ENTER, hasScript, runInTerminal } from './helpers/terminal.js';

let temp: string;
let npm: FakeNpm;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  temp = await makeTempDir('install');
  await mkdir(join(temp, 'bin'));
  npm = await createFakeNpm(join(temp, 'bin'));
});
afterEach(async () => {
  await removeDir(temp);
});

describe.skipIf(process.platform === 'win32')('npm install without a terminal', () => {
  it('is not run unless --install, and stays in the next steps', async () => {
    const run = await runCli(['my-plugin'], temp, { env: npm.env() });
    expect(run.code).toBe(0);
    expect(await npm.calls()).toEqual([]);
    expect(run.stdout).toMatch(/^Next:\n {2}cd my-plugin\n {2}npm install\n/mu);
  });

  it('runs in the new project with --install, and leaves the next steps', async () => {
    const run = await runCli(['my-plugin', '--install'], temp, { env: npm.env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await npm.calls()).toEqual([`npm install in ${join(temp, 'my-plugin')}`]);
    expect(run.stdout).toContain('fake npm: install');
    expect(run.stdout).toMatch(/^Next:\n {2}cd my-plugin\n {2}npm run watch/mu);
  });

  it('fails with exit 1 when npm install fails, saying the project is there', async () => {
    const run = await runCli(['my-plugin', '--install'], temp, { env: npm.env(1) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npm install exited with code 1 in my-plugin');
    expect(run.stderr).toContain('The project is created');
    expect(run.stdout).toMatch(/^ {2}npm install$/mu);
    expect(existsSync(join(temp, 'my-plugin', 'package.json'))).toBe(true);
  });
});

describe.skipIf(!hasScript())('npm install on a terminal', () => {
  it('is offered after the other questions, and runs when accepted', async () => {
    const run = await runInTerminal(
      ['my-plugin', '--format', 'esm', '--types', ''],
      temp,
      [['Install the dependencies now (npm install)?', ENTER]],
      npm.env(),
    );
    expect(run.code, run.output).toBe(0);
    expect(await npm.calls()).toEqual([`npm install in ${join(temp, 'my-plugin')}`]);
  });

  it('is neither offered nor run with --no-install', async () => {
    const args = ['my-plugin', '--format', 'esm', '--types', '', '--no-install'];
    const run = await runInTerminal(args, temp, [], npm.env());
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain('npm install)?');
    expect(run.output).toContain('created my-plugin');
    expect(await npm.calls()).toEqual([]);
  });
});
