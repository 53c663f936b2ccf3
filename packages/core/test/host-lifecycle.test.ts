import { expect, it, vi } from 'vitest';
import { writeFiles } from './helpers/fixtures.js';
import { useTempHosts } from './helpers/temp-hosts.js';
import { esmPlugin, inFolder } from './helpers/plugins.js';
import { WAIT } from './helpers/wait.js';

const temp = useTempHosts('review');
const { makeHost } = temp;

it('clears failures on close() and refuses an over-long timeout', async () => {
  await writeFiles(temp.root, inFolder('plugins/bad', esmPlugin('bad', `throw new Error('x')`)));
  const host = makeHost();
  await host.reload();
  expect(host.getFailures()).toHaveLength(1);
  await host.close();
  expect(host.getFailures()).toEqual([]);
  expect(() => makeHost({ loadTimeoutMs: 2 ** 31 })).toThrow(
    expect.objectContaining({ code: 'AUG_OPTIONS_INVALID' }) as Error,
  );
});

it('catches a listener that returns a rejected promise', async () => {
  await writeFiles(temp.root, inFolder('plugins/a', esmPlugin('a')));
  const errors: string[] = [];
  const host = makeHost({ logger: { warn: () => undefined, error: (m) => errors.push(m) } });
  // a plain-JavaScript host may register an async listener despite the void type
  const asyncListener = (() => Promise.reject(new Error('async listener bug'))) as () => void;
  host.on('plugin:loaded', asyncListener);
  await host.reload();
  await vi.waitFor(() => {
    expect(errors.some((e) => e.includes('async listener bug'))).toBe(true);
  }, WAIT);
});
