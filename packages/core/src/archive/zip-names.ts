// How an entry's name is read, and where the entry goes. Archives come from
// many tools: Info-ZIP and macOS write UTF-8 names without the UTF-8 flag,
// Info-ZIP may add a Unicode Path extra field, bsdtar writes `./` and
// `./dist/…`, and Finder adds `__MACOSX/` AppleDouble files and `.DS_Store`.
// Every name still goes through every safety check: these rules only decide
// how a name is spelled, which leading `./` is dropped and what is skipped.

import { crc32 } from 'node:zlib';
import { findNameProblem } from './zip-checks.js';

/** General purpose flag bit 11: the name is UTF-8. */
const UTF8_FLAG = 0x800;
/** Info-ZIP Unicode Path extra field. */
const UNICODE_PATH = 0x7075;
/** Refuses invalid UTF-8 instead of replacing it, and keeps a leading BOM. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One extra field of a central record, as yauzl parses them. */
export interface ExtraField {
  /** The field's header id (0x7075 is the Info-ZIP Unicode Path field). */
  readonly id: number;
  /** The field's bytes after its header. */
  readonly data: Buffer;
}

/**
 * The name of an entry as its writer meant it: the Info-ZIP Unicode Path
 * extra field (version 1) whose CRC-32 matches the raw name (yauzl and
 * Info-ZIP's unzip prefer it too); else UTF-8 when flag bit 11 says so; else
 * UTF-8 when the raw bytes are valid UTF-8 (what Info-ZIP on Unix and macOS
 * write, without the flag; ASCII is); else `cp437`, the zip format's default
 * (yauzl's decoding). Control bytes stay control characters, so the name
 * checks refuse them, where code page 437 would show `\x01` as a smiley.
 *
 * @param flags - the central record's general purpose flags
 * @param raw - the central record's name bytes
 * @param extraFields - the central record's extra fields
 * @param cp437 - the raw name decoded as code page 437
 */
export function decodeEntryName(
  flags: number,
  raw: Buffer,
  extraFields: readonly ExtraField[],
  cp437: string,
): string {
  const unicode = unicodePath(raw, extraFields);
  if (unicode !== undefined) return unicode;
  if ((flags & UTF8_FLAG) !== 0) return raw.toString('utf8');
  try {
    return STRICT_UTF8.decode(raw);
  } catch {
    return cp437;
  }
}

/**
 * The name in the first Unicode Path extra field (0x7075) of version 1 whose
 * CRC-32 matches `raw`; the APPNOTE says to ignore a field whose CRC does not.
 * The same choice yauzl makes.
 */
function unicodePath(raw: Buffer, extraFields: readonly ExtraField[]): string | undefined {
  for (const field of extraFields) {
    if (field.id !== UNICODE_PATH || field.data.length < 6 || field.data.readUInt8(0) !== 1) {
      continue;
    }
    if (field.data.readUInt32LE(1) !== crc32(raw)) continue;
    return field.data.subarray(5).toString('utf8');
  }
  return undefined;
}

/** Where an entry goes once its name passed the safety checks. */
export interface EntryPlace {
  /** The path below the extraction folder: the name without a leading `./`. */
  readonly path: string;
  /**
   * Why it is not extracted, if it is not: the `./` entry is the archive's
   * root, `__MACOSX/` holds macOS AppleDouble files, `.DS_Store` is Finder's.
   */
  readonly skip: 'root' | 'macos' | undefined;
}

const DOT_SLASH = './';
const MACOS_FOLDER = '__MACOSX';
const FINDER_FILE = '.DS_Store';

/**
 * Checks an entry name and tells where the entry goes: one leading `./` is
 * dropped (bsdtar writes `./` and `./dist/index.js`), then the rest must pass
 * every rule of `findNameProblem`, whether the entry is extracted or skipped.
 * Only one `./`: `././x` keeps a `.` segment and `.//x` becomes the absolute
 * `/x`, both refused.
 *
 * @param name - the decoded entry name; a directory's ends with `/`
 * @returns where it goes, or the rule the name breaks
 */
export function checkEntryName(name: string): EntryPlace | { readonly problem: string } {
  if (name === DOT_SLASH) return { path: '', skip: 'root' };
  const path = name.startsWith(DOT_SLASH) ? name.slice(DOT_SLASH.length) : name;
  const problem = findNameProblem(path);
  if (problem !== undefined) return { problem };
  const segments = path.split('/');
  const macos = segments[0] === MACOS_FOLDER || segments.at(-1) === FINDER_FILE;
  return { path, skip: macos ? 'macos' : undefined };
}
