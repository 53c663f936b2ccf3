// Generates benchmark plugins: the same realistic entry point (a few KB of
// esbuild output, with the builder's banner) for every plugin, each with its
// own id, in the layout `augment build` writes (plugin.manifest.json,
// package.json with "type", index.js, and index.js.map when asked).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Placeholder replaced by each plugin's id; same length as an id, so source maps stay valid. */
const PLACEHOLDER = '__ID__';

/**
 * The plugin id of index `i`: six characters, like the placeholder.
 *
 * @param {number} i - zero-based index
 * @returns {string}
 */
export const pluginId = (i) => `p${String(i).padStart(5, '0')}`;

/** TypeScript source of the template plugin: what a small real plugin looks like. */
export const TEMPLATE_TS = `
export interface Order { id: string; lines: { sku: string; quantity: number; price: number }[]; country: string }
export interface Summary { id: string; total: number; tax: number; items: number; plugin: string }

const PLUGIN_ID = '${PLACEHOLDER}';
// Counts evaluations, so a benchmark can tell how many modules a reload ran.
const counter = globalThis as { __augmentBenchEvaluations?: number };
counter.__augmentBenchEvaluations = (counter.__augmentBenchEvaluations ?? 0) + 1;
const TAX_RATES: Record<string, number> = {
  AT: 0.2, BE: 0.21, BG: 0.2, CY: 0.19, CZ: 0.21, DE: 0.19, DK: 0.25, EE: 0.22, ES: 0.21, FI: 0.24,
  FR: 0.2, GR: 0.24, HR: 0.25, HU: 0.27, IE: 0.23, IT: 0.22, LT: 0.21, LU: 0.17, LV: 0.21, MT: 0.18,
  NL: 0.21, PL: 0.23, PT: 0.23, RO: 0.19, SE: 0.25, SI: 0.22, SK: 0.2,
};
const GREETINGS = ['Hello', 'Bonjour', 'Hallo', 'Hola', 'Ciao', 'Olá', 'Hej', 'Ahoj', 'Tere', 'Sveiki'];

/** Rounds to cents, half away from zero. */
function roundCents(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value) * 100) / 100;
}

class Ledger {
  readonly #entries = new Map<string, number>();
  add(key: string, amount: number): void {
    this.#entries.set(key, roundCents((this.#entries.get(key) ?? 0) + amount));
  }
  total(): number {
    let sum = 0;
    for (const value of this.#entries.values()) sum += value;
    return roundCents(sum);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

function validateOrder(order: Order): string[] {
  const problems: string[] = [];
  if (typeof order.id !== 'string' || order.id.length === 0) problems.push('id: required');
  if (!Array.isArray(order.lines)) problems.push('lines: must be an array');
  else {
    order.lines.forEach((line, index) => {
      if (!/^[A-Z0-9-]{3,32}$/.test(line.sku)) problems.push(\`lines.\${index}.sku: invalid\`);
      if (!Number.isInteger(line.quantity) || line.quantity < 1) problems.push(\`lines.\${index}.quantity: must be a positive integer\`);
      if (!(line.price >= 0)) problems.push(\`lines.\${index}.price: must not be negative\`);
    });
  }
  if (!(order.country in TAX_RATES)) problems.push(\`country: \${order.country} is not supported\`);
  return problems;
}

export function summarize(order: Order): Summary {
  const problems = validateOrder(order);
  if (problems.length > 0) throw new Error(\`order \${order.id} is invalid: \${problems.join('; ')}\`);
  const ledger = new Ledger();
  let items = 0;
  for (const line of order.lines) {
    ledger.add(line.sku, line.quantity * line.price);
    items += line.quantity;
  }
  const total = ledger.total();
  const tax = roundCents(total * (TAX_RATES[order.country] ?? 0));
  return { id: order.id, total, tax, items, plugin: PLUGIN_ID };
}

export function greet(name: string): string {
  const greeting = GREETINGS[name.length % GREETINGS.length] ?? 'Hello';
  return \`\${greeting}, \${name}! (from \${PLUGIN_ID})\`;
}

export function describe(): { id: string; countries: number; greetings: number } {
  return { id: PLUGIN_ID, countries: Object.keys(TAX_RATES).length, greetings: GREETINGS.length };
}

export function add(a: number, b: number): number {
  return a + b;
}

export default { id: PLUGIN_ID, greet, summarize, describe, add };
`;

