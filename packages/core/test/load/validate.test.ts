import { expect, it } from 'vitest';
import { writeFiles } from '../helpers/fixtures.js';
import { useTempHosts } from '../helpers/temp-hosts.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

const temp = useTempHosts('review');
const { makeHost } = temp;

it('awaits an async type guard instead of treating its promise as a pass', async () => {
  await writeFiles(temp.root, inFolder('plugins/a', esmPlugin('a')));
  const asyncGuard = ((p: unknown) => Promise.resolve(p === 'never')) as unknown as (
    p: unknown,
  ) => p is never;
  const report = await makeHost({ validator: asyncGuard }).reload();
  expect(report.failed.map((f) => f.code)).toEqual(['AUG_VALIDATE_REJECTED']);
});
