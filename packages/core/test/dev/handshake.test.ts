// `augment dev`, host side: real hosts in child processes, a raw client.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder } from '../helpers/plugins.js';
import { DevClient, readAddress, startDevHost, type DevHostProcess } from './dev-host.js';

let root = '';
let folder = '';
const hosts: DevHostProcess[] = [];
const clients: DevClient[] = [];

beforeEach(async () => {
  root = await makeTempDir('dev');
  folder = join(root, 'plugins');
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const host of hosts.splice(0)) {
    host.kill();
    await host.exited;
  }
  await removeDir(root);
});

async function start(options?: Parameters<typeof startDevHost>[2]): Promise<DevHostProcess> {
  const host = await startDevHost(root, folder, options);
  hosts.push(host);
  return host;
}

async function client(): Promise<{ client: DevClient; token: string }> {
  const { address, token } = await readAddress(folder);
  const connected = await DevClient.connect(address);
  clients.push(connected);
  return { client: connected, token };
}

const greeter = (says: string): string =>
  `export default { greet: () => ${JSON.stringify(says)} };\n`;

describe('augment dev, host side', () => {
  it('says hello, and reloads a changed plugin so that its new code serves', async () => {
    await writeFiles(folder, {
      ...inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))),
      ...inFolder('beta', cjsPlugin('beta')),
    });
    const host = await start();
    const { client: dev, token } = await client();
    const hello = await dev.request({ protocol: 1, token, id: 1, type: 'hello' });
    expect(hello).toEqual({ id: 1, ok: true, pid: host.pid, folder, plugins: ['alpha', 'beta'] });

    await writeFiles(folder, {
      ...inFolder('alpha', esmPlugin('alpha', greeter('alpha v2'), { version: '1.1.0' })),
    });
    const from = host.lines.length;
    const answer = await dev.request({
      protocol: 1,
      token,
      id: 2,
      type: 'changed',
      plugin: 'alpha',
    });
    expect(answer).toMatchObject({
      id: 2,
      ok: true,
      name: 'alpha',
      version: '1.1.0',
      status: 'updated',
    });
    expect(typeof answer['ms']).toBe('number');
    expect(await host.call('alpha')).toBe('alpha v2');
    expect(await host.waitFor('START', from)).toBe('START dev');

    const again = await dev.request({
      protocol: 1,
      token,
      id: 3,
      type: 'changed',
      plugin: 'alpha',
    });
    expect(again).toMatchObject({ id: 3, ok: true, status: 'unchanged', version: '1.1.0' });
  });

  it('answers a plugin its validator refuses with AUG_VALIDATE_REJECTED, and the old version serves on', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const host = await start({ dev: true, validator: true });
    const { client: dev, token } = await client();
    await writeFiles(folder, {
      'alpha/index.mjs': 'export default { greet: "not a function" };\n',
    });
    const answer = await dev.request({
      protocol: 1,
      token,
      id: 7,
      type: 'changed',
      plugin: 'alpha',
    });
    expect(answer).toMatchObject({
      id: 7,
      ok: false,
      name: 'alpha',
      code: 'AUG_VALIDATE_REJECTED',
      stage: 'validate',
    });
    expect(answer['message']).toContain('alpha');
    expect(await host.call('alpha')).toBe('alpha v1');
  });

  it('answers a syntax error with the file and its code frame, and keeps the last good version', async () => {
    await writeFiles(
      folder,
      inFolder('beta', cjsPlugin('beta', 'exports.greet = () => "beta v1";\n')),
    );
    const host = await start();
    const { client: dev, token } = await client();
    await writeFiles(folder, { 'beta/index.cjs': 'exports.greet = () => "beta v2" +;\n' });
    const answer = await dev.request({
      protocol: 1,
      token,
      id: 1,
      type: 'changed',
      plugin: 'beta',
    });
    expect(answer).toMatchObject({
      ok: false,
      name: 'beta',
      code: 'AUG_LOAD_IMPORT',
      stage: 'import',
    });
    expect(answer['file']).toBe(join(folder, 'beta', 'index.cjs'));
    expect(answer['frame']).toContain('exports.greet = () => "beta v2" +;');
    expect(answer['frame']).toMatch(/\^/);
    expect(await host.call('beta')).toBe('beta v1');

    // an ES module's syntax error: the file, no frame on Node versions that give none
    await writeFiles(folder, inFolder('gamma', esmPlugin('gamma', greeter('gamma v1'))));
    host.send('reload');
    await host.waitFor('RELOADED');
    await writeFiles(folder, { 'gamma/index.mjs': 'export default { greet: () => "v2" ;\n' });
    const esm = await dev.request({ protocol: 1, token, id: 2, type: 'changed', plugin: 'gamma' });
    expect(esm).toMatchObject({
      ok: false,
      name: 'gamma',
      code: 'AUG_LOAD_IMPORT',
      stage: 'import',
    });
    expect(esm['file']).toBe(join(folder, 'gamma', 'index.mjs'));
    expect(await host.call('gamma')).toBe('gamma v1');

    // code that throws while it is imported: the frame of the line that threw
    await writeFiles(folder, {
      'gamma/index.mjs':
        'export default { greet: () => "v3" };\nthrow new Error("boom at import");\n',
    });
    const thrown = await dev.request({
      protocol: 1,
      token,
      id: 3,
      type: 'changed',
      plugin: 'gamma',
    });
    expect(thrown).toMatchObject({ ok: false, name: 'gamma', code: 'AUG_LOAD_IMPORT' });
    expect(thrown['file']).toBe(join(folder, 'gamma', 'index.mjs'));
    expect(thrown['frame']).toBe(
      `${join(folder, 'gamma', 'index.mjs')}:2:7\nthrow new Error("boom at import");\n      ^`,
    );
    expect(await host.call('gamma')).toBe('gamma v1');
  });

  it('reloads only the plugin named: another one changed on disk waits for a full reload', async () => {
    await writeFiles(folder, {
      ...inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))),
      ...inFolder('beta', esmPlugin('beta', greeter('beta v1'))),
    });
    const host = await start();
    const { client: dev, token } = await client();
    await writeFiles(folder, {
      'alpha/index.mjs': greeter('alpha v2'),
      'beta/index.mjs': greeter('beta v2'),
    });
    const answer = await dev.request({
      protocol: 1,
      token,
      id: 1,
      type: 'changed',
      plugin: 'alpha',
    });
    expect(answer).toMatchObject({ ok: true, name: 'alpha', status: 'updated' });
    expect(await host.call('alpha')).toBe('alpha v2');
    expect(await host.call('beta')).toBe('beta v1');
    expect(host.lines.filter((l) => l.startsWith('LOADED beta'))).toHaveLength(1);

    const from = host.lines.length;
    host.send('reload');
    await host.waitFor('RELOADED', from);
    expect(await host.call('beta')).toBe('beta v2');
  });

  it('answers a plugin that is not in the folder, a request it does not know, and a wrong token', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    await start();
    const { client: dev, token } = await client();
    expect(
      await dev.request({ protocol: 1, token, id: 1, type: 'changed', plugin: 'nowhere' }),
    ).toEqual({
      id: 1,
      ok: false,
      name: 'nowhere',
      code: 'AUG_DEV_NOT_FOUND',
      message: `nowhere is not in ${folder} (AUG_DEV_NOT_FOUND): link it with augment link ${folder}`,
    });
    expect(await dev.request({ protocol: 1, token, id: 2, type: 'restart' })).toMatchObject({
      id: 2,
      ok: false,
      code: 'AUG_DEV_PROTOCOL',
    });
    expect(await dev.request({ protocol: 2, token, id: 3, type: 'hello' })).toMatchObject({
      id: 3,
      code: 'AUG_DEV_PROTOCOL',
    });
    expect(await dev.request({ protocol: 1, token, id: 4, type: 'changed' })).toMatchObject({
      id: 4,
      code: 'AUG_DEV_PROTOCOL',
    });
    // still served on the same connection after those
    expect(await dev.request({ protocol: 1, token, id: 5, type: 'hello' })).toMatchObject({
      ok: true,
    });

    const wrong = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await dev.request({ protocol: 1, token: wrong, id: 6, type: 'hello' })).toMatchObject({
      id: 6,
      ok: false,
      code: 'AUG_DEV_FORBIDDEN',
    });
    await dev.closed;
    const { client: other } = await client();
    expect(await other.request({ protocol: 1, id: 7, type: 'hello' })).toMatchObject({
      code: 'AUG_DEV_FORBIDDEN',
    });
    await other.closed;
  });

  it('closes a connection that sends garbage or an oversized line, and serves the next one', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const host = await start();
    const { client: garbage, token } = await client();
    garbage.write('{"protocol": 1, "tok\n');
    await garbage.closed;
    const { client: long } = await client();
    long.write('x'.repeat(64 * 1024 + 1));
    await long.closed;
    const { client: binary } = await client();
    binary.write(Uint8Array.from([0xff, 0x00, 0xfe, 0x0a]));
    await binary.closed;
    const { client: fine } = await client();
    expect(await fine.request({ protocol: 1, token, id: 1, type: 'hello' })).toMatchObject({
      ok: true,
      plugins: ['alpha'],
    });
    expect(await host.call('alpha')).toBe('alpha v1');
  });

  it('removes the address file and the socket on close()', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const host = await start();
    const { address } = await readAddress(folder);
    expect((await stat(dirname(address))).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, '.augment-dev.json'))).mode & 0o777).toBe(0o600);
    const { client: idle } = await client();
    host.send('close');
    await host.waitFor('CLOSED');
    expect(await host.exited).toBe(0);
    await idle.closed;
    await expect(stat(join(folder, '.augment-dev.json'))).rejects.toThrow(/ENOENT/);
    await expect(stat(dirname(address))).rejects.toThrow(/ENOENT/);
  });

  it('opts in with AUGMENT_DEV=1, and dev: false wins over it', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const on = await startDevHost(root, folder, {}, { AUGMENT_DEV: '1' });
    hosts.push(on);
    expect((await readAddress(folder)).pid).toBe(on.pid);
    on.send('close');
    expect(await on.exited).toBe(0);
    const off = await startDevHost(root, folder, { dev: false }, { AUGMENT_DEV: 'yes' });
    hosts.push(off);
    await expect(readAddress(folder)).rejects.toThrow(/ENOENT/);
    const unset = await startDevHost(root, folder, {}, { AUGMENT_DEV: '0' });
    hosts.push(unset);
    await expect(readAddress(folder)).rejects.toThrow(/ENOENT/);
  });

  it('lets a second host on the folder take the file; closing the first leaves it', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const first = await start();
    const second = await start();
    const address = await readAddress(folder);
    expect(address.pid).toBe(second.pid);
    first.send('close');
    expect(await first.exited).toBe(0);
    expect(await readAddress(folder)).toEqual(address);
    const { client: dev, token } = await client();
    expect(await dev.request({ protocol: 1, token, id: 1, type: 'hello' })).toMatchObject({
      pid: second.pid,
    });
  });

  it('replaces the file of a host that died, and removes its socket folder', async () => {
    await writeFiles(folder, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const dead = await start();
    const stale = await readAddress(folder);
    dead.kill();
    await dead.exited;
    await stat(dirname(stale.address));
    const next = await start();
    const fresh = await readAddress(folder);
    expect(fresh.pid).toBe(next.pid);
    expect(fresh.token).not.toBe(stale.token);
    await expect(stat(dirname(stale.address))).rejects.toThrow(/ENOENT/);
    const { client: dev, token } = await client();
    expect(await dev.request({ protocol: 1, token, id: 1, type: 'hello' })).toMatchObject({
      pid: next.pid,
    });
  });

  it('serves on when it cannot listen: logged, dev:error, and reload() resolves', async () => {
    await writeFiles(folder, {
      ...inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))),
      // the address file cannot be written where a directory stands
      '.augment-dev.json/keep': '',
    });
    const blocked = await start();
    expect(blocked.lines).toContain('DEV-ERROR AUG_DEV_LISTEN');
    expect(blocked.lines.some((l) => l.startsWith('WARN') && l.includes('AUG_DEV_LISTEN'))).toBe(
      true,
    );
    expect(await blocked.call('alpha')).toBe('alpha v1');

    const other = join(root, 'other');
    await writeFiles(other, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const noTemp = await startDevHost(
      root,
      other,
      { dev: true },
      { TMPDIR: join(root, 'missing') },
    );
    hosts.push(noTemp);
    expect(noTemp.lines).toContain('DEV-ERROR AUG_DEV_LISTEN');
    expect(await noTemp.call('alpha')).toBe('alpha v1');
    noTemp.send('reload');
    await noTemp.waitFor('RELOADED');

    // a socket path longer than a system allows: refused, never cut short elsewhere
    const longTemp = join(root, 't'.repeat(100));
    await mkdir(longTemp);
    const third = join(root, 'third');
    await writeFiles(third, inFolder('alpha', esmPlugin('alpha', greeter('alpha v1'))));
    const longHost = await startDevHost(root, third, { dev: true }, { TMPDIR: longTemp });
    hosts.push(longHost);
    expect(longHost.lines).toContain('DEV-ERROR AUG_DEV_LISTEN');
    expect(longHost.lines.some((l) => l.includes('point TMPDIR at a shorter folder'))).toBe(true);
    expect(await readdir(longTemp)).toEqual([]);
    expect(await longHost.call('alpha')).toBe('alpha v1');
  });
});
