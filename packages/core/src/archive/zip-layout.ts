// Checks the bytes between the start of the archive and its central
// directory: every entry's local header must agree with its central record,
// and the entries must tile that region exactly, in order, with no overlap
// (the 2019 "better zip bomb" points many central records at shared data) and
// no unexplained bytes (hidden data, a prefix, a forged entry count).

import type yauzl from 'yauzl';
import { loadYauzl } from './yauzl.js';
import { ERROR_CODES, type ArchiveError } from '../errors.js';
import { archiveError, quoteName } from './zip-errors.js';
import { forEachLimit } from './zip-pool.js';
import type { CentralEntry } from './zip-read.js';
import type { CachedReader } from './zip-reader.js';

const LOCAL_SIGNATURE = 0x04034b50;
const DESCRIPTOR_SIGNATURE = 0x08074b50;
const LOCAL_HEADER_SIZE = 30;
const HAS_DESCRIPTOR = 0x08;
// Encryption, data descriptor, strong encryption: must agree in both headers.
const COMPARED_FLAGS = 0x01 | 0x08 | 0x40;
const ZIP64_MARK = 0xffffffff;
const READ_CONCURRENCY = 8;

/** Where an entry's data lies, once its local header is checked. */
interface Placement {
  readonly dataStart: number;
  /** End of the data and of its data descriptor, if any. */
  readonly end: number;
}

/**
 * Checks every local header against the central directory and the layout of
 * all entries; returns where each entry's data starts, by entry index.
 *
 * @param reader - reads the archive
 * @param entries - the checked central directory records
 * @param centralOffset - where the central directory starts
 * @param archive - path of the `.zip`, for messages
 */
export async function checkLayout(
  reader: CachedReader,
  entries: readonly CentralEntry[],
  centralOffset: number,
  archive: string,
): Promise<number[]> {
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  const invalid = (entry: CentralEntry, rule: string): ArchiveError =>
    archiveError(ERROR_CODES.ARCHIVE_INVALID, archive, entry.name, rule);
  for (let i = 1; i < sorted.length; i += 1) {
    const [previous, entry] = [sorted[i - 1], sorted[i]] as [CentralEntry, CentralEntry];
    if (previous.localHeaderOffset === entry.localHeaderOffset) {
      throw invalid(
        entry,
        `it shares its local data with entry ${quoteName(previous.name)} (overlapping entries, a zip bomb technique)`,
      );
    }
  }
  const first = sorted[0];
  if (first !== undefined && first.localHeaderOffset !== 0) {
    throw invalid(
      first,
      `${first.localHeaderOffset} bytes come before the first local header (it must start at offset 0)`,
    );
  }
  const placements: (Placement | string)[] = [];
  await forEachLimit(entries, READ_CONCURRENCY, async (entry) => {
    placements[entry.index] = await placeEntry(reader, entry, centralOffset);
  });
  let expected = 0;
  let previous: CentralEntry | undefined;
  const dataStarts: number[] = [];
  for (const entry of sorted) {
    const placement = placements[entry.index];
    if (typeof placement === 'string' || placement === undefined)
      throw invalid(entry, placement ?? 'it was not read');
    if (previous !== undefined && entry.localHeaderOffset < expected) {
      throw invalid(
        entry,
        `its local header starts inside the data of entry ${quoteName(previous.name)} (overlapping entries, a zip bomb technique)`,
      );
    }
    if (previous !== undefined && entry.localHeaderOffset > expected) {
      throw invalid(
        entry,
        `${entry.localHeaderOffset - expected} unexplained bytes lie between entry ${quoteName(previous.name)} and this one`,
      );
    }
    expected = placement.end;
    previous = entry;
    dataStarts[entry.index] = placement.dataStart;
  }
  if (previous !== undefined && expected !== centralOffset) {
    throw invalid(
      previous,
      `${centralOffset - expected} unexplained bytes lie between the end of this entry's data and the central directory`,
    );
  }
  return dataStarts;
}

/** Reads and checks one local header (and data descriptor); a string is the broken rule. */
async function placeEntry(
  reader: CachedReader,
  entry: CentralEntry,
  centralOffset: number,
): Promise<Placement | string> {
  const start = entry.localHeaderOffset;
  const wanted = LOCAL_HEADER_SIZE + entry.rawName.length + 64;
  let header = await reader.readAt(Math.min(wanted, centralOffset - start), start);
  if (header.length < LOCAL_HEADER_SIZE || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    return `no local file header at offset ${start}`;
  }
  const nameLength = header.readUInt16LE(26);
  const headerLength = LOCAL_HEADER_SIZE + nameLength + header.readUInt16LE(28);
  if (headerLength > header.length) {
    if (start + headerLength > centralOffset)
      return 'its local header runs into the central directory';
    header = await reader.readAt(headerLength, start);
  }
  const localName = header.subarray(LOCAL_HEADER_SIZE, LOCAL_HEADER_SIZE + nameLength);
  if (!localName.equals(entry.rawName)) {
    return `its local header names it ${quoteName(localName.toString('utf8'))} (local and central headers must agree)`;
  }
  const method = header.readUInt16LE(8);
  if (method !== entry.method) {
    return `its local header says compression method ${method}, the central directory ${entry.method}`;
  }
  const flags = header.readUInt16LE(6);
  if ((flags & COMPARED_FLAGS) !== (entry.flags & COMPARED_FLAGS)) {
    return 'its local header and central directory disagree on encryption or data descriptor flags';
  }
  const hasDescriptor = (entry.flags & HAS_DESCRIPTOR) !== 0;
  if (!hasDescriptor) {
    const problem = compareLocalSizes(header.subarray(0, headerLength), entry);
    if (problem !== undefined) return problem;
  }
  const dataStart = start + headerLength;
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > centralOffset) return 'its data runs past the start of the central directory';
  if (!hasDescriptor) {
    const slack = extraSlack(header.subarray(LOCAL_HEADER_SIZE + nameLength, headerLength));
    const end = await unannouncedDescriptorEnd(reader, entry, { dataStart, dataEnd, slack });
    return { dataStart, end: end ?? dataEnd };
  }
  const descriptor = await reader.readAt(Math.min(24, centralOffset - dataEnd), dataEnd);
  const length = descriptorLength(descriptor, entry);
  if (length === undefined)
    return 'its data descriptor is missing or disagrees with the central directory';
  return { dataStart, end: dataEnd + length };
}

