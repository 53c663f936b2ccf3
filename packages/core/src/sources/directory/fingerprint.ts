import { createHash, type Hash } from 'node:crypto';
import { opendirSync, readdirSync, statSync, type Dir, type Dirent, type Stats } from 'node:fs';
import type { Pacer } from '../../util/pacer.js';
import { childPath } from '../../util/paths.js';

const MAX_DEPTH = 32;
/** Listings up to this many characters (a dozen files or so) are kept as they are. */
const SHORT_LISTING = 1024;
/**
 * A directory whose size (as its file system reports it) is over this is
 * read in batches, so that listing it never stalls the loop; a smaller one
 * (fewer than a thousand entries or so) in one `readdirSync`, which costs
 * half as much per directory.
 */
const LARGE_DIRECTORY_BYTES = 32 * 1024;
/** Entries read from a large directory per system call. */
const BATCH = 256;
/** Entries handled between two looks at the clock. */
const CHECK_EVERY = 64;
/** The files whose sizes the walk keeps: the ones the scan reads next. */
const SIZED = new Set(['plugin.manifest.json', 'package.json']);
/** Lines fed to the hash at once. */
const HASH_CHUNK = 1024;
/**
 * How long a directory must have been left alone before a walk keeps its
 * listing for the next walk. Adding, removing or renaming an entry sets the
 * directory's mtime and ctime to the file system's clock, which advances in
 * ticks (a few ms on ext4, 1 s on HFS+, 2 s on FAT): an entry added in the
 * same tick as the change the walk saw would leave both as they were. A
 * listing whose ctime is older than this is past any such tick (as git's
 * "racily clean" entries: the margin covers the tick, not the clock skew of
 * a network file system, which then always lists again or, far behind, may
 * miss an entry added in the same tick as the one before).
 */
export const SETTLED_MS = 3000;
/**
 * On POSIX systems a directory's ctime changes whenever an entry comes, goes
 * or is renamed, and no call can set it back. Not every Windows file system
 * keeps such a time (FAT has none), so there every directory is listed on
 * every walk.
 */
const REUSES_LISTINGS = process.platform !== 'win32';

/**
 * How the walk saw a file: `'file'` is a regular file reached through real
 * directories only, so its real path is the plugin's real directory joined
 * with its relative path; `'link'` is a symlink to a regular file;
 * `'dangling'` is a symlink whose target is gone (or a file that vanished
 * during the walk); `'special'` is a FIFO, a socket or a device, or a symlink
 * to one: never to be read or imported.
 */
export type FileKind = 'file' | 'link' | 'dangling' | 'special';

/** The result of {@link fingerprintDir}. */
export interface DirFingerprint {
  /**
   * Changes whenever any file's size, mtime or inode changes, or a file comes
   * or goes: the sorted listing itself when short, else the SHA-1 of the
   * listing in the order the walk met the files (the order the file system
   * lists them, the same from one walk to the next while nothing changes).
   */
  readonly hash: string;
  /** Relative paths (with `/`) of the files seen, and how each was seen. */
  readonly files: ReadonlyMap<string, FileKind>;
  /**
   * The sizes of the `plugin.manifest.json` and `package.json` files seen as
   * regular files (kind `'file'`), by relative path: the scan reads them
   * next, and needs no `fstat` to know how much to read.
   */
  readonly sizes: ReadonlyMap<string, number>;
  /**
   * False when the walk left a directory out (`node_modules`, a dot-folder, a
   * symlink to a directory, or one nested too deep): `files` is then not every
   * file of the plugin.
   */
  readonly complete: boolean;
  /**
   * The listings of the directories this walk read whole (small ones), by
   * relative path (`''` for the root), with the directory's stat: the next
   * walk reuses a listing while its directory's inode, mtime and ctime are
   * unchanged. Only listings the file system could not have changed unseen
   * are kept (see {@link SETTLED_MS}); none on Windows.
   */
  readonly listings: ReadonlyMap<string, KnownListing>;
}

