import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yazl from 'yazl';
import {
  DEFAULT_ARCHIVE_LIMITS,
  extractArchive,
  hashFile,
  inspectArchive,
  type ArchiveLimits,
} from '../../src/archive/archive.js';
import { ArchiveError } from '../../src/errors.js';
import { writeEntry } from '../../src/archive/zip-extract.js';
import { checkLayout } from '../../src/archive/zip-layout.js';
import { openArchive, readCentralDirectory } from '../../src/archive/zip-read.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';
import { WAIT } from '../helpers/wait.js';
import {
  MANIFEST_ENTRY,
  buildZip,
  expectRejected,
  listTree,
  localRecord,
  type ZipEntrySpec,
} from '../helpers/zip-writer.js';

const MIB = 1024 * 1024;
const MANIFEST = JSON.stringify({ name: 'p', version: '1.0.0', entryPoint: './dist/index.js' });

let root: string;
beforeAll(async () => {
  root = await makeTempDir('archive');
});
afterAll(async () => {
  await removeDir(root);
});

let counter = 0;
/** A fresh path below the suite's temp folder. */
function fresh(name: string): string {
  counter += 1;
  return join(root, `${counter}-${name}`);
}

/** Writes a yazl archive; `add` fills it. */
async function makeYazl(
  add: (zip: yazl.ZipFile) => void,
  options: yazl.EndOptions = { forceZip64Format: false, comment: '' },
): Promise<string> {
  const zipPath = fresh('good.zip');
  const zip = new yazl.ZipFile();
  add(zip);
  zip.end(options);
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return zipPath;
}

/** Streams `bytes` zeros through deflate: a bomb without a buffer that size. */
async function deflateZeros(bytes: number): Promise<{ data: Buffer; crc: number }> {
  const chunk = Buffer.alloc(MIB);
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (part: Buffer) => out.push(part));
  const ended = once(deflate, 'end');
  let crc = 0;
  for (let written = 0; written < bytes; written += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    crc = crc32(part, crc);
    if (!deflate.write(part)) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  return { data: Buffer.concat(out), crc };
}

