// A byte-level zip writer for tests: it writes exactly what it is told, so a
// test can build the hostile archives that yazl (rightly) refuses to make.
// Every field of the local header, data, descriptor, central record and end
// record can be overridden. Also: probes that check a rejected extraction
// left nothing behind.

import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import {
  DEFAULT_ARCHIVE_LIMITS,
  extractArchive,
  inspectArchive,
  type ArchiveLimits,
} from '../../src/archive/archive.js';
import { ArchiveError, type ErrorCode } from '../../src/errors.js';
import { makeTempDir, removeDir } from './fixtures.js';

/** One entry; unset fields get consistent, valid values. */
export interface ZipEntrySpec {
  /** Central name; a string is written as UTF-8 (flag bit 11 set by default). */
  name: string | Buffer;
  /** Uncompressed content; CRC and sizes are computed from it. Default: empty. */
  content?: Buffer | string;
  /** 0 stored, 8 deflate (default when there is content), anything else raw. */
  method?: number;
  /** Bytes written after the local header. Default: `content`, deflated for method 8. */
  data?: Buffer;
  flags?: number;
  crc32?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  /** Local header overrides (default: the central values). */
  localName?: string | Buffer;
  localMethod?: number;
  localFlags?: number;
  localCrc32?: number;
  localCompressedSize?: number;
  localUncompressedSize?: number;
  localExtra?: Buffer;
  /** Central record only. Default: Unix 0o100644 (files) or 0o40755 + DOS dir bit (`/` names). */
  externalAttributes?: number;
  /** Default: Unix (3), spec 6.3. */
  versionMadeBy?: number;
  extra?: Buffer;
  /** `true`: a signed 16-byte descriptor with the central values; or the exact bytes. */
  dataDescriptor?: boolean | Buffer;
  /** Central offset of the local header (default: where it was written). */
  offset?: number;
  /** Write no local record for this entry (point `offset` at another's). */
  skipLocal?: boolean;
}

/** A whole archive. */
export interface ZipSpec {
  entries: readonly ZipEntrySpec[];
  /** Bytes before the first local header (offsets include them, like a self-extractor). */
  prefix?: Buffer;
  /** Bytes between the last entry and the central directory. */
  beforeCentral?: Buffer;
  /** Bytes after the end record. */
  suffix?: Buffer;
  /** Entry count written in the end record (both fields). */
  entryCount?: number;
  /** Central directory offset written in the end record. */
  centralOffset?: number;
}

const UTF8 = 0x800;

function nameBytes(name: string | Buffer): Buffer {
  return typeof name === 'string' ? Buffer.from(name, 'utf8') : name;
}

interface Resolved {
  name: Buffer;
  method: number;
  flags: number;
  crc: number;
  csize: number;
  usize: number;
  data: Buffer;
}

function resolveEntry(entry: ZipEntrySpec): Resolved {
  const content =
    typeof entry.content === 'string'
      ? Buffer.from(entry.content)
      : (entry.content ?? Buffer.alloc(0));
  const method = entry.method ?? (content.length > 0 ? 8 : 0);
  const data = entry.data ?? (method === 8 ? deflateRawSync(content) : content);
  return {
    name: nameBytes(entry.name),
    method,
    flags: entry.flags ?? UTF8,
    crc: entry.crc32 ?? crc32(content),
    csize: entry.compressedSize ?? data.length,
    usize: entry.uncompressedSize ?? content.length,
    data,
  };
}

