import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The folder of this package: `examples/host` (the compiled files live in its `dist/`). */
export const HOST_DIR = fileURLToPath(new URL('..', import.meta.url));

/** What the demo was asked to do, every path absolute. */
export interface DemoOptions {
  /** Keep running: link the example plugin, run `augment watch` on it, reload on changes. */
  readonly watch: boolean;
  /** The host's plugin folder. */
  readonly pluginsDir: string;
  /** The example plugin's project folder (its `release.zip` is installed, its folder linked). */
  readonly exampleDir: string;
  /** Where `.zip` plugins are extracted; `undefined` leaves the choice to `@augment/core`. */
  readonly cacheDir: string | undefined;
  /** Print the usage and exit. */
  readonly help: boolean;
}

export const USAGE = `Usage: node examples/host/dist/main.js [options]

Loads the greeter plugins of a folder with @augment/core, prints what loaded
and what failed, and calls every greeter.

Options:
  --watch            keep running: link the example plugin's folder into the
                     plugins folder, rebuild it with \`augment watch\`, and reload
                     the host on every change (Ctrl-C to stop)
  --plugins <dir>    the plugins folder (default: examples/host/plugins)
  --example <dir>    the example plugin's project (default: packages/example-plugin)
  --cache-dir <dir>  where .zip plugins are extracted
                     (default: node_modules/.cache/augment/example-host)
  -h, --help         show this help`;

/** The nearest `node_modules` folder at or above `dir`, as Node would search for packages. */
function findNodeModules(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Parses the demo's command line. Relative paths are taken from the folder
 * the user ran npm in (`INIT_CWD`), not from the workspace npm switched to.
 *
 * @throws TypeError for an unknown flag or a missing value
 */
export function parseDemoArgs(args: readonly string[], env = process.env): DemoOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      watch: { type: 'boolean', default: false },
      plugins: { type: 'string' },
      example: { type: 'string' },
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const base = env['INIT_CWD'] ?? process.cwd();
  const nodeModules = findNodeModules(HOST_DIR);
  const cacheDir = values['cache-dir'];
  return {
    watch: values.watch,
    pluginsDir: resolve(base, values.plugins ?? join(HOST_DIR, 'plugins')),
    exampleDir: resolve(base, values.example ?? join(HOST_DIR, '../../packages/example-plugin')),
    cacheDir:
      cacheDir !== undefined
        ? resolve(base, cacheDir)
        : nodeModules === undefined
          ? undefined
          : join(nodeModules, '.cache', 'augment', 'example-host'),
    help: values.help,
  };
}
