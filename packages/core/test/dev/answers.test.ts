// The answers to `changed` that a plugin's own load does not give: a plugin
// switched off, one loaded against the plugin named, and a host closing
// meanwhile; through a real host in this process and a raw client.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';
import { DevClient, readAddress } from './dev-host.js';

const temp = useTempHosts('dev-answers');

async function connect(): Promise<{ dev: DevClient; token: string }> {
  const { address, token } = await readAddress(join(temp.root, 'plugins'));
  return { dev: await DevClient.connect(address), token };
}

describe('augment dev answers', () => {
  it('says a plugin is switched off, and reloads what depends on the plugin named', async () => {
    await writeFiles(temp.root, {
      ...inFolder('plugins/base', esmPlugin('base')),
      ...inFolder(
        'plugins/ext',
        esmPlugin('ext', undefined, { manifest: { pluginDependencies: { base: '^1.0.0' } } }),
      ),
      ...inFolder('plugins/off', esmPlugin('off')),
    });
    const host = temp.makeHost({ dev: true, disabled: ['off'] });
    const reasons: string[] = [];
    host.on('reload:start', ({ reason }) => reasons.push(reason));
    await host.reload();
    const { dev, token } = await connect();
    expect(
      await dev.request({ protocol: 1, token, id: 1, type: 'changed', plugin: 'off' }),
    ).toEqual({
      id: 1,
      ok: false,
      name: 'off',
      code: 'AUG_DEV_DISABLED',
      message:
        'off is switched off in the host (AUG_DEV_DISABLED): switch it back on with host.enable("off") to load it.',
    });

    const ext = host.get('ext');
    await writeFiles(
      temp.root,
      inFolder('plugins/base', esmPlugin('base', 'export default {};\n', { version: '1.2.0' })),
    );
    const answer = await dev.request({
      protocol: 1,
      token,
      id: 2,
      type: 'changed',
      plugin: 'base',
    });
    expect(answer).toMatchObject({ ok: true, name: 'base', version: '1.2.0', status: 'updated' });
    expect(host.get('ext')).not.toBe(ext);
    expect(host.get('ext')?.dependencies['base']).toBe(host.get('base'));
    expect(reasons).toEqual(['manual', 'dev', 'dev']);
    dev.destroy();
  });

  it('answers a change that reaches a closing host with AUG_HOST_CLOSED, and close() does not wait for idle clients', async () => {
    const gate = Symbol.for('augment-test:dev-gate');
    let open: () => void = () => undefined;
    Reflect.set(globalThis, gate, new Promise<void>((resolve) => (open = resolve)));
    await writeFiles(temp.root, inFolder('plugins/fast', esmPlugin('fast')));
    const host = temp.makeHost({ dev: true, loadTimeoutMs: 0 });
    await host.reload();
    const { dev: idle } = await connect();
    const { dev, token } = await connect();
    // a scan that waits for the gate, then close(): it waits for that scan
    await writeFiles(
      temp.root,
      inFolder(
        'plugins/slow',
        esmPlugin(
          'slow',
          'await globalThis[Symbol.for("augment-test:dev-gate")];\nexport default {};\n',
        ),
      ),
    );
    const started = new Promise((resolve) => host.once('reload:start', resolve));
    const scan = host.reload();
    await started;
    const closing = host.close();
    const answer = await dev.request({
      protocol: 1,
      token,
      id: 3,
      type: 'changed',
      plugin: 'fast',
    });
    expect(answer).toMatchObject({ id: 3, ok: false, name: 'fast', code: 'AUG_HOST_CLOSED' });
    open();
    await scan;
    await closing;
    await idle.closed;
    await dev.closed;
  });

  it('emits dev:error and logs a warning when it cannot write its address file, and serves on', async () => {
    await writeFiles(temp.root, {
      ...inFolder('plugins/fast', esmPlugin('fast')),
      'plugins/.augment-dev.json/keep': '',
    });
    const warnings: string[] = [];
    const host = temp.makeHost({
      dev: true,
      logger: { warn: (message: string) => warnings.push(message), error: () => undefined },
    });
    const errors: string[] = [];
    host.on('dev:error', ({ error }) => errors.push(error.code));
    const report = await host.reload();
    expect(report.added).toEqual(['fast']);
    expect(errors).toEqual(['AUG_DEV_LISTEN']);
    expect(warnings).toEqual([expect.stringContaining('AUG_DEV_LISTEN')]);
    // tried once: the next scans do not warn again
    await host.reload();
    expect(errors).toHaveLength(1);
  });

  it('serves changes that arrive together, one scan at a time', async () => {
    const names = ['a', 'b', 'c', 'd'];
    for (const name of names) {
      await writeFiles(temp.root, inFolder(`plugins/${name}`, esmPlugin(name)));
    }
    const host = temp.makeHost({ dev: true });
    await host.reload();
    const clients = await Promise.all(names.map(() => connect()));
    const starts: string[] = [];
    let running = 0;
    let overlapped = false;
    host.on('reload:start', ({ reason }) => {
      starts.push(reason);
      overlapped ||= running > 0;
      running += 1;
    });
    host.on('reload:done', () => {
      running -= 1;
    });
    for (const name of names) {
      await writeFiles(
        temp.root,
        inFolder(`plugins/${name}`, esmPlugin(name, undefined, { version: '2.0.0' })),
      );
    }
    const full = host.reload();
    const answers = await Promise.all(
      clients.map(({ dev, token }, i) =>
        dev.request({ protocol: 1, token, id: i, type: 'changed', plugin: names[i] }),
      ),
    );
    await full;
    expect(answers.map((a) => [a['ok'], a['name'], a['version']])).toEqual(
      names.map((name) => [true, name, '2.0.0']),
    );
    // one scan at a time: the changes share the follow-up (or come after it)
    expect(overlapped).toBe(false);
    expect(starts[0]).toBe('manual');
    expect(starts.slice(1).every((reason) => reason === 'dev')).toBe(true);
    expect(starts.length).toBeLessThanOrEqual(1 + names.length);
    for (const { dev } of clients) dev.destroy();
  });
});
