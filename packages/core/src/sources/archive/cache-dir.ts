import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashString } from '../../util/string-hash.js';

/**
 * The default cache directory for a plugin folder:
 * `node_modules/.cache/augment/<hash of the folder>` under the working
 * directory, so bare imports from extracted plugins resolve through the host's
 * own `node_modules`; a folder under the OS temp dir where there is no
 * `node_modules`. Two folders never share a cache directory.
 *
 * @param folder - absolute path of the plugin folder
 * @param cwd - the host's working directory
 */
export function defaultCacheDir(folder: string, cwd = process.cwd()): string {
  const key = hashString(resolve(folder));
  const modules = join(cwd, 'node_modules');
  return existsSync(modules)
    ? join(modules, '.cache', 'augment', key)
    : join(tmpdir(), 'augment-cache', key);
}
