import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS, extractArchive } from '../../src/archive/archive.js';
import { CollisionIndex, findNameProblem } from '../../src/archive/zip-checks.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';
import {
  MANIFEST_ENTRY,
  buildZip,
  expectRejected,
  unicodePathField,
} from '../helpers/zip-writer.js';

const SAFE = [
  'plugin.manifest.json',
  'dist/index.js',
  'dist/',
  'a/b/c/d.txt',
  '__proto__',
  'constructor/prototype',
  'café/naïve.txt',
  '.hidden',
  'a..b',
  'console.log', // a device name only as the whole base name
  'lpt.txt',
  'com10.txt',
  'x'.repeat(255),
  `${'a/'.repeat(31)}z`,
];

// [name, fragment of the rule it breaks]
const UNSAFE: [string, string][] = [
  ['', 'it is empty'],
  ['../evil.txt', '".." segment'],
  ['a/../b.txt', '".." segment'],
  ['a/..', '".." segment'],
  ['/abs.txt', 'absolute path'],
  ['C:\\x.txt', 'drive letter'],
  ['C:/x.txt', 'drive letter'],
  ['C:x.txt', 'drive letter'],
  ['\\\\server\\share\\x.txt', 'UNC path'],
  ['//server/share/x.txt', 'UNC path'],
  ['a\\b.txt', 'backslash'],
  ['a\u0000b.txt', 'control character'],
  ['a\u0001b.txt', 'control character'],
  ['a\nb.txt', 'control character'],
  ['a\u0085b.txt', 'control character'],
  ['a//b.txt', 'empty segment'],
  ['./a.txt', '"." segment'],
  ['a/./b.txt', '"." segment'],
  [`${'x'.repeat(256)}.txt`, 'longer than 255 bytes'],
  ['é'.repeat(128), 'longer than 255 bytes'],
  [`${'x'.repeat(200)}/`.repeat(6) + 'y', 'longer than 1024 bytes'],
  [`${'a/'.repeat(32)}z`, 'deeper than 32 levels'],
  ['CON', 'device name'],
  ['aux.txt', 'device name'],
  ['NUL.tar.gz', 'device name'],
  ['com1', 'device name'],
  ['LPT9', 'device name'],
  ['lpt1/x.txt', 'device name'],
  ['dir/Prn.log', 'device name'],
  ['a.txt:ads', '":"'],
  ['a.txt::$DATA', '":"'],
  ['trailing.', 'ends with a dot or a space'],
  ['trailing ', 'ends with a dot or a space'],
  ['dir./x.txt', 'ends with a dot or a space'],
  ['what?.txt', 'Windows forbids'],
  ['a<b>.txt', 'Windows forbids'],
];

/** The table with a short label first, for test titles. */
const LABELLED = UNSAFE.map(([name, rule]) => {
  const label = JSON.stringify(name);
  return [label.length > 40 ? `${label.slice(0, 37)}…` : label, name, rule] as const;
});

describe('findNameProblem', () => {
  it.each(SAFE)('accepts %j', (name) => {
    expect(findNameProblem(name)).toBeUndefined();
  });

  it.each(LABELLED)('refuses %s: %s', (_label, name, rule) => {
    expect(findNameProblem(name)).toContain(rule);
  });
});

// A name's one leading "./" (bsdtar writes "./dist/index.js") is dropped in an
// archive, and the rest checked: see tools.test.ts.
const IN_ARCHIVE = LABELLED.filter(([, name]) => name !== './a.txt');

