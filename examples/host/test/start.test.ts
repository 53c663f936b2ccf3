// `npm start` at the repository root runs scripts/start.mjs: it builds
// quietly, then prints the demo. Rebuilding the real workspaces here would
// pull dist/ from under the tests that run beside this one, so the script's
// start() runs in a child process with a stand-in build that prints 80 lines
// of chatter (as tsup and tsc do), and the real demo on temp copies of the
// plugins; a test checks that the real build list is the one npm start runs.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const START = pathToFileURL(join(REPO, 'scripts/start.mjs')).href;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A build that prints 80 lines, as a real one does, and exits with `code`. */
const chattyBuild = (code: number) => ({
  label: 'chatty package',
  command: process.execPath,
  args: [
    '-e',
    `for (let i = 1; i <= 80; i++) console.log('chatter ' + i); process.exitCode = ${code}`,
  ],
});

/** Runs `start()` of scripts/start.mjs in a child process with `options`. */
function runStart(options: unknown): Promise<RunResult> {
  const code = `import { start } from ${JSON.stringify(START)};
process.exitCode = await start(${JSON.stringify(options)});`;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', code],
      { cwd: REPO, timeout: 60_000, env: { ...process.env, INIT_CWD: REPO } },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
      },
    );
  });
}

const lines = (text: string): string[] => text.trimEnd().split('\n');

let temp: string;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'augment-start-'));
  await cp(join(REPO, 'examples/host/plugins'), join(temp, 'plugins'), { recursive: true });
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true, maxRetries: 3 });
});

describe('npm start', () => {
  it('runs scripts/start.mjs, which builds what the demo needs, in order', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toBe('node scripts/start.mjs');
    const { BUILDS } = (await import(START)) as { BUILDS: { args: string[] }[] };
    expect(BUILDS.map((build) => build.args.at(-1))).toEqual([
      '@augment/core',
      '@augment/cli-kit',
      '@augment/builder',
      '@augment/example-host-types',
      '@augment/example-plugin',
      '@augment/example-host',
    ]);
  });

  it('builds quietly in one line, then prints the demo', async () => {
    const args = ['--plugins', join(temp, 'plugins'), '--cache-dir', join(temp, 'cache')];
    const run = await runStart({ builds: [chattyBuild(0)], args });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('chatter');
    expect(run.stderr).toBe('');
    const printed = lines(run.stdout);
    expect(printed[0]).toMatch(/^Building the demo \(chatty package\)\.\.\. done in [\d.]+ s$/u);
    expect(printed[2]).toMatch(/^Augment example host: greeter plugins from /u);
    expect(run.stdout).toContain('Greetings, highest priority first:');
    expect(run.stdout).toContain('broken-greeter');
    expect(printed.length).toBeLessThan(40);
  });

  it('shows the whole output of a build that fails, and does not run the demo', async () => {
    const run = await runStart({ builds: [chattyBuild(3)], args: [] });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^Building the demo \(chatty package\)\.\.\. failed$/mu);
    expect(run.stderr).toContain('Building the chatty package failed');
    expect(run.stderr).toContain('exited with code 3');
    for (const n of [1, 40, 80]) expect(run.stderr).toContain(`chatter ${n}\n`);
    expect(run.stdout).not.toContain('Augment example host');
  });
});
