/** Files of a plugin directory, for {@link writeFiles}. */
export type PluginFiles = Record<string, string | object>;

interface PluginOptions {
  version?: string;
  entryPoint?: string;
  meta?: Record<string, unknown>;
  manifest?: Record<string, unknown>;
  files?: PluginFiles;
}

function manifestOf(name: string, entryPoint: string, options: PluginOptions): object {
  return {
    name,
    version: options.version ?? '1.0.0',
    entryPoint,
    meta: options.meta ?? {},
    ...options.manifest,
  };
}

/** An ES module plugin (`index.mjs`) whose default export greets. */
export function esmPlugin(name: string, source?: string, options: PluginOptions = {}): PluginFiles {
  const entryPoint = options.entryPoint ?? './index.mjs';
  return {
    'plugin.manifest.json': manifestOf(name, entryPoint, options),
    [entryPoint]:
      source ?? `export default { greet: (who) => ${JSON.stringify(`${name} greets `)} + who };\n`,
    ...options.files,
  };
}

/** A CommonJS plugin (`index.cjs`) whose module.exports greets. */
export function cjsPlugin(name: string, source?: string, options: PluginOptions = {}): PluginFiles {
  const entryPoint = options.entryPoint ?? './index.cjs';
  return {
    'plugin.manifest.json': manifestOf(name, entryPoint, options),
    [entryPoint]:
      source ??
      `module.exports = { greet: (who) => ${JSON.stringify(`${name} greets `)} + who };\n`,
    ...options.files,
  };
}

/** Prefixes every path of a plugin's files with its folder name. */
export function inFolder(folder: string, files: PluginFiles): PluginFiles {
  return Object.fromEntries(
    Object.entries(files).map(([path, content]) => [`${folder}/${path}`, content]),
  );
}

/** A type guard source for the scripts: a plugin has `greet(name): string`. */
export const IS_GREETER = `(p) => typeof p === 'object' && p !== null && typeof p.greet === 'function'`;
