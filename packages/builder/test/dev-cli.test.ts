// `augment dev` through the real CLI, without a listening host: build, link,
// watch; no host said once (whatever the reason: no address file, a dead
// pid, nothing at the address); Ctrl+C removes the link (--keep keeps it);
// --run starts the host command with AUGMENT_DEV=1 and `rs` restarts it.
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { killRecordedPids } from './helpers/pids.js';
import { ensureBuilt } from './helpers/cli.js';
import { makeTempDir, removeDir, waitFor, writeFiles } from './helpers/project.js';
import { BUILT, REBUILT, WATCHED_PLUGIN, Watching, stopWatching } from './helpers/watching.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

const NO_HOST =
  /no host is listening on .*plugins; it will pick the change up if it watches the folder\n/u;
const WATCHING = /watching src\/.* for changes/u;

/** A stand-in host command: says what it got, stays up until SIGTERM, or exits with `EXIT_WITH`. */
const HOST_SCRIPT = `
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify('pids.txt')}, process.pid + '\\n');
console.log('host up pid=' + process.pid + ' AUGMENT_DEV=' + process.env.AUGMENT_DEV);
if (process.env.EXIT_WITH) process.exit(Number(process.env.EXIT_WITH));
setInterval(() => undefined, 1000);
process.on('SIGTERM', () => {
  if (process.env.IGNORE_TERM) return console.log('host ignores SIGTERM');
  console.log('host down pid=' + process.pid);
  process.exit(0);
});
`;

let root: string;
let dir: string;
let plugins: string;
let dev: Watching | undefined;

beforeEach(async () => {
  root = await makeTempDir('dev');
  dir = join(root, 'my-plugin');
  plugins = join(root, 'host/plugins');
  await mkdir(plugins, { recursive: true });
  await writeFiles(dir, {
    ...WATCHED_PLUGIN,
    'src/index.ts': 'export const version = 1;\n',
    'host.cjs': HOST_SCRIPT,
  });
});
afterEach(async () => {
  await stopWatching(dev);
  dev = undefined;
  // host commands left by a failed test
  await killRecordedPids(dir);
  await removeDir(root);
});

function startDev(args: string[] = [], env: NodeJS.ProcessEnv = {}): Watching {
  dev = new Watching(['--link', plugins, '--no-typecheck', ...args], dir, 'dev', env);
  return dev;
}

async function save(version: number): Promise<void> {
  await writeFile(join(dir, 'src/index.ts'), `export const version = ${version};\n`);
}

