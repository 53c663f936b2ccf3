// Heap retained over many reloads of a changed 100 KB plugin, after GC.
// Run with --expose-gc.
//
//   node --expose-gc probes/memory.mjs <mode> <cjs|esm> <work dir> <reloads>
// modes: augment      PluginHost.reload() after each change
//        floor        CommonJS: delete from require.cache and drop the module from
//                     its parent's children (the least a correct loop does);
//                     ESM: a bare cache-busting import(url + '?v=' + i)
//        naive        CommonJS only: delete require.cache[file] and require again
// Prints one JSON line: { retained, perReload, rssDelta, moduleBytes } (bytes).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importCore } from '../lib/core.mjs';

const [mode, format, work, reloadsText] = process.argv.slice(2);
const reloads = Number(reloadsText);
const WARMUP = 10;
const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
if (gc === undefined) throw new Error('run with --expose-gc');

/**
 * A plugin of about 100 KB of code whose export holds every function, so a
 * retained version keeps all of it; each version differs.
 *
 * @param {number} version
 * @returns {string}
 */
function big(version) {
  let out = 'const fns = [];\n';
  for (let i = 0; out.length < 100_000; i += 1) {
    out += `fns.push(function f${i}(a) { return a * ${i} + ${version}; });\n`;
  }
  const value = `{ version: ${version}, fns, greet: () => 'v${version}' }`;
  // Consecutive versions differ in size: two rewrites within one tick of the file system's
  // clock, onto a reused inode, would otherwise look the same to a size/mtime/inode check.
  const pad = version % 2 === 0 ? '' : ' ';
  return `${out}${format === 'esm' ? 'export default' : 'module.exports ='} ${value};${pad}\n`;
}

const dir = join(work, 'plugins', 'big');
mkdirSync(dir, { recursive: true });
const entry = join(dir, 'index.js');
writeFileSync(
  join(dir, 'plugin.manifest.json'),
  JSON.stringify({ name: 'big', version: '1.0.0', entryPoint: './index.js' }),
);
writeFileSync(
  join(dir, 'package.json'),
  JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' }),
);
/** @param {number} version */
const write = (version) => {
  // a new file renamed into place, as editors and builders do
  writeFileSync(`${entry}.tmp`, big(version));
  renameSync(`${entry}.tmp`, entry);
};
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** @type {(version: number) => Promise<unknown>} */
let load;
if (mode === 'augment') {
  const { PluginHost } = await importCore();
  const host = new PluginHost({ folder: join(work, 'plugins'), logger: false });
  load = async (version) => {
    const report = await host.reload();
    const plugin = /** @type {{ version?: number } | undefined} */ (host.get('big')?.plugin);
    if (report.failed.length > 0 || plugin?.version !== version) {
      throw new Error(`reload ${version} failed: ${report.failed[0]?.message ?? 'old version'}`);
    }
    return plugin;
  };
} else if (format === 'cjs' && (mode === 'floor' || mode === 'naive')) {
  // The host's own module requires the plugin: it becomes the plugin's parent.
  const hostRequire = createRequire(join(work, 'host.cjs'));
  load = async (version) => {
    const cached = hostRequire.cache[entry];
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the naive reload loop itself
    delete hostRequire.cache[entry];
    if (mode === 'floor' && cached?.parent) {
      cached.parent.children = cached.parent.children.filter((child) => child !== cached);
    }
    const plugin = hostRequire(entry);
    if (plugin.version !== version) throw new Error('old version');
    return plugin;
  };
} else if (format === 'esm' && mode === 'floor') {
  const url = pathToFileURL(entry).href;
  load = async (version) => {
    const plugin = (await import(`${url}?v=${version}`)).default;
    if (plugin.version !== version) throw new Error('old version');
    return plugin;
  };
} else {
  throw new Error(`bad mode ${mode} for ${format}`);
}

/** @type {unknown} */
let current;
for (let version = 0; version < WARMUP; version += 1) {
  write(version);
  current = await load(version);
}
const before = heap();
const rssBefore = process.memoryUsage().rss;
for (let version = WARMUP; version < WARMUP + reloads; version += 1) {
  write(version);
  current = await load(version);
}
const retained = heap() - before;
const rssDelta = process.memoryUsage().rss - rssBefore;
if (current === undefined) throw new Error('nothing loaded');
console.log(
  JSON.stringify({
    retained,
    perReload: retained / reloads,
    rssDelta,
    moduleBytes: Buffer.byteLength(big(WARMUP + reloads - 1)),
  }),
);
process.exit(0);