/** A directory's listing as a walk read it, and the stat that tells whether it still holds. */
export interface KnownListing {
  /** The directory's inode when it was listed. */
  readonly ino: number;
  /** Its mtime then: an entry that comes, goes or is renamed changes it. */
  readonly mtimeMs: number;
  /** Its ctime then: changed with the mtime, and by anything that sets the mtime back. */
  readonly ctimeMs: number;
  /** What the listing held. */
  readonly entries: readonly Dirent[];
}

/**
 * A cheap fingerprint of every file in a plugin directory: size, mtime and
 * inode of each, from one stat pass that reads no file. `node_modules` and
 * dot-folders are skipped; symlinked directories are not followed.
 * Any change to any file changes the fingerprint.
 *
 * Synchronous system calls on purpose: a plugin directory holds a handful of
 * files, and a `readdirSync` / `statSync` costs a few microseconds where each
 * thread-pool round trip of the async API costs tens. A large plugin is
 * walked in slices: once the pacer's slice is spent the walk waits for a turn
 * of the event loop and goes on, so the result is then a promise.
 *
 * A directory whose inode, mtime and ctime are those a previous walk of the
 * same directory recorded is not listed again: its entries are those of that
 * walk (each file is still stat'ed, so a file changed in place still changes
 * the fingerprint).
 *
 * @param dir - the plugin's real directory
 * @param pacer - the budget of synchronous work per turn of the event loop
 * @param previous - the last walk of the same real directory, whose listings may be reused
 * @param now - the current time in ms since the epoch
 * @param settledMs - how long a directory must have been left alone for its
 *   listing to be kept (tests use less than {@link SETTLED_MS})
 */
export function fingerprintDir(
  dir: string,
  pacer: Pacer,
  previous?: DirFingerprint,
  now: number = Date.now(),
  settledMs: number = SETTLED_MS,
): DirFingerprint | Promise<DirFingerprint> {
  const walker = new Walker(dir, previous?.listings, now - settledMs);
  return walker.walk(pacer) ? walker.result() : finish(walker, pacer);
}

async function finish(walker: Walker, pacer: Pacer): Promise<DirFingerprint> {
  do await pacer.turn();
  while (!walker.walk(pacer));
  return walker.result();
}

interface Pending {
  readonly absolute: string;
  readonly relative: string;
  readonly depth: number;
}

/** A directory being listed: all at once, or in batches from a `Dir`. */
interface Listing {
  readonly dir: Pending;
  readonly entries: readonly Dirent[] | Dir;
  index: number;
}

/** A walk of one directory tree that can stop between any two entries and go on later. */
class Walker {
  readonly #pending: Pending[];
  #listing: Listing | undefined;
  readonly #files = new Map<string, FileKind>();
  readonly #sizes = new Map<string, number>();
  #complete = true;
  #lines: string[] = [];
  #hash: Hash | undefined;
  readonly #known: ReadonlyMap<string, KnownListing> | undefined;
  readonly #listings = new Map<string, KnownListing>();
  /** Directories changed after this are not remembered: their listing may change unseen. */
  readonly #settledBefore: number;

  constructor(
    root: string,
    known: ReadonlyMap<string, KnownListing> | undefined,
    settledBefore: number,
  ) {
    this.#pending = [{ absolute: root, relative: '', depth: 0 }];
    this.#known = known;
    this.#settledBefore = settledBefore;
  }

  /**
   * Walks on until the tree is done (true) or the pacer's slice is spent
   * (false: call again on a later turn).
   */
  walk(pacer: Pacer): boolean {
    let count = 0;
    for (;;) {
      const listing = this.#listing ?? this.#open();
      if (listing === undefined) return true;
      const entry = this.#next(listing);
      if (entry === null) {
        this.#listing = undefined;
      } else {
        this.#visit(listing.dir, entry);
      }
      if (++count % CHECK_EVERY === 0 && pacer.spent()) return false;
    }
  }

