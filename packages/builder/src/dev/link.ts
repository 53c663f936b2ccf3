// `augment link` / `unlink`: the project's dist/ in a host's plugin folder,
// under the plugin's name: a symlink (a junction on Windows), or a marked
// copy where links cannot be made.
import { lstat, readlink, realpath, rm, rmdir, stat, symlink, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BUILD_ERROR_CODES, buildError, describe } from '../errors.js';
import { isOurCopy, placeCopy } from './link-copy.js';

/** How a link was made. */
export type LinkKind = 'symlink' | 'junction' | 'copy';

/** What {@link linkDist} and {@link unlinkDist} work on. */
export interface LinkTarget {
  /** The host's plugin folder (absolute). */
  readonly folder: string;
  /** The project's `dist/` (absolute). */
  readonly dist: string;
  /** The plugin's name, e.g. `my-plugin` or `@acme/my-plugin`. */
  readonly plugin: string;
}

/** What is at the link's place. */
export type EntryState =
  | { readonly kind: 'free' }
  | { readonly kind: 'ours'; readonly link: LinkKind }
  | { readonly kind: 'taken'; readonly what: string };

/**
 * The entry name of a plugin in a host's folder: its name, with a scoped
 * `@scope/name` written `@scope+name` (a folder entry cannot hold `/`, and a
 * plugin name cannot hold `+`, so two plugins never get the same entry).
 *
 * @param plugin - the plugin's name
 */
export function linkName(plugin: string): string {
  return plugin.replace('/', '+');
}

/** The absolute path of the link. */
export function linkPath(target: LinkTarget): string {
  return join(target.folder, linkName(target.plugin));
}

/**
 * Fails unless `folder` is an existing folder.
 *
 * @throws {BuildError} `AUG_BUILD_LINK_FOLDER`
 */
export async function requireFolder(folder: string): Promise<void> {
  const stats = await stat(folder).catch(() => undefined);
  if (stats?.isDirectory() === true) return;
  throw buildError(
    BUILD_ERROR_CODES.LINK_FOLDER,
    stats === undefined
      ? `The host plugin folder ${folder} does not exist.`
      : `${folder} is not a folder: the link goes into the host's plugin folder.`,
    [],
    "Pass the folder the host loads its plugins from (the PluginHost's `folder`), e.g. augment link ../my-host/plugins; create it first if the host has not yet.",
    { file: folder },
  );
}

/** Whether the link at `entry` leads to `dist`. */
async function leadsTo(entry: string, dist: string, target: string): Promise<boolean> {
  if (resolve(entry, '..', target) === dist) return true;
  const [real, realDist] = await Promise.all([
    realpath(entry).catch(() => undefined),
    realpath(dist).catch(() => undefined),
  ]);
  return real !== undefined && real === realDist;
}

/**
 * What is at the link's place: nothing, our link or copy of this `dist/`, or
 * something else (described for the error).
 */
export async function entryState(target: LinkTarget): Promise<EntryState> {
  const entry = linkPath(target);
  const stats = await lstat(entry).catch(() => undefined);
  if (stats === undefined) {
    // the host would find the plugin twice: in the archive and through the link
    const archive = await lstat(`${entry}.zip`).catch(() => undefined);
    if (archive === undefined) return { kind: 'free' };
    return {
      kind: 'taken',
      what: `free, but ${basename(entry)}.zip beside it holds the plugin already`,
    };
  }
  if (stats.isSymbolicLink()) {
    const to = await readlink(entry);
    if (await leadsTo(entry, target.dist, to)) {
      return { kind: 'ours', link: process.platform === 'win32' ? 'junction' : 'symlink' };
    }
    return { kind: 'taken', what: `a link to ${resolve(entry, '..', to)}` };
  }
  if (stats.isDirectory()) {
    if (await isOurCopy(entry, target.dist)) return { kind: 'ours', link: 'copy' };
    return { kind: 'taken', what: 'a folder (not a link made by augment for this project)' };
  }
  const zip = entry.toLowerCase().endsWith('.zip');
  return { kind: 'taken', what: zip ? 'a plugin archive' : 'a file' };
}

