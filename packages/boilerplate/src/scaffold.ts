import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SCAFFOLD_ERROR_CODES, ScaffoldError } from './errors.js';
import { resolveScaffoldOptions } from './options.js';
import type { PluginFormat, ScaffoldOptions, TypesPackage } from './options.js';
import { createPackageJson, readAugmentVersions } from './package-json.js';
import { listExistingEntries, planFiles } from './plan.js';
import type { PlannedFile } from './plan.js';
import { renderTemplates } from './templates.js';
import type { ProjectFile } from './templates.js';

/** What {@link scaffold} did. Paths are relative to `dir`, with `/`, sorted. */
export interface ScaffoldResult {
  /** The absolute project folder. */
  readonly dir: string;
  readonly name: string;
  readonly format: PluginFormat;
  /** The host's types package, when one was given. */
  readonly types: TypesPackage | undefined;
  /** The files written. */
  readonly created: readonly string[];
  /** Files that were there already with exactly the template's text (only with `force`). */
  readonly unchanged: readonly string[];
  /** Files that were there already with other contents, kept as they were (only with `force`). */
  readonly skipped: readonly string[];
}

/** How many entries of a folder that is not empty the error names. */
const SHOWN_ENTRIES = 5;

function notEmpty(dir: string, entries: readonly string[]): ScaffoldError {
  const shown = entries.slice(0, SHOWN_ENTRIES).join(', ');
  const more = entries.length > SHOWN_ENTRIES ? ` and ${entries.length - SHOWN_ENTRIES} more` : '';
  return new ScaffoldError(
    SCAFFOLD_ERROR_CODES.NOT_EMPTY,
    `${dir} is not empty (it holds ${shown}${more}). Choose a new or empty folder, or pass --force to add the project's files beside them: existing files are kept, never overwritten.`,
    { file: dir },
  );
}

/** Writes one new file; a file that appeared since the plan was made is kept (`wx`). */
async function writeNew(dir: string, file: ProjectFile): Promise<boolean> {
  const path = join(dir, file.path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: 'wx' });
    return true;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST') {
      return false;
    }
    throw new ScaffoldError(
      SCAFFOLD_ERROR_CODES.WRITE,
      `${path} could not be written: ${String(error)}. Check the folder's permissions and free space, then run again with --force to add the missing files.`,
      { file: path, cause: error },
    );
  }
}

const paths = (files: readonly PlannedFile[], action: PlannedFile['action']): string[] =>
  files.filter((file) => file.action === action).map((file) => file.path);

/**
 * Creates a plugin project: `package.json`, `plugin.manifest.json`,
 * `tsconfig.json`, `src/index.ts` (and `src/types.ts` without `types`),
 * `test/plugin.test.mjs`, `README.md` and `.gitignore`, in `options.dir`.
 * A folder that is not empty is refused unless `force` is set; even then no
 * existing file is overwritten (see `skipped` in the result). Nothing prints.
 *
 * @throws `AUG_SCAFFOLD_OPTIONS_INVALID`, `AUG_SCAFFOLD_NAME_INVALID` (checked
 *   before anything is written), `AUG_SCAFFOLD_NOT_A_FOLDER`,
 *   `AUG_SCAFFOLD_NOT_EMPTY`, `AUG_SCAFFOLD_WRITE`
 * @example
 * const result = await scaffold({ dir: 'my-plugin', format: 'cjs' });
 * result.created; // ['.gitignore', 'README.md', 'package.json', …]
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const resolved = resolveScaffoldOptions(options);
  const { dir } = resolved;
  const packageJson = createPackageJson(resolved, readAugmentVersions());
  const files: ProjectFile[] = [
    ...(await renderTemplates(resolved)),
    { path: 'package.json', content: `${JSON.stringify(packageJson, null, 2)}\n` },
  ].sort((a, b) => (a.path < b.path ? -1 : 1));

  const existing = await listExistingEntries(dir);
  if (existing.length > 0 && !resolved.force) throw notEmpty(dir, existing);
  const planned = await planFiles(dir, files);

  const created: string[] = [];
  const skipped = paths(planned, 'skip');
  for (const file of planned) {
    if (file.action !== 'create') continue;
    if (await writeNew(dir, file)) created.push(file.path);
    else skipped.push(file.path);
  }
  return Object.freeze({
    dir,
    name: resolved.name,
    format: resolved.format,
    types: resolved.types,
    created,
    unchanged: paths(planned, 'unchanged'),
    skipped: skipped.sort(),
  });
}