describe('augment dev without a listening host', () => {
  it('builds, links, says once that no host listens, and removes the link on Ctrl+C', async () => {
    const running = startDev();
    await running.next(BUILT);
    await running.next(/linked .*plugins[\\/]my-plugin → .*dist\/ \(a symlink\)\n/u);
    await running.next(NO_HOST);
    await running.next(WATCHING);
    const entry = join(plugins, 'my-plugin');
    expect((await lstat(entry)).isSymbolicLink()).toBe(true);

    await save(2);
    await running.next(REBUILT);
    await save(3);
    await running.next(REBUILT);
    expect(running.output.match(new RegExp(NO_HOST.source, 'gu'))).toHaveLength(1);
    expect(await readFile(join(entry, 'index.js'), 'utf8')).toContain('3');

    const { code } = await running.stop('SIGINT');
    expect(code).toBe(0);
    expect(running.output).toMatch(/unlinked .*my-plugin\n/u);
    expect(existsSync(entry)).toBe(false);
  });

  it('keeps the link with --keep', async () => {
    const running = startDev(['--keep']);
    await running.next(WATCHING);
    expect((await running.stop('SIGTERM')).code).toBe(0);
    expect(running.output).toMatch(/kept the link .*my-plugin \(--keep\)/u);
    expect((await lstat(join(plugins, 'my-plugin'))).isSymbolicLink()).toBe(true);
  });

  it.each([
    ['a dead pid', async () => ({ address: join(root, 'nothing.sock'), pid: await deadPid() })],
    ['nothing at the address', () => ({ address: join(root, 'nothing.sock'), pid: process.pid })],
    [
      'an address that refuses connections',
      async () => ({ address: await refusingSocket(), pid: process.pid }),
    ],
    ['an address file of another protocol', () => ({ protocol: 2, pid: process.pid })],
  ])('says no host listens for %s, and goes on watching', async (_, make) => {
    const fields = await make();
    await writeFile(
      join(plugins, '.augment-dev.json'),
      JSON.stringify({ protocol: 1, token: 'ab'.repeat(16), folder: plugins, ...fields }),
    );
    const running = startDev();
    await running.next(NO_HOST);
    await running.next(WATCHING);
    await save(2);
    await running.next(REBUILT);
    expect(running.alive).toBe(true);
    expect((await running.stop('SIGINT')).code).toBe(0);
  });

  it('refreshes a copy after each build where links are refused', async () => {
    const running = startDev([], { AUGMENT_LINK_COPY: '1' });
    await running.next(/linked .*my-plugin → .*\(a copy, refreshed after each build\)/u);
    await running.next(WATCHING);
    const entry = join(plugins, 'my-plugin');
    expect((await lstat(entry)).isDirectory()).toBe(true);
    await save(7);
    await running.next(REBUILT);
    await waitFor('the copy to be refreshed', async () =>
      (await readFile(join(entry, 'index.js'), 'utf8')).includes('version = 7'),
    );
    expect((await running.stop('SIGINT')).code).toBe(0);
    expect(existsSync(entry)).toBe(false);
  });

  it('says so when the plugin is renamed under a running session', async () => {
    const running = startDev();
    await running.next(WATCHING);
    await writeFiles(dir, {
      'package.json': { ...WATCHED_PLUGIN['package.json'], name: 'other-plugin' },
      'plugin.manifest.json': { ...WATCHED_PLUGIN['plugin.manifest.json'], name: 'other-plugin' },
    });
    await running.next(
      /the plugin is now named other-plugin but linked as my-plugin: restart augment dev/u,
    );
    expect((await running.stop('SIGINT')).code).toBe(0);
    expect(existsSync(join(plugins, 'my-plugin'))).toBe(false);
  });

  it('fails before building when the link name is taken', async () => {
    await mkdir(join(plugins, 'my-plugin'));
    const running = startDev();
    const { code } = await running.exit(30_000);
    expect(code).toBe(1);
    expect(running.output).toMatch(/my-plugin is a folder .*nothing was built or linked/u);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});

describe('augment dev --run', () => {
  const hostCommand = `"${process.execPath}" host.cjs`;

  it('starts the host with AUGMENT_DEV=1 after the link, restarts it on rs, stops it on Ctrl+C', async () => {
    const running = startDev(['--run', hostCommand]);
    await running.next(/linked /u);
    await running.next(
      /started the host: .*host\.cjs \(AUGMENT_DEV=1; type rs \+ Enter to restart it\)/u,
    );
    const first = await running.next(/host up pid=\d+ AUGMENT_DEV=1\n/u);

    await save(2);
    await running.next(REBUILT);
    // not restarted by a rebuild
    expect(running.output.match(/host up/gu)).toHaveLength(1);

    running.child.stdin.write('rs\n');
    await running.next(/restarting the host/u);
    const second = await running.next(/host up pid=\d+ AUGMENT_DEV=1\n/u);
    expect(second).not.toBe(first);
    expect(running.output).toContain(`host down ${/pid=\d+/u.exec(first)?.[0] ?? ''}`);

    expect((await running.stop('SIGINT')).code).toBe(0);
    expect(running.output).toContain(`host down ${/pid=\d+/u.exec(second)?.[0] ?? ''}`);
    expect(running.output).not.toMatch(/the host command exited/u);
  });

  it('exits at once (130) on a second Ctrl+C while stopping', async () => {
    const running = startDev(['--run', hostCommand], { IGNORE_TERM: '1' });
    await running.next(/host up pid=\d+/u);
    running.child.kill('SIGINT');
    await running.next(/stopping \(press Ctrl\+C again to quit at once\)/u);
    await running.next(/host ignores SIGTERM/u);
    const { code, ms } = await running.stop('SIGINT');
    expect(code).toBe(130);
    // without the second Ctrl+C it would wait 5 s for the host to end
    expect(ms).toBeLessThan(4000);
    // the host that ignored SIGTERM was killed, not left behind
    const pid = Number(/host up pid=(\d+)/u.exec(running.output)?.[1]);
    await waitFor('the host to be gone', () => !isRunning(pid));
  });

  it('says when the host command exits on its own, and keeps watching', async () => {
    const running = startDev(['--run', hostCommand], { EXIT_WITH: '3' });
    await running.next(/the host command exited with code 3; still watching/u);
    await save(2);
    await running.next(REBUILT);
    expect(running.alive).toBe(true);
    expect((await running.stop('SIGINT')).code).toBe(0);
  });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid ?? 0;
  await new Promise((done) => child.on('exit', done));
  return pid;
}

/** A path where connecting is refused (ECONNREFUSED): a file that is not a socket. */
async function refusingSocket(): Promise<string> {
  const path = join(root, 'not-a-socket');
  await writeFile(path, '');
  return path;
}

/** Whether a process runs with this pid (a zombie that nobody reaped does not count). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Linux: the state after the command's name; Z is a zombie
    return !/\) Z /u.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
