// Runs in doctor's child process: the host options of a `--setup` module.
import { pathToFileURL } from 'node:url';

/**
 * The host options a `--setup` module exports: its default export, or a named
 * `options` export; a function (sync or async) is called for them.
 *
 * @param file - absolute path of the module
 * @throws Error naming the module and what it should export
 */
export async function loadSetupOptions(file: string): Promise<Record<string, unknown>> {
  const namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  let value = namespace['default'] ?? namespace['options'];
  if (typeof value === 'function') value = await (value as () => unknown)();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `${file} exports no host options. Export them as the default export or as "options": ` +
        'export default { validator, onLoad, onUnload } (doctor sets "folder" itself).',
    );
  }
  return { ...(value as Record<string, unknown>) };
}