function compareLocalSizes(header: Buffer, entry: CentralEntry): string | undefined {
  let uncompressed = header.readUInt32LE(22);
  let compressed = header.readUInt32LE(18);
  if (uncompressed === ZIP64_MARK || compressed === ZIP64_MARK) {
    const extra = header.subarray(LOCAL_HEADER_SIZE + header.readUInt16LE(26));
    const zip64 = safeExtraFields(extra).find((field) => field.id === 0x0001)?.data;
    let at = 0;
    if (zip64 !== undefined && uncompressed === ZIP64_MARK && zip64.length >= at + 8) {
      uncompressed = Number(zip64.readBigUInt64LE(at));
      at += 8;
    }
    if (zip64 !== undefined && compressed === ZIP64_MARK && zip64.length >= at + 8) {
      compressed = Number(zip64.readBigUInt64LE(at));
    }
  }
  const crc = header.readUInt32LE(14);
  if (
    crc !== entry.crc32 ||
    compressed !== entry.compressedSize ||
    uncompressed !== entry.uncompressedSize
  ) {
    return `its local header says CRC ${crc}, sizes ${compressed}/${uncompressed}; the central directory says CRC ${entry.crc32}, sizes ${entry.compressedSize}/${entry.uncompressedSize}`;
  }
  return undefined;
}

function safeExtraFields(extra: Buffer): yauzl.ExtraField[] {
  try {
    return loadYauzl().parseExtraFields(extra);
  } catch {
    return [];
  }
}

/**
 * The bytes at the end of a local extra field too short to be a field (a
 * header is 4 bytes): padding some writers leave. 0 when the fields fill it,
 * and also when a field claims more bytes than there are (yauzl refuses that
 * elsewhere).
 */
function extraSlack(extra: Buffer): number {
  let at = 0;
  while (extra.length - at >= 4) {
    const next = at + 4 + extra.readUInt16LE(at + 2);
    if (next > extra.length) return 0;
    at = next;
  }
  return extra.length - at;
}

/**
 * Where a data descriptor ends that follows an entry whose flags announce
 * none, as unzip and yauzl accept (yauzl's own unicode-path-extra-field.zip
 * has one). Only the signed form counts, and only with the central record's
 * CRC and sizes, so every byte is explained and none can hide data. It starts
 * where the data ends; for an entry without data it may also start in the
 * padding at the end of the local extra field (that archive's does).
 * `undefined` when there is none.
 */
async function unannouncedDescriptorEnd(
  reader: CachedReader,
  entry: CentralEntry,
  at: { dataStart: number; dataEnd: number; slack: number },
): Promise<number | undefined> {
  const earliest = entry.compressedSize === 0 ? at.dataStart - at.slack : at.dataEnd;
  for (let start = at.dataEnd; start >= earliest; start -= 1) {
    const bytes = await reader.readAt(24, start);
    const length = descriptorLength(bytes, entry, true);
    if (length !== undefined) return start + length;
  }
  return undefined;
}

/**
 * Length of the data descriptor after an entry's data: with or without its
 * optional signature, 32- or 64-bit sizes; the one whose CRC and sizes match
 * the central record. `undefined` when none does.
 */
function descriptorLength(
  bytes: Buffer,
  entry: CentralEntry,
  signedOnly = false,
): number | undefined {
  for (const signed of signedOnly ? [true] : [true, false]) {
    if (signed && (bytes.length < 4 || bytes.readUInt32LE(0) !== DESCRIPTOR_SIGNATURE)) continue;
    const at = signed ? 4 : 0;
    for (const wide of [false, true]) {
      const length = at + (wide ? 20 : 12);
      if (bytes.length < length) continue;
      const compressed = wide ? Number(bytes.readBigUInt64LE(at + 4)) : bytes.readUInt32LE(at + 4);
      const uncompressed = wide
        ? Number(bytes.readBigUInt64LE(at + 12))
        : bytes.readUInt32LE(at + 8);
      if (
        bytes.readUInt32LE(at) === entry.crc32 &&
        compressed === entry.compressedSize &&
        uncompressed === entry.uncompressedSize
      ) {
        return length;
      }
    }
  }
  return undefined;
}