  result(): DirFingerprint {
    const files = this.#files;
    const sizes = this.#sizes;
    const complete = this.#complete;
    const listings = this.#listings;
    if (this.#hash === undefined) {
      const text = this.#lines.sort().join('\n');
      // a short listing is its own fingerprint: cheaper than hashing it, and exact
      if (text.length <= SHORT_LISTING) return { hash: text, files, sizes, complete, listings };
      const hash = createHash('sha1').update(text).digest('hex');
      return { hash, files, sizes, complete, listings };
    }
    this.#flush();
    return { hash: this.#hash.digest('hex'), files, sizes, complete, listings };
  }

  /** Starts listing the next pending directory; undefined when none is left. */
  #open(): Listing | undefined {
    const dir = this.#pending.pop();
    if (dir === undefined) return undefined;
    this.#listing = { dir, entries: this.#entries(dir), index: 0 };
    return this.#listing;
  }

  /**
   * The entries of a directory: those of the previous walk while the
   * directory's stat is unchanged; else read whole (a small directory, then
   * remembered once settled) or as a `Dir` read in batches (a large one).
   */
  #entries(dir: Pending): readonly Dirent[] | Dir {
    const path = dir.absolute;
    // undefined: let the listing report the problem
    const stats = statOrUndefined(path);
    if (stats === undefined) return readdirSync(path, { withFileTypes: true });
    const known = this.#known?.get(dir.relative);
    if (
      known !== undefined &&
      known.ino === stats.ino &&
      known.mtimeMs === stats.mtimeMs &&
      known.ctimeMs === stats.ctimeMs
    ) {
      this.#listings.set(dir.relative, known);
      return known.entries;
    }
    if (stats.size > LARGE_DIRECTORY_BYTES) return opendirSync(path, { bufferSize: BATCH });
    const entries = readdirSync(path, { withFileTypes: true });
    if (
      REUSES_LISTINGS &&
      stats.ctimeMs < this.#settledBefore &&
      stats.mtimeMs < this.#settledBefore
    ) {
      const { ino, mtimeMs, ctimeMs } = stats;
      this.#listings.set(dir.relative, { ino, mtimeMs, ctimeMs, entries });
    }
    return entries;
  }

  /** The next entry of a listing, or null at its end (a `Dir` is then closed). */
  #next(listing: Listing): Dirent | null {
    const { entries } = listing;
    if (Array.isArray(entries)) {
      const list = entries as readonly Dirent[];
      return listing.index < list.length ? (list[listing.index++] ?? null) : null;
    }
    const dir = entries as Dir;
    let entry: Dirent | null;
    try {
      entry = dir.readSync();
    } catch (error) {
      dir.closeSync();
      throw error;
    }
    if (entry === null) dir.closeSync();
    return entry;
  }

  #visit(parent: Pending, entry: Dirent): void {
    const name = parent.relative === '' ? entry.name : `${parent.relative}/${entry.name}`;
    const path = childPath(parent.absolute, entry.name);
    if (entry.isDirectory()) {
      if (
        entry.name === 'node_modules' ||
        entry.name.startsWith('.') ||
        parent.depth >= MAX_DEPTH
      ) {
        this.#complete = false;
      } else {
        this.#pending.push({ absolute: path, relative: name, depth: parent.depth + 1 });
      }
      return;
    }
    const stats = statOrUndefined(path);
    if (stats === undefined) {
      this.#add(name, 'dangling', `${name}\0dangling`);
    } else if (stats.isDirectory()) {
      this.#complete = false;
    } else {
      const kind: FileKind = !stats.isFile() ? 'special' : entry.isFile() ? 'file' : 'link';
      if (kind === 'file' && SIZED.has(entry.name)) this.#sizes.set(name, stats.size);
      const mark = kind === 'special' ? '\0special' : '';
      this.#add(name, kind, `${name}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}${mark}`);
    }
  }

  #add(name: string, kind: FileKind, line: string): void {
    this.#files.set(name, kind);
    this.#lines.push(line);
    // a large listing is hashed as it grows: sorting it at the end would stall the loop
    if (this.#lines.length >= HASH_CHUNK) this.#flush();
  }

  #flush(): void {
    this.#hash ??= createHash('sha1');
    this.#hash.update(this.#lines.join('\n'));
    this.#hash.update('\n');
    this.#lines = [];
  }
}

/** `statSync`, or undefined for a dangling symlink, a loop, or a file that vanished. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