/** Runs `work` while sampling heap + array buffers; returns its result and the peak growth. */
async function measureMemory<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const used = (): number => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const baseline = used();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 1);
  try {
    const result = await work();
    peak = Math.max(peak, used());
    return { result, growth: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Writes one entry of `zip` to `out` with the internal writer, past every
 * archive-level check: shows what reaches the disk when that entry fails.
 */
async function writeOne(zip: Buffer, index: number, out: string): Promise<unknown> {
  const zipPath = fresh('one.zip');
  await writeFile(zipPath, zip);
  const opened = await openArchive(zipPath);
  try {
    const central = await readCentralDirectory(opened, zipPath, DEFAULT_ARCHIVE_LIMITS);
    const starts = await checkLayout(opened.reader, central.entries, central.offset, zipPath);
    return await writeEntry(opened, central.entries[index]!, starts[index]!, out, zipPath).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    opened.zipfile.close();
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

describe('good archives', () => {
  it('extracts a yazl archive with nested folders; manifest at the root', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json');
      zip.addBuffer(Buffer.from('export default 1;\n'), 'dist/index.js');
      zip.addReadStream(
        Readable.from([Buffer.from('streamed, with a data descriptor')]),
        'dist/lib/a/b/deep.js',
      );
      zip.addBuffer(Buffer.alloc(200_000, 'x'), 'assets/big.txt'); // streamed on extraction
      zip.addBuffer(Buffer.alloc(0), 'empty.txt');
      zip.addBuffer(Buffer.from('stored'), 'stored.txt', { compress: false });
      zip.addEmptyDirectory('cache');
    });
    const target = fresh('out');
    const listing = await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    expect(listing.manifestRoot).toBe('');
    expect(listing.entries.map((entry) => `${entry.name} ${entry.type}`)).toEqual([
      'plugin.manifest.json file',
      'dist/index.js file',
      'dist/lib/a/b/deep.js file',
      'assets/big.txt file',
      'empty.txt file',
      'stored.txt file',
      'cache/ directory',
    ]);
    expect(await readFile(join(target, 'plugin.manifest.json'), 'utf8')).toBe(MANIFEST);
    expect(await readFile(join(target, 'dist/lib/a/b/deep.js'), 'utf8')).toBe(
      'streamed, with a data descriptor',
    );
    expect(
      (await readFile(join(target, 'assets/big.txt'))).equals(Buffer.alloc(200_000, 'x')),
    ).toBe(true);
    expect(await readFile(join(target, 'empty.txt'), 'utf8')).toBe('');
    expect(await readFile(join(target, 'stored.txt'), 'utf8')).toBe('stored');
    expect((await stat(join(target, 'cache'))).isDirectory()).toBe(true);
  });

  it('finds the manifest inside a single top-level folder', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addEmptyDirectory('my-plugin');
      zip.addBuffer(Buffer.from(MANIFEST), 'my-plugin/plugin.manifest.json');
      zip.addBuffer(Buffer.from('x'), 'my-plugin/dist/index.js');
    });
    const listing = await inspectArchive(zipPath, DEFAULT_ARCHIVE_LIMITS);
    expect(listing.manifestRoot).toBe('my-plugin/');
    const target = fresh('out');
    await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    expect(await readFile(join(target, 'my-plugin/plugin.manifest.json'), 'utf8')).toBe(MANIFEST);
  });

  it('extracts a zip64-format archive with a comment', async () => {
    const zipPath = await makeYazl(
      (zip) => {
        zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json');
        zip.addReadStream(Readable.from([Buffer.from('zip64 descriptor')]), 'a.js');
      },
      { forceZip64Format: true, comment: 'an archive comment' },
    );
    const target = fresh('out');
    await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    expect(await readFile(join(target, 'a.js'), 'utf8')).toBe('zip64 descriptor');
  });

  it('never applies permission bits from the archive (setuid, exec, world-writable)', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json', { mode: 0o104755 });
      zip.addBuffer(Buffer.from('#!/bin/sh\n'), 'bin/run.sh', { mode: 0o106777 });
      zip.addEmptyDirectory('open', { mode: 0o041777 });
    });
    const target = fresh('out');
    await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    for (const file of ['plugin.manifest.json', 'bin/run.sh']) {
      const { mode } = await stat(join(target, file));
      expect(mode & 0o7133, file).toBe(0); // no setuid/setgid/sticky, no exec, no group/other write
    }
    for (const dir of ['open', 'bin']) {
      expect((await stat(join(target, dir))).mode & 0o7022, dir).toBe(0);
    }
  });

  it('accepts local headers whose extra fields differ from the central ones (long, zip64)', async () => {
    const content = 'export default "extra";';
    const long: ZipEntrySpec = { name: 'long.js', content, localExtra: Buffer.alloc(300) };
    const zip64Extra = Buffer.alloc(20);
    zip64Extra.writeUInt16LE(0x0001, 0);
    zip64Extra.writeUInt16LE(16, 2);
    const stored = Buffer.from(content);
    zip64Extra.writeBigUInt64LE(BigInt(stored.length), 4);
    zip64Extra.writeBigUInt64LE(BigInt(stored.length), 12);
    const zip64: ZipEntrySpec = {
      name: 'zip64.js',
      method: 0,
      content,
      localExtra: zip64Extra,
      localCompressedSize: 0xffffffff,
      localUncompressedSize: 0xffffffff,
    };
    const zipPath = fresh('extra.zip');
    await writeFile(zipPath, buildZip({ entries: [MANIFEST_ENTRY, long, zip64] }));
    const target = fresh('out');
    await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    expect(await readFile(join(target, 'long.js'), 'utf8')).toBe(content);
    expect(await readFile(join(target, 'zip64.js'), 'utf8')).toBe(content);
  });

  it('inspects without writing anything, and lists what extraction lists', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json');
      zip.addBuffer(Buffer.from('x'), 'dist/index.js');
    });
    const before = await listTree(root);
    const inspected = await inspectArchive(zipPath, DEFAULT_ARCHIVE_LIMITS);
    expect(await listTree(root)).toEqual(before);
    expect(await extractArchive(zipPath, fresh('out'), DEFAULT_ARCHIVE_LIMITS)).toEqual(inspected);
    expect(inspected.entries[1]).toEqual({
      name: 'dist/index.js',
      type: 'file',
      size: 1,
      compressedSize: expect.any(Number) as number,
      crc32: crc32('x'),
    });
  });

  it('extracts one archive into many targets at once', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json');
      for (let i = 0; i < 50; i += 1) zip.addBuffer(Buffer.from(`file ${i}`), `d${i % 5}/f${i}.js`);
    });
    const targets = Array.from({ length: 10 }, () => fresh('out'));
    await Promise.all(
      targets.map((target) => extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS)),
    );
    for (const target of targets)
      expect(await readFile(join(target, 'd3/f48.js'), 'utf8')).toBe('file 48');
  });

  it('extracts a 2,000-file archive quickly', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json');
      for (let i = 0; i < 2000; i += 1) {
        zip.addBuffer(
          Buffer.from(`export const value = ${i};\n`.repeat(20)),
          `lib/d${i % 40}/f${i}.js`,
        );
      }
    });
    const target = fresh('out');
    const started = performance.now();
    const listing = await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    const elapsed = performance.now() - started;
    expect(listing.entries).toHaveLength(2001);
    expect(await readFile(join(target, 'lib/d39/f1999.js'), 'utf8')).toContain('value = 1999;');
    expect(elapsed).toBeLessThan(15_000); // ~0.2–0.7 s on a 2-core VM; the bound only catches pathologies
  });

  it('hashes a file with SHA-256, streamed', async () => {
    const file = fresh('data.bin');
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await writeFile(file, bytes);
    expect(await hashFile(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
    await expect(hashFile(fresh('missing'))).rejects.toMatchObject({
      code: 'AUG_ARCHIVE_UNREADABLE',
    });
  });
});