describe('an archive with an unsafe entry name', () => {
  it.each(IN_ARCHIVE)('is rejected before anything is written: %s', async (_label, name, rule) => {
    const zip = buildZip({ entries: [MANIFEST_ENTRY, { name, content: 'evil' }] });
    const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_UNSAFE_NAME', entry: name });
    expect(error.message).toContain(rule);
  });

  it('is rejected when the unsafe name is a directory entry', async () => {
    const zip = buildZip({
      entries: [MANIFEST_ENTRY, { name: 'AUX/' }, { name: 'AUX/x', content: 'x' }],
    });
    await expectRejected(zip, { code: 'AUG_ARCHIVE_UNSAFE_NAME', entry: 'AUX/' });
  });

  it('is rejected when the name hides in an Info-ZIP Unicode path field', async () => {
    // The raw name is harmless; the 0x7075 extra field (which yauzl prefers) says "../x".
    const raw = Buffer.from('harmless.txt');
    const field = unicodePathField(raw, '../x.txt');
    const zip = buildZip({
      entries: [MANIFEST_ENTRY, { name: raw, flags: 0, extra: field, content: 'x' }],
    });
    await expectRejected(zip, { code: 'AUG_ARCHIVE_UNSAFE_NAME', entry: '../x.txt' });
  });
});

describe('CollisionIndex', () => {
  it('treats __proto__ and constructor as ordinary names', () => {
    const index = new CollisionIndex();
    expect(index.add('__proto__', 'file')).toBeUndefined();
    expect(index.add('constructor/', 'directory')).toBeUndefined();
    expect(index.add('constructor/prototype', 'file')).toBeUndefined();
    expect(index.add('__proto__', 'file')?.rule).toBe('the name appears twice');
  });

  it('lets an explicit directory follow its implied self', () => {
    const index = new CollisionIndex();
    expect(index.add('a/b.txt', 'file')).toBeUndefined();
    expect(index.add('a/', 'directory')).toBeUndefined();
    expect(index.add('a/', 'directory')?.rule).toBe('the name appears twice');
  });
});

// [entries, the entry that collides, fragment of the rule]
const COLLISIONS: [string[], string, string][] = [
  [['a.txt', 'a.txt'], 'a.txt', 'appears twice'],
  [['README.md', 'readme.md'], 'readme.md', 'letter case'],
  [['caf\u00e9.txt', 'cafe\u0301.txt'], 'cafe\u0301.txt', 'Unicode normalization'],
  [['\u00c5/x', '\u0061\u030a/y'], '\u0061\u030a/y', 'letter case or Unicode'],
  [['a', 'a/b.txt'], 'a/b.txt', 'a file and a directory'],
  [['a/b.txt', 'a'], 'a', 'a file and a directory'],
  [['a', 'a/'], 'a/', 'a file and a directory'],
  [['Dir/x.txt', 'dir/y.txt'], 'dir/y.txt', 'letter case'],
  [['d/', 'd/'], 'd/', 'appears twice'],
];

describe('an archive whose entries collide', () => {
  it.each(COLLISIONS)('is rejected: %j', async (names, entry, rule) => {
    const entries = names.map((name) => (name.endsWith('/') ? { name } : { name, content: name }));
    const zip = buildZip({ entries: [MANIFEST_ENTRY, ...entries] });
    const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_COLLISION', entry });
    expect(error.message).toContain(rule);
  });
});

describe('an archive with __proto__ and constructor entries', () => {
  it('extracts them as ordinary files', async () => {
    const root = await makeTempDir('zip-proto');
    try {
      const zipPath = join(root, 'p.zip');
      const zip = buildZip({
        entries: [
          MANIFEST_ENTRY,
          { name: '__proto__', content: 'proto' },
          { name: 'constructor/' },
          { name: 'constructor/prototype', content: 'ctor' },
          { name: 'hasOwnProperty', content: 'own' },
        ],
      });
      await writeFile(zipPath, zip);
      const listing = await extractArchive(zipPath, join(root, 'out'), DEFAULT_ARCHIVE_LIMITS);
      expect(listing.entries.map((entry) => entry.name)).toContain('__proto__');
      expect(await readFile(join(root, 'out', '__proto__'), 'utf8')).toBe('proto');
      expect(await readFile(join(root, 'out', 'constructor', 'prototype'), 'utf8')).toBe('ctor');
      expect(await readFile(join(root, 'out', 'hasOwnProperty'), 'utf8')).toBe('own');
    } finally {
      await removeDir(root);
    }
  });
});
