import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, MANIFEST_FILE, inspectArchive } from '@augment/core';
import { BUILD_ERROR_CODES, buildError, describe, isBuildError } from './errors.js';
import { writeZip } from './zip-write.js';

/** The release zip {@link pack} wrote. */
export interface PackResult {
  /** Absolute path of the zip. */
  path: string;
  /** SHA-256 of the zip, lower-case hex. */
  sha256: string;
  /** Absolute path of `<zip>.sha256`, one `sha256sum` line: `<hex>  <zip name>\n`. */
  sha256File: string;
}

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
 * 0755 for folders, files deflated at level 9 by fflate (pure JavaScript, not
 * the zlib inside Node, whose bytes can differ by CPU and Node.js release).
 * The same folder gives the same bytes in any time zone, on any machine and
 * under any Node.js release; only an fflate upgrade may change them. The zip is
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
  const files = [];
  for (const entry of entries) {
    files.push({
      name: entry.name,
      data: entry.file === undefined ? undefined : await readFile(entry.file),
    });
  }
  return writeZip(files);
}

function packError(headline: string, fix: string, cause?: unknown) {
  return buildError(BUILD_ERROR_CODES.PACK, headline, [], fix, { file: undefined, cause });
}