describe('the extraction target', () => {
  it('must not exist yet; an existing one is left alone', async () => {
    const zipPath = await makeYazl((zip) => {
      zip.addBuffer(Buffer.from(MANIFEST), 'plugin.manifest.json');
    });
    const target = fresh('existing');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'mine');
    await expect(extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS)).rejects.toMatchObject({
      code: 'AUG_ARCHIVE_WRITE',
      file: zipPath,
    });
    expect(await readdir(target)).toEqual(['keep.txt']);
  });

  it('a missing archive is unreadable', async () => {
    const missing = fresh('missing.zip');
    await expect(inspectArchive(missing, DEFAULT_ARCHIVE_LIMITS)).rejects.toMatchObject({
      code: 'AUG_ARCHIVE_UNREADABLE',
      file: missing,
    });
  });
});

describe('archives that are not well-formed zips', () => {
  const good = (): ZipEntrySpec[] => [
    MANIFEST_ENTRY,
    { name: 'a.js', content: 'export default 1;' },
  ];

  it('rejects a file that is not a zip', async () => {
    await expectRejected(Buffer.from('this is not a zip file at all, just text'), {
      code: 'AUG_ARCHIVE_INVALID',
    });
  });

  it('rejects an empty file', async () => {
    await expectRejected(Buffer.alloc(0), { code: 'AUG_ARCHIVE_INVALID' });
  });

  it('rejects an archive with no entries', async () => {
    const error = await expectRejected(buildZip({ entries: [] }), { code: 'AUG_ARCHIVE_INVALID' });
    expect(error.message).toContain('no entries');
  });

  it('rejects a truncated archive (end cut off)', async () => {
    const zip = buildZip({ entries: good() });
    await expectRejected(zip.subarray(0, zip.length - 10), { code: 'AUG_ARCHIVE_INVALID' });
  });

  it('rejects a truncated archive (cut in the middle, end record kept)', async () => {
    const zip = buildZip({ entries: good() });
    const end = zip.subarray(zip.length - 22);
    const error = await expectRejected(Buffer.concat([zip.subarray(0, 40), end]), {
      code: 'AUG_ARCHIVE_INVALID',
    });
    expect(error.message).toContain('truncated');
  });

  it('rejects bytes after the end record', async () => {
    await expectRejected(buildZip({ entries: good(), suffix: Buffer.from('trailing') }), {
      code: 'AUG_ARCHIVE_INVALID',
    });
  });

  it('rejects data before the first local header', async () => {
    const error = await expectRejected(
      buildZip({ entries: good(), prefix: Buffer.from('#!/bin/sh\nexit 0\n') }),
      {
        code: 'AUG_ARCHIVE_INVALID',
        entry: 'plugin.manifest.json',
      },
    );
    expect(error.message).toContain('before the first local header');
  });

  it('rejects unexplained bytes between the last entry and the central directory', async () => {
    const zip = buildZip({ entries: good(), beforeCentral: Buffer.from('hidden payload') });
    const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID', entry: 'a.js' });
    expect(error.message).toContain('unexplained bytes');
  });

  it('rejects an end record that hides central records (entry count too small)', async () => {
    const zip = buildZip({
      entries: [...good(), { name: 'hidden.js', content: 'x' }],
      entryCount: 2,
    });
    const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID' });
    expect(error.message).toContain('central directory and its end record');
  });

  it('rejects a central directory offset that points at garbage', async () => {
    await expectRejected(buildZip({ entries: good(), centralOffset: 3 }), {
      code: 'AUG_ARCHIVE_INVALID',
    });
  });

  it('rejects entries whose local data overlaps (one quotes the next, "better zip bomb")', async () => {
    const inner: ZipEntrySpec = { name: 'b.js', content: 'inner' };
    const quoted = localRecord(inner);
    // a.js is stored; its "data" is b.js's whole local record.
    const outer: ZipEntrySpec = {
      name: 'a.js',
      method: 0,
      data: Buffer.alloc(0),
      crc32: crc32(quoted),
      compressedSize: quoted.length,
      uncompressedSize: quoted.length,
    };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, outer, inner] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'b.js',
    });
    expect(error.message).toContain('overlapping entries');
  });

  it('rejects central records that share one local header (full overlap)', async () => {
    const kernel: ZipEntrySpec = { name: 'k', content: Buffer.alloc(1000) };
    const manifestLength = localRecord(MANIFEST_ENTRY).length;
    const copies = ['k', 'k2', 'k3'].map((name, i) => ({
      ...kernel,
      name,
      skipLocal: i > 0,
      offset: manifestLength,
    }));
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, ...copies] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'k2',
    });
    expect(error.message).toContain('overlapping entries');
  });

  it.each([
    ['name', { localName: 'other.js' }, 'local header names it'],
    ['method', { localMethod: 0 }, 'compression method'],
    ['sizes', { localUncompressedSize: 5 }, 'sizes'],
    ['CRC', { localCrc32: 1234 }, 'CRC'],
    ['flags', { localFlags: 0x808 }, 'data descriptor flags'],
  ] as const)('rejects a local header that disagrees on the %s', async (_field, override, rule) => {
    const zip = buildZip({
      entries: [MANIFEST_ENTRY, { name: 'a.js', content: 'export default 1;', ...override }],
    });
    const error = await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID', entry: 'a.js' });
    expect(error.message).toContain(rule);
  });

  it('rejects a data descriptor that disagrees with the central directory', async () => {
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(99, 4);
    const entry: ZipEntrySpec = {
      name: 'a.js',
      content: 'x',
      flags: 0x808,
      dataDescriptor: descriptor,
    };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'a.js',
    });
    expect(error.message).toContain('data descriptor');
  });

  it('rejects a local header offset that points at no header', async () => {
    const zip = buildZip({ entries: [MANIFEST_ENTRY, { name: 'a.js', content: 'x', offset: 7 }] });
    await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID', entry: 'a.js' });
  });

  it('rejects data that runs into the central directory', async () => {
    const zip = buildZip({
      entries: [
        MANIFEST_ENTRY,
        { name: 'a.js', method: 0, content: 'abc', compressedSize: 500, uncompressedSize: 500 },
      ],
    });
    await expectRejected(zip, { code: 'AUG_ARCHIVE_INVALID', entry: 'a.js' });
  });
});