/** The builder's ESM banner (packages/builder/src/bundle.ts): realistic start-up imports. */
const ESM_BANNER = [
  "import { createRequire as __augmentCreateRequire } from 'node:module';",
  "import { fileURLToPath as __augmentFileURLToPath } from 'node:url';",
  "import { dirname as __augmentDirname } from 'node:path';",
  'const require = __augmentCreateRequire(import.meta.url);',
  'const __augment_filename = __augmentFileURLToPath(import.meta.url);',
  'const __augment_dirname = __augmentDirname(__augment_filename);',
].join('\n');
const CJS_BANNER =
  "const __augment_import_meta_url = require('node:url').pathToFileURL(__filename).href;";

/**
 * Bundles the template with esbuild, like `augment build` does.
 *
 * @param {'esm' | 'cjs'} format
 * @returns {Promise<{ js: string, map: string }>} code (with a `//# sourceMappingURL` line) and map
 */
export async function buildTemplate(format) {
  const result = await build({
    stdin: {
      contents: TEMPLATE_TS,
      loader: 'ts',
      sourcefile: 'src/index.ts',
      resolveDir: '/plugin',
    },
    absWorkingDir: '/plugin',
    outfile: '/plugin/dist/index.js',
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: true,
    write: false,
    logLevel: 'silent',
    banner: { js: format === 'esm' ? ESM_BANNER : CJS_BANNER },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text;
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'))?.text;
  if (js === undefined || map === undefined) throw new Error('esbuild produced no output');
  return { js, map };
}

/** @typedef {{ js: string, map: string }} Template */

/**
 * Writes one plugin directory.
 *
 * @param {string} dir - the plugin directory (created)
 * @param {object} options
 * @param {string} options.name - manifest name
 * @param {string} options.id - six-character id put into the code
 * @param {'esm' | 'cjs'} options.format
 * @param {Template} options.template - from {@link buildTemplate}
 * @param {boolean} [options.maps] - write index.js.map and link it
 * @param {string} [options.extra] - code appended to the entry (to make a changed version)
 * @param {Record<string, string>} [options.dependencies] - the manifest's pluginDependencies
 */
export async function writePlugin(
  dir,
  { name, id, format, template, maps = false, extra = '', dependencies },
) {
  await mkdir(dir, { recursive: true });
  let js = template.js.replaceAll(PLACEHOLDER, id);
  if (!maps) js = js.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  js += extra;
  const manifest = {
    name,
    version: '1.0.0',
    entryPoint: './index.js',
    description: `Benchmark plugin ${id}`,
    meta: { id },
    ...(dependencies === undefined ? {} : { pluginDependencies: dependencies }),
  };
  await Promise.all([
    writeFile(join(dir, 'plugin.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`),
    writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' }, null, 2)}\n`,
    ),
    writeFile(join(dir, 'index.js'), js),
    maps ? writeFile(join(dir, 'index.js.map'), template.map.replaceAll(PLACEHOLDER, id)) : null,
  ]);
}

/**
 * Writes `count` plugins into `folder` (emptied first).
 *
 * @param {string} folder
 * @param {object} options
 * @param {number} options.count
 * @param {'esm' | 'cjs'} options.format
 * @param {Template} options.template
 * @param {boolean} [options.maps]
 * @param {'chains' | 'fan-in'} [options.links] - plugin dependencies: chains of
 *   {@link CHAIN_LENGTH} (each plugin requires the one before it), or every plugin
 *   requiring the first
 */
export async function writePluginFolder(folder, { count, format, template, maps = false, links }) {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const batch = 64;
  for (let start = 0; start < count; start += batch) {
    const writes = [];
    for (let i = start; i < Math.min(count, start + batch); i += 1) {
      const id = pluginId(i);
      writes.push(
        writePlugin(join(folder, id), {
          name: `bench-${format}-${id}`,
          id,
          format,
          template,
          maps,
          dependencies: dependenciesOf(i, format, links),
        }),
      );
    }
    await Promise.all(writes);
  }
}

/** Plugins per chain in a folder with `links: 'chains'`. */
export const CHAIN_LENGTH = 10;

/**
 * The pluginDependencies of plugin `i`.
 *
 * @param {number} i
 * @param {'esm' | 'cjs'} format
 * @param {'chains' | 'fan-in' | undefined} links
 * @returns {Record<string, string> | undefined}
 */
function dependenciesOf(i, format, links) {
  if (links === 'chains' && i % CHAIN_LENGTH !== 0) {
    return { [`bench-${format}-${pluginId(i - 1)}`]: '^1.0.0' };
  }
  if (links === 'fan-in' && i > 0) return { [`bench-${format}-${pluginId(0)}`]: '^1.0.0' };
  return undefined;
}
