// The rules that let tool-made archives load (skip `__MACOSX/` and
// `.DS_Store`, drop one leading `./`, find the plugin in a single top folder,
// read UTF-8 names without the UTF-8 flag) weaken no safety rule: every
// entry is still checked, skipped or not, and a name only loses one `./`.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS, extractArchive } from '../../src/archive/archive.js';
import { findNameProblem } from '../../src/archive/zip-checks.js';
import { checkEntryName, decodeEntryName } from '../../src/archive/zip-names.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';
import {
  MANIFEST_ENTRY,
  buildZip,
  centralRecord,
  localRecord,
  unicodePathField,
  expectRejected,
  type ZipEntrySpec,
} from '../helpers/zip-writer.js';

const SYMLINK = (0o120777 << 16) >>> 0;
const FILE = (0o100644 << 16) >>> 0;
const manifest = (name: string): ZipEntrySpec => ({ ...MANIFEST_ENTRY, name });

describe('a hostile name around the new rules is still refused', () => {
  it.each([
    ['./../evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['.//evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['././evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['.', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['__MACOSX/../evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['./__MACOSX/../../evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['__MACOSX/C:/evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['__MACOSX/a\\..\\..\\evil.js', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['sub/../.DS_Store', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['/.DS_Store', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ['__MACOSX/CON', 'AUG_ARCHIVE_UNSAFE_NAME'],
  ])('%s', async (name, code) => {
    const zip = buildZip({ entries: [MANIFEST_ENTRY, { name, content: 'evil' }] });
    await expectRejected(zip, { code: code as 'AUG_ARCHIVE_UNSAFE_NAME', entry: name });
  });
});

describe('a name without the UTF-8 flag', () => {
  it('keeps its control bytes as control characters, and is refused', async () => {
    // code page 437 would read 0x01 as a harmless-looking smiley
    const entry: ZipEntrySpec = { name: Buffer.from('a\u0001b.txt'), flags: 0, content: 'x' };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_UNSAFE_NAME',
      entry: 'a\u0001b.txt',
    });
    expect(error.message).toContain('control character');
  });
});

describe('an entry that is never extracted is checked like any other', () => {
  it.each([
    ['a __MACOSX entry that is a symlink', { name: '__MACOSX/._x', externalAttributes: SYMLINK }],
    ['a .DS_Store that is a symlink', { name: '.DS_Store', externalAttributes: SYMLINK }],
    ['a ./ entry that is a symlink', { name: './', externalAttributes: SYMLINK }],
  ])('%s', async (_label, spec) => {
    const entry: ZipEntrySpec = { content: '../../../etc/passwd', ...spec };
    const zip = buildZip({ entries: [MANIFEST_ENTRY, entry] });
    await expectRejected(zip, { code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY', entry: spec.name });
  });

  it('a ./ entry marked as a file, or holding data', async () => {
    for (const entry of [
      { name: './', externalAttributes: FILE },
      { name: './', content: 'data' },
    ]) {
      const zip = buildZip({ entries: [entry, MANIFEST_ENTRY] });
      await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID', entry: './' });
    }
  });

  it('a __MACOSX entry compressed with Deflate64, or encrypted', async () => {
    const deflate64: ZipEntrySpec = {
      name: '__MACOSX/._x',
      method: 9,
      data: Buffer.from('opaque'),
      uncompressedSize: 10,
    };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, deflate64] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: '__MACOSX/._x',
    });
    const encrypted: ZipEntrySpec = { name: '.DS_Store', content: 'x', flags: 0x801 };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, encrypted] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: '.DS_Store',
    });
  });

  it('a .DS_Store larger than the limits allow', async () => {
    const big: ZipEntrySpec = { name: 'a/.DS_Store', content: 'x'.repeat(2000) };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, big] }), {
      code: 'AUG_ARCHIVE_LIMIT',
      entry: 'a/.DS_Store',
      limits: { maxEntries: 10, maxBytes: 1000, maxRatio: 100 },
    });
  });

  it('hidden bytes between two __MACOSX entries', async () => {
    const [a, b] = ['__MACOSX/._a', '__MACOSX/._b'].map((name) => ({ name, content: name }));
    const zip = buildZip({ entries: [MANIFEST_ENTRY, a!, b!], beforeCentral: Buffer.from('x') });
    const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID' });
    expect(error.message).toContain('unexplained bytes');
  });
});