describe('entries that are not regular files or directories', () => {
  it.each([
    ['a symbolic link', 0o120777],
    ['a FIFO', 0o010644],
    ['a character device', 0o020644],
    ['a block device', 0o060644],
    ['a socket', 0o140644],
    ['an unknown file type', 0o030644],
  ])('rejects %s, creating nothing', async (kind, mode) => {
    const entry: ZipEntrySpec = {
      name: 'link',
      content: '../../../../etc/passwd',
      externalAttributes: (mode << 16) >>> 0,
    };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: 'link',
    });
    expect(error.message).toContain(kind);
  });

  it('rejects a symlink whatever OS the archive claims to come from', async () => {
    const entry: ZipEntrySpec = {
      name: 'link',
      content: '/etc',
      externalAttributes: (0o120777 << 16) >>> 0,
      versionMadeBy: 20,
    };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: 'link',
    });
  });

  it('rejects an entry marked as a directory whose name lacks the slash', async () => {
    const entry: ZipEntrySpec = { name: 'dir', externalAttributes: (0o040755 << 16) >>> 0 };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'dir',
    });
  });

  it('rejects an entry marked as a regular file whose name ends with a slash', async () => {
    const entry: ZipEntrySpec = { name: 'file/', externalAttributes: (0o100644 << 16) >>> 0 };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'file/',
    });
  });

  it('rejects an entry with the DOS directory attribute whose name lacks the slash', async () => {
    const entry: ZipEntrySpec = { name: 'dir', externalAttributes: 0x10, versionMadeBy: 0 };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'dir',
    });
  });

  it('rejects a directory entry that holds data', async () => {
    const entry: ZipEntrySpec = { name: 'dir/', content: 'data' };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'dir/',
    });
  });

  it('rejects an encrypted entry', async () => {
    const entry: ZipEntrySpec = { name: 'secret.js', content: 'x', flags: 0x801 };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: 'secret.js',
    });
    expect(error.message).toContain('encrypted');
  });

  it('rejects a strongly encrypted entry (refused by yauzl, named by us)', async () => {
    const entry: ZipEntrySpec = { name: 'secret.js', content: 'x', flags: 0x841 };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: 'secret.js',
    });
  });

  it.each([12, 14, 93, 99])('rejects compression method %i', async (method) => {
    const entry: ZipEntrySpec = {
      name: 'a.js',
      method,
      data: Buffer.from('opaque'),
      uncompressedSize: 10,
    };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, entry] }), {
      code: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
      entry: 'a.js',
    });
    expect(error.message).toContain(`compression method ${method}`);
  });
});

