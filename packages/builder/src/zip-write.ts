import { crc32 } from 'node:zlib';
import { deflateSync } from 'fflate';

/** One entry of a zip written by {@link writeZip}. */
export interface ZipEntry {
  /** The name in the archive, `/`-separated; a directory's ends with `/`. */
  readonly name: string;
  /** The file's bytes; undefined for a directory. */
  readonly data: Uint8Array | undefined;
}

/**
 * fflate's settings for every file: the smallest output (packing happens once
 * per release), with the memory level pinned rather than left to fflate's
 * guess from the input size.
 */
const DEFLATE = { level: 9, mem: 8 } as const;
/** Version made by: Unix (3), APPNOTE 6.3 (63); as yazl wrote it. */
const MADE_BY = (3 << 8) | 63;
/** Version needed to extract: 2.0 (deflate, folders). */
const NEEDED = 20;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
/** 1980-01-01 00:00:00, the first DOS date; written as numbers, so no time zone applies. */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
const FILE_MODE = 0o100644;
const DIRECTORY_MODE = 0o40755;

/** An entry ready to write: its local header fields and deflated bytes. */
interface Prepared {
  readonly name: Buffer;
  readonly method: 0 | 8;
  readonly crc: number;
  readonly size: number;
  readonly body: Uint8Array;
  readonly mode: number;
  readonly offset: number;
}

/**
 * Writes a zip holding `entries` in the order given, with nothing in it that
 * depends on the machine, the time zone or the Node.js release: files are
 * deflated by fflate (pure JavaScript, so the same bytes everywhere for one
 * fflate version), every time stamp is 1980-01-01 00:00, modes are 0644 for
 * files and 0755 for folders (Unix external attributes), and no extra fields
 * or comments are written. Without ZIP64: more than 65,535 entries or 4 GiB
 * is refused (core's archive limits are far below either).
 *
 * @param entries - the entries, in archive order
 * @returns the zip's bytes
 * @throws {RangeError} when the archive would need ZIP64
 */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > 0xffff) throw new RangeError(`${entries.length} entries need ZIP64.`);
  const prepared: Prepared[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = entry.data ?? new Uint8Array(0);
    const item: Prepared = {
      name: Buffer.from(entry.name, 'utf8'),
      method: entry.data === undefined ? 0 : 8,
      crc: crc32(data),
      size: data.length,
      body: entry.data === undefined ? data : deflateSync(data, DEFLATE),
      mode: entry.data === undefined ? DIRECTORY_MODE : FILE_MODE,
      offset,
    };
    prepared.push(item);
    const local = header(item, false);
    parts.push(local, item.body);
    offset += local.length + item.body.length;
  }
  const directoryStart = offset;
  for (const item of prepared) {
    const central = header(item, true);
    parts.push(central);
    offset += central.length;
  }
  if (offset > 0xffffffff) throw new RangeError(`${offset} bytes need ZIP64.`);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(prepared.length, 8);
  end.writeUInt16LE(prepared.length, 10);
  end.writeUInt32LE(offset - directoryStart, 12);
  end.writeUInt32LE(directoryStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

/** A local file header (30 bytes + name) or a central directory header (46 bytes + name). */
function header(item: Prepared, central: boolean): Buffer {
  const at = central ? 6 : 4;
  const fixed = central ? 46 : 30;
  if (item.body.length > 0xffffffff || item.offset > 0xffffffff) {
    throw new RangeError(`${item.name.toString('utf8')} needs ZIP64.`);
  }
  const out = Buffer.alloc(fixed + item.name.length);
  out.writeUInt32LE(central ? 0x02014b50 : 0x04034b50, 0);
  if (central) out.writeUInt16LE(MADE_BY, 4);
  out.writeUInt16LE(NEEDED, at);
  out.writeUInt16LE(UTF8_NAMES, at + 2);
  out.writeUInt16LE(item.method, at + 4);
  out.writeUInt16LE(DOS_TIME, at + 6);
  out.writeUInt16LE(DOS_DATE, at + 8);
  out.writeUInt32LE(item.crc, at + 10);
  out.writeUInt32LE(item.body.length, at + 14);
  out.writeUInt32LE(item.size, at + 18);
  out.writeUInt16LE(item.name.length, at + 22);
  // extra field length (at + 24) stays 0; in the central header so do the
  // comment length, disk number and internal attributes
  if (central) {
    out.writeUInt32LE((item.mode << 16) >>> 0, 38);
    out.writeUInt32LE(item.offset, 42);
  }
  item.name.copy(out, fixed);
  return out;
}
