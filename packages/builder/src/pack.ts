import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, MANIFEST_FILE, inspectArchive } from '@augment/core';
import { ZipFile } from 'yazl';
import { BUILD_ERROR_CODES, buildError, describe, isBuildError } from './errors.js';

/** The release zip {@link pack} wrote. */
export interface PackResult {
  /** Absolute path of the zip. */
  path: string;
  /** SHA-256 of the zip, lower-case hex. */
  sha256: string;
  /** Absolute path of `<zip>.sha256`, one `sha256sum` line: `<hex>  <zip name>\n`. */
  sha256File: string;
}

/**
 * 1980-01-01 00:00:00, the first DOS date, built from local components: yazl
 * writes a Date's local time into the DOS fields, so this Date gives the same
 * bytes in every time zone. (`forceDosTimestamp` drops yazl's extra UTC
 * timestamp field, whose value would differ by zone.)
 */
function fixedTime(): Date {
  return new Date(1980, 0, 1, 0, 0, 0, 0);
}

const FILE_MODE = 0o100644;
/** zlib's level for every file: the smallest output; packing happens once per release. */
const COMPRESSION_LEVEL = 9;
const DIRECTORY_MODE = 0o40755;

interface PackEntry {
  /** The name in the archive, `/`-separated; a directory's ends with `/`. */
  readonly name: string;
  /** Absolute path on disk; undefined for a directory. */
  readonly file: string | undefined;
}

/**
 * Packs a built plugin folder into a deterministic zip: the folder's contents
 * at the archive root (so `plugin.manifest.json` is at the root), entries
 * sorted by name, every time stamp 1980-01-01 00:00, modes 0644 for files and
 * 0755 for folders, files deflated at a fixed level (9). The same folder
 * gives the same bytes in any time zone and on any machine with the same
 * Node.js release (deflate's bytes come from the zlib inside Node). The zip is
 * checked with core's `inspectArchive` (default limits) before it replaces
 * an older one; `<zip>.sha256` is written beside it. Prints nothing.
 *
 * @param distDir - the built plugin folder (holding `plugin.manifest.json`)
 * @param zipPath - where to write the zip (outside `distDir`)
 * @throws {BuildError} `AUG_BUILD_PACK`
 */
export async function pack(distDir: string, zipPath: string): Promise<PackResult> {
  const root = resolve(distDir);
  const target = resolve(zipPath);
  if (target === root || target.startsWith(`${root}${sep}`)) {
    throw packError(`${target} is inside ${root}.`, 'Write the zip outside the folder it packs.');
  }
  const manifest = await stat(join(root, MANIFEST_FILE)).catch(() => undefined);
  if (manifest?.isFile() !== true) {
    throw packError(
      `${root} has no ${MANIFEST_FILE}.`,
      'Pack a built plugin folder (run the build first).',
    );
  }
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    const entries = await listEntries(root);
    const data = await zipEntries(entries);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, data);
    await inspectArchive(temporary, DEFAULT_ARCHIVE_LIMITS);
    await rename(temporary, target);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const sha256File = `${target}.sha256`;
    await writeFile(sha256File, `${sha256}  ${basename(target)}\n`);
    return { path: target, sha256, sha256File };
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    if (isBuildError(error)) throw error;
    throw packError(`Packing ${root} into ${target} failed: ${describe(error)}`, '', error);
  }
}

/** Every folder and file below `root`, sorted by archive name; anything else is refused. */
async function listEntries(root: string): Promise<PackEntry[]> {
  const entries: PackEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const stats = await lstat(path);
      const archiveName = relative(root, path).split(sep).join('/');
      if (stats.isDirectory()) {
        entries.push({ name: `${archiveName}/`, file: undefined });
        await walk(path);
      } else if (stats.isFile()) {
        entries.push({ name: archiveName, file: path });
      } else {
        throw packError(
          `${path} is neither a file nor a folder (a symlink or special file).`,
          'Replace it with a regular file: plugin archives hold only files and folders.',
        );
      }
    }
  };
  await walk(root);
  // Code-unit order, not locale order: the same on every machine.
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function zipEntries(entries: readonly PackEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((done, fail) => {
    zip.on('error', fail);
    zip.outputStream.on('error', fail);
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => {
      done(Buffer.concat(chunks));
    });
  });
  const common = { mtime: fixedTime(), forceDosTimestamp: true };
  for (const entry of entries) {
    if (entry.file === undefined) {
      zip.addEmptyDirectory(entry.name, { ...common, mode: DIRECTORY_MODE });
    } else {
      const data = await readFile(entry.file);
      zip.addBuffer(data, entry.name, {
        ...common,
        mode: FILE_MODE,
        compress: true,
        compressionLevel: COMPRESSION_LEVEL,
      });
    }
  }
  zip.end();
  return finished;
}

function packError(headline: string, fix: string, cause?: unknown) {
  return buildError(BUILD_ERROR_CODES.PACK, headline, [], fix, { file: undefined, cause });
}