describe('limits', () => {
  const lowered = (limits: Partial<ArchiveLimits>): ArchiveLimits => ({
    ...DEFAULT_ARCHIVE_LIMITS,
    ...limits,
  });

  it('rejects more entries than maxEntries, before reading any', async () => {
    const entries = [MANIFEST_ENTRY, ...['a', 'b', 'c'].map((name) => ({ name, content: name }))];
    const error = await expectRejected(buildZip({ entries }), {
      code: 'AUG_ARCHIVE_LIMIT',
      limits: lowered({ maxEntries: 3 }),
    });
    expect(error.message).toContain('4 entries');
  });

  it('trusts the end record count only to refuse early (65,535 claimed)', async () => {
    const error = await expectRejected(
      buildZip({ entries: [MANIFEST_ENTRY], entryCount: 0xffff }),
      {
        code: 'AUG_ARCHIVE_LIMIT',
      },
    );
    expect(error.message).toContain('65535 entries');
  });

  it('rejects a total uncompressed size above maxBytes', async () => {
    const entries = [
      MANIFEST_ENTRY,
      { name: 'a', content: 'x'.repeat(600) },
      { name: 'b', content: 'y'.repeat(600) },
    ];
    const error = await expectRejected(buildZip({ entries }), {
      code: 'AUG_ARCHIVE_LIMIT',
      entry: 'b',
      limits: lowered({ maxBytes: 1000 }),
    });
    expect(error.message).toContain('limit of 1000');
  });

  it('rejects a 200 MiB deflate bomb by its ratio, without inflating it', async () => {
    const { data, crc } = await deflateZeros(200 * MIB);
    expect(data.length).toBeLessThan(1 * MIB);
    const bomb: ZipEntrySpec = {
      name: 'zeros.bin',
      method: 8,
      data,
      crc32: crc,
      uncompressedSize: 200 * MIB,
    };
    const zip = buildZip({ entries: [MANIFEST_ENTRY, bomb] });
    const { result: error, growth } = await measureMemory(() =>
      expectRejected(zip, { code: 'AUG_ARCHIVE_LIMIT', entry: 'zeros.bin' }),
    );
    expect(error.message).toContain('ratio');
    expect(growth).toBeLessThan(32 * MIB);
  });

  it('applies the ratio limit only above 1 MiB', async () => {
    const zipPath = fresh('ratio.zip');
    const small: ZipEntrySpec = { name: 'zeros.bin', content: Buffer.alloc(MIB) }; // ratio ~1000
    await writeFile(zipPath, buildZip({ entries: [MANIFEST_ENTRY, small] }));
    await extractArchive(zipPath, fresh('out'), DEFAULT_ARCHIVE_LIMITS);
  });
});

