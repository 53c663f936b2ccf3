import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SCAFFOLD_ERROR_CODES, ScaffoldError } from './errors.js';
import type { ProjectFile } from './templates.js';

/**
 * What happens to one file of the template:
 * - `create`: nothing is at its path; it is written;
 * - `unchanged`: a file with exactly the template's text is there already; it is left alone;
 * - `skip`: something else is at its path (a different file, a folder, a link, or a
 *   file where a folder should be); it is kept and never overwritten.
 */
export type FileAction = 'create' | 'unchanged' | 'skip';

/** One file of the project and what {@link scaffold} does with it. */
export interface PlannedFile extends ProjectFile {
  readonly action: FileAction;
}

/** Entries of a folder that do not make it "not empty": a fresh `git init` leaves `.git`. */
const IGNORED_ENTRIES = new Set(['.git']);

const errorCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

/**
 * The entries of the target folder that make it not empty (every entry but
 * `.git`), sorted; `[]` when the folder does not exist yet.
 *
 * @throws `AUG_SCAFFOLD_NOT_A_FOLDER` when `dir` exists and is not a folder
 */
export async function listExistingEntries(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir);
    return entries.filter((name) => !IGNORED_ENTRIES.has(name)).sort();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    if (errorCode(error) === 'ENOTDIR') {
      throw new ScaffoldError(
        SCAFFOLD_ERROR_CODES.NOT_A_FOLDER,
        `${dir} is a file, not a folder. Choose another path for the project.`,
        { file: dir },
      );
    }
    throw new ScaffoldError(
      SCAFFOLD_ERROR_CODES.WRITE,
      `${dir} could not be read: ${String(error)}. Check its permissions, or choose another folder.`,
      { file: dir, cause: error },
    );
  }
}

/** Decides what to do with one file: see {@link FileAction}. Never follows a link. */
async function planFile(dir: string, file: ProjectFile): Promise<FileAction> {
  const path = join(dir, file.path);
  try {
    const stats = await lstat(path);
    if (!stats.isFile()) return 'skip';
    return (await readFile(path, 'utf8')) === file.content ? 'unchanged' : 'skip';
  } catch (error) {
    // ENOTDIR: a parent folder of the path is a file; it is the user's, so keep it
    return errorCode(error) === 'ENOENT' ? 'create' : 'skip';
  }
}

/**
 * Plans the files of a project in `dir` (which may hold files already, with
 * `force`): each gets an action, and only `create` files are written.
 *
 * @param dir - the absolute project folder
 * @param files - the files of the project
 */
export async function planFiles(
  dir: string,
  files: readonly ProjectFile[],
): Promise<PlannedFile[]> {
  return Promise.all(files.map(async (file) => ({ ...file, action: await planFile(dir, file) })));
}
