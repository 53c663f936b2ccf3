// Checks on archive entry names and types that need no I/O: a name must be
// safe and portable (a plugin zipped on one OS extracts identically on every
// other), two names must never land on the same path, and only regular files
// and directories are allowed.

/** Longest segment, in UTF-8 bytes (the common file system limit). */
export const MAX_SEGMENT_BYTES = 255;
/** Longest entry name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 1024;
/** Deepest nesting, in segments. */
export const MAX_DEPTH = 32;

// C0 and C1 control characters, DEL and NUL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DRIVE = /^[A-Za-z]:/;
const UNC = /^[\\/]{2}/;
const WINDOWS_FORBIDDEN = /[<>"|?*]/;
// Windows reserves these names in every folder, with or without an extension.
const DEVICE =
  /^(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)(?:[ .].*)?$/i;

/**
 * Names the first rule an entry name breaks, or returns `undefined` when the
 * name is safe. A trailing `/` (a directory entry) is allowed.
 *
 * @param name - the entry name as decoded from the archive
 */
export function findNameProblem(name: string): string | undefined {
  if (UNC.test(name)) return 'it is a UNC path (\\\\server\\share or //server/share)';
  if (DRIVE.test(name)) return 'it starts with a drive letter (C:\\x, C:/x or C:x)';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (name.includes('\\')) return 'it contains a backslash; zip entry names separate with "/"';
  if (CONTROL.test(name)) return 'it contains a NUL or control character';
  if (name.includes(':')) return 'it contains ":" (a drive or an NTFS alternate data stream)';
  if (WINDOWS_FORBIDDEN.test(name)) {
    return 'it contains a character Windows forbids in file names (< > " | ? *)';
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    return `it is longer than ${MAX_NAME_BYTES} bytes`;
  }
  const path = name.endsWith('/') ? name.slice(0, -1) : name;
  if (path === '') return 'it is empty';
  const segments = path.split('/');
  if (segments.length > MAX_DEPTH) return `it is nested deeper than ${MAX_DEPTH} levels`;
  for (const segment of segments) {
    const problem = findSegmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function findSegmentProblem(segment: string): string | undefined {
  if (segment === '') return 'it has an empty segment ("a//b")';
  if (segment === '.') return 'it has a "." segment';
  if (segment === '..') return 'it has a ".." segment';
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
    return `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  if (segment.endsWith('.') || segment.endsWith(' ')) {
    return `segment "${segment}" ends with a dot or a space, which Windows drops`;
  }
  if (DEVICE.test(segment)) return `segment "${segment}" is a Windows device name`;
  return undefined;
}

const S_IFMT = 0o170000;
const SPECIAL_TYPES = new Map<number, string>([
  [0o120000, 'a symbolic link'],
  [0o010000, 'a FIFO'],
  [0o020000, 'a character device'],
  [0o060000, 'a block device'],
  [0o140000, 'a socket'],
]);
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const DOS_DIRECTORY = 0x10;

/** What an entry is, or why it cannot be extracted. */
export type EntryKindResult =
  { kind: 'file' | 'directory' } | { problem: string; unsupported: boolean };

/**
 * Tells a regular file from a directory, and rejects everything else:
 * symlinks, FIFOs, devices, sockets (Unix mode in the high 16 bits of the
 * external attributes, whatever the "made by" OS claims), and entries whose
 * type and name disagree.
 *
 * @param name - decoded entry name; directories end with `/`
 * @param externalFileAttributes - the central directory's external attributes
 */
export function classifyEntry(name: string, externalFileAttributes: number): EntryKindResult {
  const type = (externalFileAttributes >>> 16) & S_IFMT;
  const special = SPECIAL_TYPES.get(type);
  if (special !== undefined) return { problem: `it is ${special}`, unsupported: true };
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
    return {
      problem: `it has an unknown file type (mode 0o${type.toString(8)})`,
      unsupported: true,
    };
  }
  const named = name.endsWith('/');
  const markedDir =
    type === S_IFDIR || (type === 0 && (externalFileAttributes & DOS_DIRECTORY) !== 0);
  if (markedDir && !named) {
    return {
      problem: 'it is marked as a directory but its name does not end with "/"',
      unsupported: false,
    };
  }
  if (type === S_IFREG && named) {
    return { problem: 'it is marked as a file but its name ends with "/"', unsupported: false };
  }
  return { kind: named ? 'directory' : 'file' };
}

/** A clash between two entry names. */
export interface Collision {
  /** The earlier entry (or implied parent directory) it clashes with. */
  other: string;
  /** The rule broken. */
  rule: string;
}

interface Seen {
  spelling: string;
  kind: 'file' | 'directory';
  explicit: boolean;
}

/** Case- and normalization-insensitive key: NTFS, APFS and HFS+ all merge these. */
function pathKey(path: string): string {
  return path.normalize('NFC').toLowerCase().normalize('NFC');
}

/**
 * Finds entries that would land on the same path on some file system:
 * duplicates, names equal ignoring case or Unicode normalization (NFC/NFD),
 * and a file that is also a directory (`a` and `a/b`). Uses a `Map`, so names
 * such as `__proto__` are ordinary keys.
 */
export class CollisionIndex {
  readonly #seen = new Map<string, Seen>();

  /**
   * Records one entry and its parent directories.
   *
   * @param name - decoded entry name, already checked by {@link findNameProblem}
   * @param kind - what the entry is
   * @returns the clash, if any
   */
  add(name: string, kind: 'file' | 'directory'): Collision | undefined {
    const path = kind === 'directory' ? name.slice(0, -1) : name;
    const segments = path.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) {
      const parent = segments.slice(0, depth).join('/');
      const clash = this.#record(parent, 'directory', false);
      if (clash !== undefined) return clash;
    }
    return this.#record(path, kind, true);
  }

  #record(path: string, kind: 'file' | 'directory', explicit: boolean): Collision | undefined {
    const key = pathKey(path);
    const seen = this.#seen.get(key);
    if (seen === undefined) {
      this.#seen.set(key, { spelling: path, kind, explicit });
      return undefined;
    }
    const other = seen.kind === 'directory' ? `${seen.spelling}/` : seen.spelling;
    if (seen.kind !== kind) {
      return { other, rule: `a file and a directory share the path "${path}"` };
    }
    if (seen.spelling !== path) {
      return { other, rule: 'the names differ only in letter case or Unicode normalization' };
    }
    if (kind === 'file' || (explicit && seen.explicit)) {
      return { other, rule: 'the name appears twice' };
    }
    if (explicit) seen.explicit = true;
    return undefined;
  }
}