describe('data that lies about its headers', () => {
  it('stops a small entry whose data inflates past its claimed size (10 B claimed, 10 MiB real)', async () => {
    const data = deflateRawSync(Buffer.alloc(10 * MIB));
    const lie: ZipEntrySpec = { name: 'lie.bin', method: 8, data, crc32: 0, uncompressedSize: 10 };
    const zip = buildZip({ entries: [MANIFEST_ENTRY, lie] });
    const { result: error, growth } = await measureMemory(() =>
      expectRejected(zip, {
        code: 'AUG_ARCHIVE_CORRUPT_DATA',
        entry: 'lie.bin',
        inspectRejects: false,
      }),
    );
    expect(error.message).toContain('more than the 10 bytes');
    expect(growth).toBeLessThan(8 * MIB);
    // Inflation is capped at the claimed size, so nothing reaches the disk.
    const out = fresh('lie.bin');
    expect(await writeOne(zip, 1, out)).toMatchObject({ code: 'AUG_ARCHIVE_CORRUPT_DATA' });
    expect(existsSync(out)).toBe(false);
  });

  it('stops a streamed entry early (yauzl validateEntrySizes): 10 B claimed, 100 MiB real', async () => {
    const { data } = await deflateZeros(100 * MIB);
    expect(data.length).toBeGreaterThan(64 * 1024); // large enough to take the streaming path
    const lie: ZipEntrySpec = { name: 'lie.bin', method: 8, data, crc32: 0, uncompressedSize: 10 };
    const zip = buildZip({ entries: [MANIFEST_ENTRY, lie] });
    const { result: error, growth } = await measureMemory(() =>
      expectRejected(zip, {
        code: 'AUG_ARCHIVE_CORRUPT_DATA',
        entry: 'lie.bin',
        inspectRejects: false,
      }),
    );
    expect((error.cause as Error).message).toContain('too many bytes in the stream');
    expect(growth).toBeLessThan(32 * MIB);

    // The bytes that reached the disk before the stop: at most the 10 claimed.
    const out = fresh('lie.bin');
    expect(await writeOne(zip, 1, out)).toMatchObject({ code: 'AUG_ARCHIVE_CORRUPT_DATA' });
    // none at all when inflating failed before the file was opened (a busy machine)
    const written = await stat(out).then(
      (stats) => stats.size,
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      },
    );
    expect(written).toBeLessThanOrEqual(10);
  });

  it('rejects an entry whose data inflates to less than its claimed size', async () => {
    const lie: ZipEntrySpec = {
      name: 'short.js',
      content: 'abc',
      uncompressedSize: 50,
      crc32: crc32('abc'),
    };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, lie] }), {
      code: 'AUG_ARCHIVE_CORRUPT_DATA',
      entry: 'short.js',
      inspectRejects: false,
    });
  });

  it('rejects a stored entry whose compressed and uncompressed sizes differ', async () => {
    const lie: ZipEntrySpec = {
      name: 'stored.js',
      method: 0,
      content: 'abc',
      uncompressedSize: 30,
    };
    const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, lie] }), {
      code: 'AUG_ARCHIVE_INVALID',
      entry: 'stored.js',
    });
    expect(error.message).toContain('stored');
  });

  it.each([
    ['stored', 0, 'x'.repeat(100)],
    ['deflated', 8, 'y'.repeat(100)],
    ['streamed', 8, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256))],
  ] as const)(
    'rejects a CRC mismatch (%s) and removes what was written',
    async (_kind, method, content) => {
      const files = Array.from({ length: 20 }, (_, i) => ({
        name: `ok/${i}.js`,
        content: `ok ${i}`,
      }));
      const bad: ZipEntrySpec = {
        name: 'bad.bin',
        method,
        content,
        crc32: (crc32(content) ^ 1) >>> 0,
      };
      const error = await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, ...files, bad] }), {
        code: 'AUG_ARCHIVE_CORRUPT_DATA',
        entry: 'bad.bin',
        inspectRejects: false,
      });
      expect(error.message).toContain('CRC-32');
    },
  );

  it('rejects deflate data that does not inflate', async () => {
    const bad: ZipEntrySpec = {
      name: 'bad.js',
      method: 8,
      data: Buffer.from([0xff, 0xff, 0xff, 0x00]),
      uncompressedSize: 4,
    };
    await expectRejected(buildZip({ entries: [MANIFEST_ENTRY, bad] }), {
      code: 'AUG_ARCHIVE_CORRUPT_DATA',
      entry: 'bad.js',
      inspectRejects: false,
    });
  });
});

