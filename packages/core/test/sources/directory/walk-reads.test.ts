import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, detectFormatSeen } from '../../../src/load/format.js';
import { readManifestSync } from '../../../src/manifest/manifest.js';
import { packageJsonFromWalk } from '../../../src/sources/directory/entry-files.js';
import { fingerprintDir, type DirFingerprint } from '../../../src/sources/directory/fingerprint.js';
import { Pacer } from '../../../src/util/pacer.js';
import { makeTempDir, removeDir } from '../../helpers/fixtures.js';

// The scan reads a plugin's manifest and package.json files with the sizes its
// walk has just seen, and skips package.json files the walk saw are absent.
// These tests check that what it reads is what a fresh read finds, also when
// the files changed after the walk.

let root: string;
let run = 0;

beforeAll(async () => {
  root = realpathSync(await makeTempDir('walk-reads'));
});

afterAll(async () => {
  await removeDir(root);
});

async function walkOf(dir: string): Promise<DirFingerprint> {
  return await fingerprintDir(dir, new Pacer(1000));
}

const packageJson = fc.option(
  fc.record({
    type: fc.constantFrom('module', 'commonjs', undefined, 42),
    padding: fc.string({ maxLength: 300 }),
  }),
  { nil: undefined },
);

const layout = fc.record({
  rootPackage: packageJson,
  distPackage: packageJson,
  entryInDist: fc.boolean(),
  esmSyntax: fc.boolean(),
  // what happens between the walk and the reads: the package.json files are
  // rewritten (other size, other type) but none comes or goes
  rewriteRoot: packageJson,
  rewriteDist: packageJson,
});

type PackageJson = { type: unknown; padding: string } | undefined;

function writePackage(dir: string, content: PackageJson): void {
  if (content !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify(content));
}

describe('reads that use what the walk saw', () => {
  it('find the same module format as a fresh lookup, also after the package.json files changed', async () => {
    await fc.assert(
      fc.asyncProperty(layout, async (case_) => {
        const dir = join(root, `layout-${run++}`);
        mkdirSync(join(dir, 'dist'), { recursive: true });
        writePackage(dir, case_.rootPackage);
        writePackage(join(dir, 'dist'), case_.distPackage);
        const entry = join(dir, case_.entryInDist ? 'dist/index.js' : 'index.js');
        writeFileSync(
          entry,
          case_.esmSyntax ? 'export default { a: 1 };\n' : 'module.exports = { a: 1 };\n',
        );
        writeFileSync(join(dir, 'plugin.manifest.json'), '{}');
        const walk = await walkOf(dir);
        if (case_.rootPackage !== undefined && case_.rewriteRoot !== undefined) {
          writePackage(dir, case_.rewriteRoot);
        }
        if (case_.distPackage !== undefined && case_.rewriteDist !== undefined) {
          writePackage(join(dir, 'dist'), case_.rewriteDist);
        }
        const seen = (at: string): number | null | undefined => packageJsonFromWalk(walk, dir, at);
        expect(await detectFormatSeen(entry, new Map(), seen)).toBe(await detectFormat(entry));
      }),
      { numRuns: 150 },
    );
  });

  it('read the manifest whole whatever size the walk saw', () => {
    const dir = join(root, 'manifest-sizes');
    mkdirSync(dir, { recursive: true });
    fc.assert(
      fc.property(
        fc.string({ maxLength: 2000 }),
        fc.integer({ min: 0, max: 3000 }),
        (name, seenSize) => {
          const text = JSON.stringify({
            name: 'p',
            version: '1.0.0',
            entryPoint: 'i.js',
            meta: { name },
          });
          writeFileSync(join(dir, 'plugin.manifest.json'), text);
          expect(readManifestSync(dir, seenSize).meta).toEqual({ name });
        },
      ),
      { numRuns: 100 },
    );
  });

  it.runIf(process.platform !== 'win32')(
    'never wait on a FIFO put in place of a file after the walk',
    async () => {
      const dir = join(root, 'swapped');
      mkdirSync(join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'plugin.manifest.json'), '{"name":"p"}');
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      writeFileSync(join(dir, 'index.js'), 'export default 1;\n');
      const walk = await walkOf(dir);
      for (const file of ['plugin.manifest.json', 'package.json']) {
        rmSync(join(dir, file));
        execFileSync('mkfifo', [join(dir, file)]);
      }
      // opened without blocking, read without a writer: nothing to parse
      expect(() => readManifestSync(dir, walk.sizes.get('plugin.manifest.json'))).toThrow(
        /plugin\.manifest\.json/,
      );
      const seen = (at: string): number | null | undefined => packageJsonFromWalk(walk, dir, at);
      // an empty package.json counts as one without "type": syntax detection decides
      expect(await detectFormatSeen(join(dir, 'index.js'), new Map(), seen)).toBe('esm');
    },
  );
});

describe('packageJsonFromWalk', () => {
  it('knows the size of a regular package.json, and the absence of one only when the walk left nothing out', async () => {
    const dir = join(root, 'known');
    mkdirSync(join(dir, 'dist', 'deep'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'package.json'), '{"type":"module"}');
    const walk = await walkOf(dir);
    expect(walk.complete).toBe(false);
    expect(packageJsonFromWalk(walk, dir, join(dir, 'dist'))).toBe(17);
    // node_modules was left out: the walk cannot say there is none
    expect(packageJsonFromWalk(walk, dir, dir)).toBeUndefined();
    expect(packageJsonFromWalk(walk, dir, join(dir, 'dist', 'deep'))).toBeUndefined();
    rmSync(join(dir, 'node_modules'), { recursive: true });
    const complete = await walkOf(dir);
    expect(packageJsonFromWalk(complete, dir, dir)).toBeNull();
    expect(packageJsonFromWalk(complete, dir, join(dir, 'dist', 'deep'))).toBeNull();
    // outside the plugin, or a name that only starts like it
    expect(packageJsonFromWalk(complete, dir, root)).toBeUndefined();
    expect(packageJsonFromWalk(complete, dir, `${dir}-other`)).toBeUndefined();
  });
});