function takenError(entry: string, what: string, doing: 'link' | 'unlink') {
  return buildError(
    BUILD_ERROR_CODES.LINK_TAKEN,
    `${entry} is ${what}; ${doing === 'link' ? 'nothing was linked' : 'it was left as it is'}.`,
    [],
    doing === 'link'
      ? 'Move or remove it yourself if it is an old copy of this plugin (or unlink the other project: augment unlink <folder> <project>), then link again.'
      : 'augment unlink removes only the link or copy augment link made for this project.',
    { file: entry },
  );
}

/** Whether links are to be replaced by copies: only for tests of the copy path. */
function copiesForced(): boolean {
  return process.env.AUGMENT_LINK_COPY === '1';
}

function isLinkRefusal(error: unknown): boolean {
  const code: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return code === 'EPERM' || code === 'EACCES' || code === 'ENOTSUP';
}

/**
 * Links `dist` into the host's folder as {@link linkPath}: a symlink (a
 * junction on Windows), or a copy marked as augment's where the file system
 * refuses links (EPERM, EACCES, ENOTSUP). Idempotent: a link already there
 * for this `dist/` is kept (and a copy refreshed).
 *
 * @returns how the link is made, and whether it was already there
 * @throws {BuildError} `AUG_BUILD_LINK_TAKEN` when the name is taken by
 *   anything else; `AUG_BUILD_LINK_FAILED` when the link cannot be made
 */
export async function linkDist(
  target: LinkTarget,
): Promise<{ entry: string; kind: LinkKind; already: boolean }> {
  const entry = linkPath(target);
  const state = await entryState(target);
  if (state.kind === 'taken') throw takenError(entry, state.what, 'link');
  if (state.kind === 'ours') {
    if (state.link === 'copy') await placeCopy(entry, target.dist);
    return { entry, kind: state.link, already: true };
  }
  const kind: LinkKind = process.platform === 'win32' ? 'junction' : 'symlink';
  try {
    if (copiesForced()) throw Object.assign(new Error('copies forced'), { code: 'ENOTSUP' });
    await symlink(target.dist, entry, kind === 'junction' ? 'junction' : 'dir');
    return { entry, kind, already: false };
  } catch (error) {
    if (!isLinkRefusal(error)) throw failedError(entry, 'link', error);
  }
  try {
    await placeCopy(entry, target.dist);
  } catch (error) {
    throw failedError(entry, 'copy', error);
  }
  return { entry, kind: 'copy', already: false };
}

/**
 * Removes the link (or the copy) {@link linkDist} made; anything else is left.
 *
 * @returns whether something was removed (false when nothing was there)
 * @throws {BuildError} `AUG_BUILD_LINK_TAKEN` when the entry is not ours;
 *   `AUG_BUILD_LINK_FAILED` when it cannot be removed
 */
export async function unlinkDist(target: LinkTarget): Promise<{ entry: string; removed: boolean }> {
  const entry = linkPath(target);
  if ((await lstat(entry).catch(() => undefined)) === undefined) return { entry, removed: false };
  const state = await entryState(target);
  if (state.kind === 'free') return { entry, removed: false };
  if (state.kind === 'taken') throw takenError(entry, state.what, 'unlink');
  try {
    if (state.link === 'copy') {
      await rm(entry, { recursive: true, force: true, maxRetries: 3 });
    } else {
      // a junction or a directory symlink on Windows is removed as a folder
      await unlink(entry).catch(() => rmdir(entry));
    }
  } catch (error) {
    throw failedError(entry, 'remove', error);
  }
  return { entry, removed: true };
}

function failedError(entry: string, doing: 'link' | 'copy' | 'remove', error: unknown) {
  const what = doing === 'remove' ? 'could not be removed' : `could not be made (${doing})`;
  return buildError(
    BUILD_ERROR_CODES.LINK_FAILED,
    `${entry} ${what}: ${describe(error)}.`,
    [],
    "Check that you may write to the host's plugin folder.",
    { file: entry, cause: error },
  );
}