describe('two names for one path collide, with or without ./', () => {
  const content = (name: string): ZipEntrySpec =>
    name.endsWith('/') ? { name } : { name, content: name };

  it.each([
    ['./a.js', 'a.js'],
    ['a.js', './a.js'],
    ['./dist/', 'dist/'],
    ['__MACOSX/x', '__macosx/x'],
    ['./.DS_Store', '.DS_Store'],
  ])('%s and %s', async (first, second) => {
    const zip = buildZip({
      entries: [MANIFEST_ENTRY, ...[first, second].map(content)],
    });
    await expectRejected(zip, { code: 'AUG_ARCHIVE_COLLISION', entry: second });
  });
});

describe('the plugin is at the root or in the single top folder', () => {
  it.each<[string, ZipEntrySpec[]]>([
    [
      'a top folder plus a second top folder',
      [manifest('a/plugin.manifest.json'), { name: 'b/x.js', content: 'x' }],
    ],
    [
      'a top folder plus a file at the root',
      [manifest('a/plugin.manifest.json'), { name: 'x.js', content: 'x' }],
    ],
    ['a manifest only under __MACOSX/', [manifest('__MACOSX/plugin.manifest.json')]],
    ['a manifest two folders down', [manifest('a/b/plugin.manifest.json')]],
    [
      'only ./ and macOS entries',
      [{ name: './' }, { name: '__MACOSX/' }, { name: '.DS_Store', content: 'x' }],
    ],
  ])('%s: no manifest', async (_label, entries) => {
    const error = await expectRejected(buildZip({ entries }), { code: 'AUG_ARCHIVE_NO_MANIFEST' });
    expect(error.message).toContain('plugin.manifest.json');
  });

  it('a top folder named ..', async () => {
    const zip = buildZip({ entries: [manifest('../plugin.manifest.json')] });
    await expectRejected(zip, {
      code: 'AUG_ARCHIVE_UNSAFE_NAME',
      entry: '../plugin.manifest.json',
    });
  });
});

describe('checkEntryName (property)', () => {
  const segment = fc.constantFrom(
    '',
    '.',
    '..',
    'a',
    'dist',
    '__MACOSX',
    '.DS_Store',
    'C:',
    'a\\b',
    'CON',
    'x ',
  );
  const name = fc
    .array(segment, { minLength: 1, maxLength: 5 })
    .map((segments) => segments.join('/'));

  it('accepts, skipped or not, only what the safety rules accept', () => {
    fc.assert(
      fc.property(name, (candidate) => {
        const place = checkEntryName(candidate);
        if (!candidate.startsWith('./')) {
          expect('problem' in place).toBe(findNameProblem(candidate) !== undefined);
        }
        if ('problem' in place || place.skip === 'root') return;
        expect(findNameProblem(place.path)).toBeUndefined();
      }),
    );
  });

  it('drops exactly one leading ./ and nothing else', () => {
    fc.assert(
      fc.property(name, (candidate) => {
        const place = checkEntryName(candidate);
        if ('problem' in place || place.skip === 'root') return;
        expect(place.path).toBe(candidate.startsWith('./') ? candidate.slice(2) : candidate);
      }),
    );
  });
});

describe('decodeEntryName', () => {
  const raw = Buffer.from('dist/índice.js'.normalize('NFD'));
  const cp437 = 'mojibake';

  it('reads UTF-8 without the UTF-8 flag (Info-ZIP on Unix, macOS Finder)', () => {
    expect(decodeEntryName(0, raw, [], cp437)).toBe('dist/índice.js'.normalize('NFD'));
  });

  it('falls back to code page 437 when the bytes are not UTF-8', () => {
    expect(decodeEntryName(0, Buffer.from([0x82, 0x2e, 0x6a, 0x73]), [], cp437)).toBe(cp437);
  });

  it('prefers a Unicode Path field whose CRC matches the raw name, else ignores it', () => {
    const field = (crc: number, version = 1): { id: number; data: Buffer } => {
      const data = Buffer.concat([Buffer.alloc(5), Buffer.from('七个房间.txt')]);
      data.writeUInt8(version, 0);
      data.writeUInt32LE(crc, 1);
      return { id: 0x7075, data };
    };
    const name = Buffer.from('qi ge fangjian.txt');
    expect(decodeEntryName(0, name, [field(crc32(name))], cp437)).toBe('七个房间.txt');
    expect(decodeEntryName(0, name, [field((crc32(name) ^ 1) >>> 0)], cp437)).toBe(
      'qi ge fangjian.txt',
    );
    expect(decodeEntryName(0, name, [field(crc32(name), 2)], cp437)).toBe('qi ge fangjian.txt');
  });
});

