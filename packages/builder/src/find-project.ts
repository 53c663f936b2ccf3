// Finding the project a command works on. Only node:fs here: `augment build`
// starts tsc right after, before @augment/core and esbuild load.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The project a command works on, and whether it was found above the current folder. */
export interface FoundProject {
  /** Absolute path of the project folder. */
  readonly dir: string;
  /** True when no folder was given and the project is a parent of the current folder. */
  readonly above: boolean;
}

/** Why there is no project: what is wrong, then what to do. */
export interface ProjectNotFound {
  readonly problem: string;
  readonly fix: string;
}

/**
 * The project folder of `augment build` / `watch` / `validate`: the path
 * given, which must exist; or, without one, the nearest folder from `cwd`
 * upwards that holds `plugin.manifest.json`, stopping at the first
 * `package.json` (the package npm would pick there). Not exported from the package.
 *
 * @param given - the folder argument as typed, or undefined
 * @param cwd - where the command runs
 * @returns the project, or why there is none (a path that does not exist,
 *   or no project in any folder upwards, each one named)
 */
export function findProject(
  given: string | undefined,
  cwd: string = process.cwd(),
): FoundProject | ProjectNotFound {
  if (given !== undefined) {
    const dir = resolve(cwd, given);
    if (existsSync(dir)) return { dir, above: false };
    return {
      problem: `${given} does not exist (${dir}).`,
      fix: 'Check the path, or run the command inside the plugin project without one.',
    };
  }
  const start = resolve(cwd);
  const looked: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    looked.push(dir);
    const isProject = ['plugin.manifest.json', 'package.json'].some((name) =>
      isFile(join(dir, name)),
    );
    if (isProject) return { dir, above: dir !== start };
    if (dirname(dir) === dir) break;
  }
  return {
    problem: `No plugin project found: none of ${looked.join(', ')} has a plugin.manifest.json or a package.json.`,
    fix: 'Run the command in the plugin project (or a folder below it), or pass its folder: augment build path/to/plugin.',
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * {@link findProject}, throwing `AUG_BUILD_NO_MANIFEST` when there is no project.
 *
 * @param given - the folder argument as typed, or undefined
 */
export async function requireProject(given: string | undefined): Promise<FoundProject> {
  const found = findProject(given);
  if ('dir' in found) return found;
  const { BUILD_ERROR_CODES, buildError } = await import('./errors.js');
  throw buildError(BUILD_ERROR_CODES.NO_MANIFEST, found.problem, [], found.fix);
}
