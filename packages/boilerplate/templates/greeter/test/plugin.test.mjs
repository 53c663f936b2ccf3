// Loads the built plugin the way a host does, with @augment/core's PluginHost:
// once from dist/ (a plugin folder) and once from release.zip (an archive).
// `npm test` builds first; run `npm run build` before `node --test` alone.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PluginHost } from '@augment/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(await readFile(join(root, 'plugin.manifest.json'), 'utf8'));

/** The host's check of the signature, `Greeter` in src/types.ts. */
const isGreeter = (value) =>
  typeof value === 'object' && value !== null && typeof value.greet === 'function';

let temp;
before(async () => {
  temp = await mkdtemp(join(tmpdir(), 'augment-plugin-test-'));
});
after(() => rm(temp, { recursive: true, force: true }));

/** Copies `source` (dist or release.zip) into a fresh plugins folder as `target` and loads it. */
async function loadBuilt(source, target) {
  const folder = await mkdtemp(join(temp, 'plugins-'));
  await cp(join(root, source), join(folder, target), { recursive: true });
  const host = new PluginHost({
    folder,
    validator: isGreeter,
    cacheDir: join(temp, 'cache'),
    logger: false,
  });
  const report = await host.reload();
  return { host, report };
}

for (const [source, target] of [
  ['dist', 'plugin'],
  ['release.zip', 'plugin.zip'],
]) {
  test(`${source} loads in a PluginHost and greets`, async () => {
    const { host, report } = await loadBuilt(source, target);
    try {
      assert.deepEqual(
        report.failed.map((failure) => `${failure.code}: ${failure.message}`),
        [],
      );
      const entry = host.get(manifest.name);
      assert.ok(entry, `${manifest.name} is loaded`);
      assert.equal(entry.manifest.version, manifest.version);
      assert.equal(entry.plugin.greet('world'), 'Hello, world!');
    } finally {
      await host.close();
    }
  });
}