describe('write failures', () => {
  it.each([
    ['small', 'x'],
    ['streamed', Buffer.alloc(300_000, 7)],
  ] as const)('report AUG_ARCHIVE_WRITE (%s entry)', async (_kind, content) => {
    const zip = buildZip({ entries: [MANIFEST_ENTRY, { name: 'a.bin', content }] });
    const out = join(fresh('missing-folder'), 'a.bin');
    expect(await writeOne(zip, 1, out)).toMatchObject({
      code: 'AUG_ARCHIVE_WRITE',
      entry: 'a.bin',
    });
  });
});

describe('an archive without a manifest', () => {
  it('lists the entries it found', async () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({ name: `file-${i}.js`, content: 'x' }));
    const error = await expectRejected(buildZip({ entries }), { code: 'AUG_ARCHIVE_NO_MANIFEST' });
    expect(error.message).toContain('"file-0.js", "file-1.js"');
    expect(error.message).toContain('"file-9.js", … (12 entries)');
    expect(error.message).not.toContain('file-10.js');
  });

  it('does not look deeper than one folder, nor inside one of several folders', async () => {
    const deep = [{ name: 'a/b/plugin.manifest.json', content: MANIFEST }];
    await expectRejected(buildZip({ entries: deep }), { code: 'AUG_ARCHIVE_NO_MANIFEST' });
    const two = [
      { name: 'a/plugin.manifest.json', content: MANIFEST },
      { name: 'b/x.js', content: 'x' },
    ];
    await expectRejected(buildZip({ entries: two }), { code: 'AUG_ARCHIVE_NO_MANIFEST' });
  });
});

describe('resources', () => {
  it('leaves no file descriptor open after failures and successes', async () => {
    const before = openFds();
    if (before === undefined) return; // no /proc on this OS
    const zipPath = fresh('fd.zip');
    const bad: ZipEntrySpec = { name: 'bad.bin', content: Buffer.alloc(200_000, 1), crc32: 1 };
    await writeFile(zipPath, buildZip({ entries: [MANIFEST_ENTRY, bad] }));
    const notZip = fresh('fd-not.zip');
    await writeFile(notZip, 'nope');
    for (let i = 0; i < 5; i += 1) {
      await expect(
        extractArchive(zipPath, fresh('out'), DEFAULT_ARCHIVE_LIMITS),
      ).rejects.toBeInstanceOf(ArchiveError);
      await expect(inspectArchive(notZip, DEFAULT_ARCHIVE_LIMITS)).rejects.toBeInstanceOf(
        ArchiveError,
      );
    }
    // a stream may close its descriptor a few turns after the rejection: wait for it, bounded
    await vi.waitFor(() => {
      expect(openFds()).toBe(before);
    }, WAIT);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});
