import {
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SETTLED_MS,
  fingerprintDir,
  type DirFingerprint,
} from '../../../src/sources/directory/fingerprint.js';
import { Pacer } from '../../../src/util/pacer.js';
import { makeTempDir, removeDir } from '../../helpers/fixtures.js';

// A walk reuses the listing of a directory the previous walk read, while the
// directory's inode, mtime and ctime are unchanged and it had been left alone
// long enough before that walk. These tests check that the fingerprint is then
// always the one a fresh walk finds, whatever happens to the tree between
// walks, and that the listing is indeed reused when nothing changed.

let root: string;
let run = 0;

beforeAll(async () => {
  root = realpathSync(await makeTempDir('walk-listings'));
});

afterAll(async () => {
  await removeDir(root);
});

const pacer = (): Pacer => new Pacer(1000);

/** A settle time well above any file system's clock tick on Linux (at most 10 ms). */
const SETTLED_IN_TEST = 40;

async function walk(
  dir: string,
  previous?: DirFingerprint,
  settledMs = SETTLED_IN_TEST,
): Promise<DirFingerprint> {
  return await fingerprintDir(dir, pacer(), previous, Date.now(), settledMs);
}

const NAMES = [
  'a.js',
  'b.js',
  'package.json',
  'plugin.manifest.json',
  'sub',
  'sub/c.js',
  'sub/deep/d.js',
];

type Op =
  | { kind: 'write'; name: string; text: string }
  | { kind: 'remove'; name: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'dir'; name: string }
  | { kind: 'link'; name: string; target: string }
  | { kind: 'sleep'; ms: number }
  | { kind: 'walk' };

const name = fc.constantFrom(...NAMES);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    name,
    text: fc.constantFrom('x', 'y', 'xy', ''),
  }),
  fc.record({ kind: fc.constant('remove' as const), name }),
  fc.record({ kind: fc.constant('rename' as const), from: name, to: name }),
  fc.record({ kind: fc.constant('dir' as const), name }),
  fc.record({ kind: fc.constant('link' as const), name, target: name }),
  fc.record({ kind: fc.constant('sleep' as const), ms: fc.constantFrom(0, 5, 25, 60) }),
  fc.constant({ kind: 'walk' as const }),
);

/** Applies one operation; one the tree does not allow (a parent missing, a name taken) does nothing. */
function apply(dir: string, step: Op): void {
  try {
    switch (step.kind) {
      case 'write':
        writeFileSync(join(dir, step.name), step.text);
        break;
      case 'remove':
        rmSync(join(dir, step.name), { recursive: true, force: true });
        break;
      case 'rename':
        renameSync(join(dir, step.from), join(dir, step.to));
        break;
      case 'dir':
        mkdirSync(join(dir, step.name), { recursive: true });
        break;
      case 'link':
        symlinkSync(join(dir, step.target), join(dir, step.name));
        break;
      default:
        break;
    }
  } catch {
    // not possible in the tree as it is: the next operation goes on
  }
}

describe('walks that reuse the listings of the previous walk', () => {
  it('always give the fingerprint of a fresh walk, whatever changes between them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        const dir = join(root, `tree-${run++}`);
        mkdirSync(join(dir, 'sub'), { recursive: true });
        writeFileSync(join(dir, 'plugin.manifest.json'), '{}');
        writeFileSync(join(dir, 'a.js'), 'x');
        let previous = await walk(dir);
        for (const step of [...ops, { kind: 'walk' } as const]) {
          if (step.kind === 'sleep') await sleep(step.ms);
          else if (step.kind !== 'walk') apply(dir, step);
          else {
            const reused = await walk(dir, previous);
            const fresh = await walk(dir);
            expect(reused.hash).toBe(fresh.hash);
            expect([...reused.files]).toEqual([...fresh.files]);
            expect([...reused.sizes]).toEqual([...fresh.sizes]);
            expect(reused.complete).toBe(fresh.complete);
            previous = reused;
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it.skipIf(process.platform === 'win32')(
    'reuses a settled listing while nothing changes, and lists again once an entry comes',
    async () => {
      const dir = join(root, `settled-${run++}`);
      mkdirSync(join(dir, 'sub'), { recursive: true });
      writeFileSync(join(dir, 'plugin.manifest.json'), '{}');
      writeFileSync(join(dir, 'sub', 'a.js'), 'x');
      await sleep(SETTLED_IN_TEST * 2);
      const first = await walk(dir);
      expect([...first.listings.keys()].sort()).toEqual(['', 'sub']);
      const second = await walk(dir, first);
      expect(second.listings.get('')?.entries).toBe(first.listings.get('')?.entries);
      expect(second.listings.get('sub')?.entries).toBe(first.listings.get('sub')?.entries);
      expect(second.hash).toBe(first.hash);

      // a file added beside the others, nothing else touched
      writeFileSync(join(dir, 'sub', 'b.js'), 'y');
      const third = await walk(dir, second);
      expect(third.files.has('sub/b.js')).toBe(true);
      expect(third.hash).not.toBe(second.hash);
      expect(third.listings.get('')?.entries).toBe(first.listings.get('')?.entries);
      // just changed: not kept until it has settled
      expect(third.listings.has('sub')).toBe(false);
    },
  );

  it('keeps no listing of a directory changed within the settle time', async () => {
    const dir = join(root, `racy-${run++}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugin.manifest.json'), '{}');
    const first = await walk(dir, undefined, SETTLED_MS);
    expect(first.listings.size).toBe(0);
  });

  it('lists again a directory whose mtime was set back after an entry came', async () => {
    const dir = join(root, `backdated-${run++}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugin.manifest.json'), '{}');
    await sleep(SETTLED_IN_TEST * 2);
    const first = await walk(dir);
    const { atime, mtime } = statSync(dir);
    // what tar does to the folders it extracts: their mtime is set back, the ctime cannot be
    writeFileSync(join(dir, 'index.js'), 'x');
    utimesSync(dir, atime, mtime);
    const second = await walk(dir, first);
    expect(second.files.has('index.js')).toBe(true);
  });
});
