// The floor: the cheapest code that loads a folder of plugins without
// Augment's checks. It reads each plugin.manifest.json with the callback API,
// JSON.parses it and import()s (ESM) or require()s (CommonJS) the entry
// point, all plugins in parallel, and keeps the exports that pass the same
// type guard the Augment host is given.
import { readFile, readdir } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * The type guard both sides use: what a host checks its plugins with.
 *
 * @param {unknown} value
 * @returns {boolean}
 */
export const isBenchPlugin = (value) =>
  typeof value === 'object' &&
  value !== null &&
  typeof (/** @type {{ greet?: unknown }} */ (value).greet) === 'function' &&
  typeof (/** @type {{ summarize?: unknown }} */ (value).summarize) === 'function';

/**
 * @param {string} file
 * @returns {Promise<string>}
 */
const readText = (file) =>
  new Promise((resolve, reject) => {
    readFile(file, 'utf8', (error, text) => {
      if (error) reject(error);
      else resolve(text);
    });
  });

/**
 * @param {string} dir
 * @returns {Promise<import('node:fs').Dirent[]>}
 */
const list = (dir) =>
  new Promise((resolve, reject) => {
    readdir(dir, { withFileTypes: true }, (error, entries) => {
      if (error) reject(error);
      else resolve(entries);
    });
  });

/**
 * Loads one plugin directory the cheapest way.
 *
 * @param {string} dir - the plugin directory
 * @param {'esm' | 'cjs'} format - known in advance: the floor is written for its folder
 * @returns {Promise<{ name: string, plugin: unknown }>}
 */
export async function loadPluginDir(dir, format) {
  const manifest = JSON.parse(await readText(join(dir, 'plugin.manifest.json')));
  const entry = join(dir, manifest.entryPoint);
  let plugin;
  if (format === 'esm') {
    const namespace = await import(pathToFileURL(entry).href);
    plugin = 'default' in namespace ? namespace.default : namespace;
  } else {
    const exports = require(entry);
    plugin = exports?.__esModule && 'default' in exports ? exports.default : exports;
  }
  return { name: manifest.name, plugin };
}

/**
 * Loads every plugin directory of `folder` (its immediate children).
 *
 * @param {string} folder
 * @param {'esm' | 'cjs'} format
 * @returns {Promise<Map<string, unknown>>} name → export, for those that pass the guard
 */
export async function loadFolder(folder, format) {
  folder = resolve(folder);
  const entries = await list(folder);
  const loaded = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => loadPluginDir(join(folder, entry.name), format)),
  );
  const registry = new Map();
  for (const { name, plugin } of loaded) if (isBenchPlugin(plugin)) registry.set(name, plugin);
  return registry;
}

/**
 * The floor's loop with at most `inFlight` plugins loading at once: the
 * plugin directories of `folder` (its immediate children) taken in turn by
 * `inFlight` lanes.
 *
 * @param {string} folder
 * @param {'esm' | 'cjs'} format
 * @param {number} inFlight
 * @param {(loaded: { name: string, plugin: unknown }) => void} [onLoaded] - called as each plugin loads
 * @returns {Promise<void>}
 */
export async function loadFolderBounded(folder, format, inFlight, onLoaded) {
  folder = resolve(folder);
  const dirs = (await list(folder))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => join(folder, entry.name));
  let next = 0;
  const lane = async () => {
    while (next < dirs.length) {
      const loaded = await loadPluginDir(/** @type {string} */ (dirs[next++]), format);
      onLoaded?.(loaded);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}