describe('a Unicode Path extra field (Info-ZIP)', () => {
  it('names the extracted file', async () => {
    const raw = Buffer.from('qi ge fangjian.txt');
    const field = unicodePathField(raw, '七个房间.txt');
    const entry: ZipEntrySpec = { name: raw, flags: 0, extra: field, content: 'room' };
    const root = await makeTempDir('unicode-path');
    try {
      const zip = join(root, 'plugin.zip');
      await writeFile(zip, buildZip({ entries: [MANIFEST_ENTRY, entry] }));
      await extractArchive(zip, join(root, 'out'), DEFAULT_ARCHIVE_LIMITS);
      expect(await readFile(join(root, 'out', '七个房间.txt'), 'utf8')).toBe('room');
    } finally {
      await removeDir(root);
    }
  });
});

describe("yauzl's unicode-path-extra-field.zip (a data descriptor its flags do not announce)", () => {
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'archives', 'yauzl');
  const original = (): Promise<Buffer> => readFile(join(fixture, 'unicode-path-extra-field.zip'));

  /** The fixture's entry, then a manifest after it (so no offset of the fixture moves). */
  const asPlugin = (bytes: Buffer): Buffer => {
    const end = bytes.length - 22;
    const centralSize = bytes.readUInt32LE(end + 12);
    const centralOffset = bytes.readUInt32LE(end + 16);
    const manifestLocal = localRecord(MANIFEST_ENTRY);
    const central = Buffer.concat([
      bytes.subarray(centralOffset, centralOffset + centralSize),
      centralRecord(MANIFEST_ENTRY, centralOffset),
    ]);
    const record = Buffer.alloc(22);
    record.writeUInt32LE(0x06054b50, 0);
    record.writeUInt16LE(2, 8);
    record.writeUInt16LE(2, 10);
    record.writeUInt32LE(central.length, 12);
    record.writeUInt32LE(centralOffset + manifestLocal.length, 16);
    return Buffer.concat([bytes.subarray(0, centralOffset), manifestLocal, central, record]);
  };

  it('extracts its one file under the Unicode Path name', async () => {
    const root = await makeTempDir('yauzl-unicode');
    try {
      const zip = join(root, 'plugin.zip');
      await writeFile(zip, asPlugin(await original()));
      await extractArchive(zip, join(root, 'out'), DEFAULT_ARCHIVE_LIMITS);
      expect((await readdir(join(root, 'out'))).sort()).toEqual([
        'plugin.manifest.json',
        '七个房间.txt',
      ]);
      // alone, as the corpus has it: every check passes up to the missing manifest
      await writeFile(zip, await original());
      const error = await extractArchive(zip, join(root, 'alone'), DEFAULT_ARCHIVE_LIMITS).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'AUG_ARCHIVE_NO_MANIFEST' });
      expect(String(error)).toContain('七个房间.txt');
    } finally {
      await removeDir(root);
    }
  });

  it('is refused once a byte of that descriptor is changed (no byte left unexplained)', async () => {
    const bytes = await original();
    const descriptor = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]));
    expect(descriptor).toBeGreaterThan(0);
    for (const at of [0, 3, 4, 8, 12, 15]) {
      const broken = Buffer.from(bytes);
      broken[descriptor + at] = (broken[descriptor + at] ?? 0) ^ 0x01;
      await expectRejected(asPlugin(broken), { code: 'AUG_ARCHIVE_INVALID' });
    }
  });

  it('accepts a signed descriptor after stored data only when it matches the central record', async () => {
    const content = Buffer.from('export default {};');
    const entry: ZipEntrySpec = { name: 'dist/index.js', flags: 0, method: 0, content };
    const descriptor = (crc: number, size: number): Buffer => {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(size, 8);
      d.writeUInt32LE(size, 12);
      return d;
    };
    const root = await makeTempDir('unannounced-descriptor');
    try {
      const zip = join(root, 'plugin.zip');
      const good = descriptor(crc32(content), content.length);
      await writeFile(zip, buildZip({ entries: [MANIFEST_ENTRY, entry], beforeCentral: good }));
      await extractArchive(zip, join(root, 'out'), DEFAULT_ARCHIVE_LIMITS);
      expect(await readFile(join(root, 'out', 'dist', 'index.js'), 'utf8')).toBe(
        'export default {};',
      );
    } finally {
      await removeDir(root);
    }
    for (const bad of [
      descriptor((crc32(content) ^ 1) >>> 0, content.length),
      descriptor(crc32(content), content.length + 1),
      descriptor(crc32(content), content.length).subarray(4), // unsigned: not accepted unannounced
      Buffer.concat([descriptor(crc32(content), content.length), Buffer.from('x')]),
    ]) {
      const zip = buildZip({ entries: [MANIFEST_ENTRY, entry], beforeCentral: bad });
      const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID' });
      expect(error.message).toContain('unexplained bytes');
    }
  });
});