/** The local header, data and descriptor of one entry, as written in the archive. */
export function localRecord(entry: ZipEntrySpec): Buffer {
  const r = resolveEntry(entry);
  const name = entry.localName === undefined ? r.name : nameBytes(entry.localName);
  const extra = entry.localExtra ?? Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(entry.localFlags ?? r.flags, 6);
  header.writeUInt16LE(entry.localMethod ?? r.method, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(0x21, 12);
  header.writeUInt32LE(entry.localCrc32 ?? r.crc, 14);
  header.writeUInt32LE(entry.localCompressedSize ?? r.csize, 18);
  header.writeUInt32LE(entry.localUncompressedSize ?? r.usize, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  let descriptor: Buffer = Buffer.alloc(0);
  if (entry.dataDescriptor === true) {
    descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(r.crc, 4);
    descriptor.writeUInt32LE(r.csize, 8);
    descriptor.writeUInt32LE(r.usize, 12);
  } else if (Buffer.isBuffer(entry.dataDescriptor)) {
    descriptor = entry.dataDescriptor;
  }
  return Buffer.concat([header, name, extra, r.data, descriptor]);
}

/** The central directory record of one entry whose local header is at `offset`. */
export function centralRecord(entry: ZipEntrySpec, offset: number): Buffer {
  const r = resolveEntry(entry);
  const extra = entry.extra ?? Buffer.alloc(0);
  const isDir = r.name.at(-1) === 0x2f;
  const attributes =
    entry.externalAttributes ?? (isDir ? ((0o40755 << 16) | 0x10) >>> 0 : (0o100644 << 16) >>> 0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(entry.versionMadeBy ?? (3 << 8) | 63, 4);
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(r.flags, 8);
  header.writeUInt16LE(r.method, 10);
  header.writeUInt16LE(0, 12);
  header.writeUInt16LE(0x21, 14);
  header.writeUInt32LE(r.crc, 16);
  header.writeUInt32LE(r.csize, 20);
  header.writeUInt32LE(r.usize, 24);
  header.writeUInt16LE(r.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt16LE(0, 32);
  header.writeUInt16LE(0, 34);
  header.writeUInt16LE(0, 36);
  header.writeUInt32LE(attributes, 38);
  header.writeUInt32LE(entry.offset ?? offset, 42);
  return Buffer.concat([header, r.name, extra]);
}

/** Builds an archive exactly as specified. */
export function buildZip(spec: ZipSpec): Buffer {
  const parts: Buffer[] = [];
  let position = 0;
  const push = (bytes: Buffer): void => {
    parts.push(bytes);
    position += bytes.length;
  };
  if (spec.prefix) push(spec.prefix);
  const offsets = spec.entries.map((entry) => {
    const offset = position;
    if (entry.skipLocal !== true) push(localRecord(entry));
    return offset;
  });
  if (spec.beforeCentral) push(spec.beforeCentral);
  const centralOffset = position;
  spec.entries.forEach((entry, i) => {
    push(centralRecord(entry, offsets[i] ?? 0));
  });
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(spec.entryCount ?? spec.entries.length, 8);
  end.writeUInt16LE(spec.entryCount ?? spec.entries.length, 10);
  end.writeUInt32LE(position - centralOffset, 12);
  end.writeUInt32LE(spec.centralOffset ?? centralOffset, 16);
  push(end);
  if (spec.suffix) push(spec.suffix);
  return Buffer.concat(parts);
}

/** A minimal valid manifest entry, so hostile archives fail for the intended reason only. */
export const MANIFEST_ENTRY: ZipEntrySpec = {
  name: 'plugin.manifest.json',
  content: JSON.stringify({ name: 'p', version: '1.0.0', entryPoint: './index.js' }),
};

/** Every path below `root` with its type, sorted; symlinks are reported as such. */
export async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => {
      const type = entry.isSymbolicLink() ? 'symlink' : entry.isDirectory() ? 'dir' : 'file';
      return `${relative(root, join(entry.parentPath, entry.name))} ${type}`;
    })
    .sort();
}

/** What a rejected extraction is expected to report. */
export interface Rejection {
  code: ErrorCode;
  /** The entry the message must name, when the problem is about one. */
  entry?: string;
  limits?: ArchiveLimits;
  /** `false` when only extraction (not inspection) can find the problem. */
  inspectRejects?: boolean;
}

/**
 * Writes `zip` into a fresh temp folder and extracts it to a target four
 * levels down; asserts the code, that the message names archive and entry,
 * that the target is gone, that nothing else in the folder changed and that
 * no symlink exists. Returns the error.
 */
export async function expectRejected(zip: Buffer, expected: Rejection): Promise<ArchiveError> {
  const root = await makeTempDir('zip');
  try {
    const zipPath = join(root, 'plugin.zip');
    const target = join(root, 'cache', 'a', 'b', 'target');
    await writeFile(zipPath, zip);
    await mkdir(dirname(target), { recursive: true });
    const before = await listTree(root);
    const limits = expected.limits ?? DEFAULT_ARCHIVE_LIMITS;
    const inspected: unknown = await inspectArchive(zipPath, limits).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (expected.inspectRejects !== false) {
      expect(inspected, 'inspectArchive rejects too').toBeInstanceOf(ArchiveError);
      expect((inspected as ArchiveError).code).toBe(expected.code);
    }
    const error: unknown = await extractArchive(zipPath, target, limits).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ArchiveError);
    const archiveError = error as ArchiveError;
    expect(archiveError.code, archiveError.message).toBe(expected.code);
    expect(archiveError.file).toBe(zipPath);
    expect(archiveError.message).toContain(zipPath);
    if (expected.entry !== undefined) {
      expect(archiveError.entry).toBe(expected.entry);
      expect(archiveError.message).toContain(JSON.stringify(expected.entry));
    }
    expect(existsSync(target), 'target removed').toBe(false);
    const after = await listTree(root);
    expect(after).toEqual(before);
    expect(after.filter((line) => line.endsWith(' symlink'))).toEqual([]);
    expect((await lstat(root)).isDirectory()).toBe(true);
    return archiveError;
  } finally {
    await removeDir(root);
  }
}

/**
 * An Info-ZIP Unicode Path extra field (0x7075, version 1) that names an
 * entry `unicode` in place of its raw name `raw` (the CRC-32 is the raw name's).
 */
export function unicodePathField(raw: Buffer, unicode: string): Buffer {
  const name = Buffer.from(unicode);
  const field = Buffer.alloc(9 + name.length);
  field.writeUInt16LE(0x7075, 0);
  field.writeUInt16LE(5 + name.length, 2);
  field.writeUInt8(1, 4);
  field.writeUInt32LE(crc32(raw), 5);
  name.copy(field, 9);
  return field;
}
