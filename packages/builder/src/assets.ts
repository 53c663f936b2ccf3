import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MANIFEST_FILE } from '@augment/core';
import type { BundleOutput } from './bundle.js';
import { BUILD_ERROR_CODES, buildError } from './errors.js';

/** The entry point every built plugin has, relative to `dist/`. */
export const DIST_ENTRY = './index.js';

/** What goes into `dist/` besides the bundle. */
export interface StageInput {
  /** The bundle and its map. */
  readonly bundle: BundleOutput;
  /** The project's manifest as parsed JSON (its key order is kept). */
  readonly manifestJson: Readonly<Record<string, unknown>>;
  /** Name and version for `dist/package.json`. */
  readonly name: string;
  readonly version: string;
  readonly format: 'esm' | 'cjs';
  /** The project's `assets/` folder, copied when it exists. */
  readonly assetsDir: string;
}

/**
 * Makes an empty staging folder beside `distDir` (same parent, so that the
 * rename that publishes it stays on one file system). Made with `mkdir`, not
 * `mkdtemp`: its mode follows the umask (0755 under 022) like every folder
 * and file of `dist/`, where `mkdtemp` makes 0700, and a `dist/` copied into
 * a host's folder must be readable by a host running as another user.
 *
 * @param distDir - the final `dist/`
 */
export async function makeStage(distDir: string): Promise<string> {
  for (;;) {
    const stage = join(
      dirname(distDir),
      `.${basename(distDir)}-stage-${randomBytes(6).toString('hex')}`,
    );
    try {
      await mkdir(stage);
      return stage;
    } catch (error) {
      if (!isErrorCode(error, 'EEXIST')) throw error;
    }
  }
}

/**
 * Writes a built plugin into `stage`: `index.js` (and `index.js.map`),
 * `package.json` with the module `type` (so the output loads as its format
 * wherever it is put), `plugin.manifest.json` with `entryPoint` set to
 * `./index.js`, and `assets/` when the project has one.
 *
 * @param stage - an empty folder
 * @param input - what to write
 * @returns the manifest JSON as written
 */
export async function writeStage(
  stage: string,
  input: StageInput,
): Promise<Record<string, unknown>> {
  const manifest = { ...input.manifestJson, entryPoint: DIST_ENTRY };
  const pkg = {
    name: input.name,
    version: input.version,
    private: true,
    type: input.format === 'esm' ? 'module' : 'commonjs',
  };
  await writeFile(join(stage, 'index.js'), input.bundle.js);
  if (input.bundle.map !== undefined)
    await writeFile(join(stage, 'index.js.map'), input.bundle.map);
  await writeFile(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await writeFile(join(stage, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  if (await isDirectory(input.assetsDir)) await copyAssets(input.assetsDir, join(stage, 'assets'));
  return manifest;
}

/**
 * Copies `assets/` into the stage. Symlinks are copied as the files they
 * point to (archives cannot hold links); every file and folder is made anew,
 * so its mode follows the umask, not the source's (a 0600 asset would be
 * unreadable to a host running as another user). An executable stays
 * executable. Anything else (a FIFO, a socket, a device, or a symlink to one)
 * is refused before it is opened: reading a FIFO or /dev/zero never ends.
 *
 * @throws {BuildError} `AUG_BUILD_OUTPUT_INVALID` naming the special file
 */
async function copyAssets(from: string, to: string): Promise<void> {
  await mkdir(to);
  for (const name of await readdir(from)) {
    const source = join(from, name);
    const stats = await stat(source);
    if (stats.isDirectory()) {
      await copyAssets(source, join(to, name));
    } else if (stats.isFile()) {
      const mode = (stats.mode & 0o111) === 0 ? 0o666 : 0o777;
      await writeFile(join(to, name), await readFile(source), { mode });
    } else {
      throw await specialFileError(source, stats);
    }
  }
}

/** The error for an asset that is neither a file nor a folder (`stats` of what it resolves to). */
async function specialFileError(path: string, stats: Stats) {
  const kind = stats.isFIFO()
    ? 'a FIFO (named pipe)'
    : stats.isSocket()
      ? 'a socket'
      : stats.isCharacterDevice()
        ? 'a character device'
        : stats.isBlockDevice()
          ? 'a block device'
          : 'a special file';
  const link = await lstat(path);
  const what = link.isSymbolicLink() ? `a symlink to ${await readlink(path)}, ${kind}` : kind;
  return buildError(
    BUILD_ERROR_CODES.OUTPUT_INVALID,
    `${path} is ${what}, not a regular file: the build copies only files and folders from assets/ into dist/assets/.`,
    [],
    'Remove it or replace it with a regular file.',
    { file: path },
  );
}

/**
 * Removes a folder and everything in it; never rejects.
 *
 * @param dir - the folder
 */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === code;
}
