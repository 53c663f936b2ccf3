// `augment dev`, host side: real hosts in child processes, a raw client.
import { join } from 'node:path';
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
});
