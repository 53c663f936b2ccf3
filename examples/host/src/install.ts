import { copyFile, lstat, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The name the example plugin's release archive is installed under. */
export const ARCHIVE_NAME = 'example-plugin.zip';

/** The name of the --watch symlink to the example plugin's project folder. */
export const LINK_NAME = 'example-plugin';

/** What {@link installArchive} did. */
export type InstallResult =
  | { readonly installed: true; readonly from: string; readonly to: string }
  | { readonly installed: false; readonly from: string };

/**
 * Installs `<exampleDir>/release.zip` (what `augment build --zip` writes) into
 * the plugins folder as `example-plugin.zip`, atomically: it is copied under a
 * name the host skips (a leading `.`) and then renamed, so a host never reads
 * half an archive.
 */
export async function installArchive(
  exampleDir: string,
  pluginsDir: string,
): Promise<InstallResult> {
  const from = join(exampleDir, 'release.zip');
  const to = join(pluginsDir, ARCHIVE_NAME);
  const partial = join(pluginsDir, `.${ARCHIVE_NAME}.${process.pid}`);
  try {
    await copyFile(from, partial);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { installed: false, from };
    throw error;
  }
  await rename(partial, to);
  return { installed: true, from, to };
}

/** `true` when `path` is a symbolic link (of any target); `false` when it is anything else or absent. */
async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Links the example plugin's project folder into the plugins folder as
 * `example-plugin`, a directory plugin whose manifest points at `dist/`. Same
 * version as the archive, so the directory wins: the development override.
 * A link left over from an earlier run is replaced; anything else there is an error.
 *
 * @returns the link's path
 */
export async function linkExample(exampleDir: string, pluginsDir: string): Promise<string> {
  const link = join(pluginsDir, LINK_NAME);
  await unlinkExample(pluginsDir);
  await symlink(exampleDir, link, 'junction');
  return link;
}

/** Removes the `example-plugin` link, if there is one; never removes a real folder. */
export async function unlinkExample(pluginsDir: string): Promise<boolean> {
  const link = join(pluginsDir, LINK_NAME);
  if (!(await isSymlink(link))) return false;
  await rm(link);
  return true;
}
