// `augment build --zip` ships a deflated release.zip: a 700 KB bundle and its
// map take well under half their size, the bytes are the same build after
// build, and the zip loads through core's extraction limits in a real host.
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAugmentOk } from './helpers/augment.js';
import { ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir, runHost } from './helpers/project.js';

const FUNCTIONS = 10_000;

/** About 700 KB of TypeScript: functions with distinct names and constants. */
function largeSource(): string {
  const lines: string[] = [];
  for (let i = 0; i < FUNCTIONS; i += 1) {
    lines.push(
      `export function scale${i}(value: number): number { return value * ${i % 97} + ${(i * 7919) % 10007}; }`,
    );
  }
  lines.push(`export default { last: (value: number): number => scale${FUNCTIONS - 1}(value) };`);
  return `${lines.join('\n')}\n`;
}

let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await makeTempDir('pack-size');
  await createProject(dir, { index: largeSource() });
}, 60_000);

afterAll(async () => {
  await removeDir(dir);
});

describe('release.zip', () => {
  it('is deflated to well under half the size of the bundle and its map', async () => {
    await runAugmentOk(['build', '--zip', '--no-typecheck'], dir);
    const js = (await stat(join(dir, 'dist/index.js'))).size;
    const map = (await stat(join(dir, 'dist/index.js.map'))).size;
    const zip = (await stat(join(dir, 'release.zip'))).size;
    expect(js).toBeGreaterThan(700_000);
    expect(zip).toBeLessThan((js + map) * 0.3);
  });

  it('is byte-for-byte the same on the next build', async () => {
    await runAugmentOk(['build', '--zip', '--no-typecheck'], dir);
    const first = await readFile(join(dir, 'release.zip'));
    await runAugmentOk(['build', '--zip', '--no-typecheck'], dir);
    expect((await readFile(join(dir, 'release.zip'))).equals(first)).toBe(true);
  });

  it.each([[[]], [['--minify']]])(
    'loads through core extraction limits in a real PluginHost (flags %j)',
    async (flags: string[]) => {
      await runAugmentOk(['build', '--zip', '--no-typecheck', ...flags], dir);
      await mkdir(join(dir, 'host/zips'), { recursive: true });
      await copyFile(join(dir, 'release.zip'), join(dir, 'host/zips/large.zip'));
      const child = await runHost(
        dir,
        `
const host = new core.PluginHost({ folder: ${JSON.stringify(join(dir, 'host/zips'))}, logger: false, cacheDir: ${JSON.stringify(join(dir, 'host/cache'))} });
const report = await host.reload();
const entry = host.getAll()[0];
const value = entry?.plugin.last(2);
await host.close();
done({ value, origin: entry?.origin, failed: report.failed.map((f) => f.code + ' ' + f.message) });
`,
      );
      expect(child.stderr).toBe('');
      const last = FUNCTIONS - 1;
      expect(child.result).toEqual({
        value: 2 * (last % 97) + ((last * 7919) % 10007),
        origin: 'archive',
        failed: [],
      });
    },
  );
});
