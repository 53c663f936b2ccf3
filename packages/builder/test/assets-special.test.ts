// A special file under assets/ (a FIFO, a socket, a symlink to /dev/zero or
// to a FIFO) never hangs or crashes `augment build` or `augment watch`: it is
// refused by name, with what to do. A symlink to a regular file is still
// copied as that file.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAugment } from './helpers/augment.js';
import { CLI, cleanEnv, ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir, writeFiles } from './helpers/project.js';

/** Long enough for a loaded machine, short enough that a hang fails this test, not the suite. */
const TEST_MS = 90_000;
const posix = process.platform !== 'win32';

let dir: string;
let server: Server | undefined;

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('assets-special');
  await createProject(dir, { name: 'my-plugin', files: { 'assets/logo.svg': '<svg/>' } });
});

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open !== undefined) await new Promise((done) => open.close(done));
  await removeDir(dir);
});

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Runs `augment build --no-typecheck` and checks that it refused `file` (named as `shown`). */
async function expectRefused(shown: string, kind: RegExp): Promise<void> {
  const run = await runAugment(['build', '--no-typecheck'], dir);
  const text = run.stdout + run.stderr;
  expect(run.code, text).toBe(1);
  expect(text).toContain(shown);
  expect(text).toMatch(kind);
  expect(text).toMatch(/remove it or replace it with a regular file/iu);
  expect(text).not.toMatch(/\n\s+at /u);
  expect(existsSync(join(dir, 'dist'))).toBe(false);
}

describe.skipIf(!posix)('augment build with a special file under assets/', () => {
  it(
    'refuses a FIFO by name',
    async () => {
      mkfifo(join(dir, 'assets/pipe'));
      await expectRefused(join('assets', 'pipe'), /FIFO/u);
    },
    TEST_MS,
  );

  it(
    'refuses a unix socket by name',
    async () => {
      const path = join(dir, 'assets/server.sock');
      const listening = createServer();
      server = listening;
      await new Promise((done) => {
        listening.listen(path, () => {
          done(undefined);
        });
      });
      await expectRefused(join('assets', 'server.sock'), /socket/u);
    },
    TEST_MS,
  );

  it(
    'refuses a symlink to /dev/zero and a symlink to a FIFO, naming the link and its target',
    async () => {
      await symlink('/dev/zero', join(dir, 'assets/zero.bin'));
      await expectRefused(join('assets', 'zero.bin'), /\/dev\/zero.*character device/u);
      await rm(join(dir, 'assets/zero.bin'));
      mkfifo(join(dir, 'fifo'));
      await symlink(join(dir, 'fifo'), join(dir, 'assets/data.txt'));
      await expectRefused(join('assets', 'data.txt'), /FIFO/u);
    },
    TEST_MS,
  );

  it(
    'still copies a symlink to a regular file as that file',
    async () => {
      await writeFiles(dir, { 'shared/en.json': { hello: 'Hello' } });
      await symlink(join(dir, 'shared/en.json'), join(dir, 'assets/en.json'));
      const run = await runAugment(['build', '--no-typecheck'], dir);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(JSON.parse(await readFile(join(dir, 'dist/assets/en.json'), 'utf8'))).toEqual({
        hello: 'Hello',
      });
    },
    TEST_MS,
  );
});

describe.skipIf(!posix)('augment watch with a FIFO under assets/', () => {
  it(
    'reports the FIFO by name, keeps watching, and builds once it is removed',
    async () => {
      mkfifo(join(dir, 'assets/pipe'));
      const child = spawn(process.execPath, [CLI, 'watch', '--no-typecheck'], {
        cwd: dir,
        env: cleanEnv(),
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const waitFor = async (pattern: RegExp, from: number): Promise<number> => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const match = pattern.exec(output.slice(from));
          if (match !== null) return from + match.index + match[0].length;
          if (child.exitCode !== null) throw new Error(`augment watch exited:\n${output}`);
          if (Date.now() > deadline) throw new Error(`no ${pattern} in 30 s:\n${output}`);
          await sleep(25);
        }
      };
      try {
        await waitFor(/assets[\\/]pipe.*FIFO/u, 0);
        const at = await waitFor(/remove it or replace it with a regular file/iu, 0);
        await rm(join(dir, 'assets/pipe'));
        await waitFor(/rebuilt in \d+ ms/u, at);
        expect(await readFile(join(dir, 'dist/assets/logo.svg'), 'utf8')).toBe('<svg/>');
        expect(output).not.toMatch(/\n\s+at /u);
      } finally {
        // bounded: a watcher stuck on the FIFO would never exit on SIGTERM
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        if (child.exitCode === null && child.signalCode === null) await exited;
        clearTimeout(timer);
      }
    },
    TEST_MS,
  );
});
