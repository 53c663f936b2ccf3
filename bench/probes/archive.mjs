// One start of a host over a folder of .zip plugins, in a fresh process.
//
//   node probes/archive.mjs augment <zip folder> <cache dir> <N> <expected extracted>
//     new PluginHost({ folder, cacheDir }) + reload(); checks how many archives it extracted
//   node probes/archive.mjs floor <zip folder> <out dir> <N>
//     the floor: `unzip` each archive into <out dir>/<name>/ (one shell loop), then the
//     floor's loop over the extracted folders
// Prints one JSON line: { ms, loaded, extracted? }.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { isBenchPlugin, loadFolder } from '../lib/floor.mjs';
import { importCore } from '../lib/core.mjs';

const [side, folder, target, countText, extractedText] = process.argv.slice(2);
const count = Number(countText);
let result;
if (side === 'augment') {
  const { PluginHost } = await importCore();
  const started = performance.now();
  const host = new PluginHost({
    folder,
    cacheDir: target,
    validator: isBenchPlugin,
    logger: false,
  });
  const report = await host.reload();
  const ms = performance.now() - started;
  if (report.failed.length > 0) throw new Error(report.failed[0].message);
  if (report.extracted.length !== Number(extractedText)) {
    throw new Error(`extracted ${report.extracted.length} archives, expected ${extractedText}`);
  }
  result = { ms, loaded: host.getAll().length, extracted: report.extracted.length };
} else if (side === 'floor') {
  mkdirSync(target, { recursive: true });
  const started = performance.now();
  // One shell runs every unzip: a fork and exec per archive, nothing more.
  const script =
    'for f in "$1"/*.zip; do n=${f##*/}; unzip -q -o "$f" -d "$2/${n%.zip}" || exit 1; done';
  const unzip = spawnSync('sh', ['-c', script, 'sh', folder, target], { stdio: 'inherit' });
  if (unzip.status !== 0) throw new Error(`unzip failed with status ${unzip.status}`);
  const registry = await loadFolder(target, 'esm');
  result = { ms: performance.now() - started, loaded: registry.size };
} else {
  throw new Error(`bad side ${side}`);
}
if (result.loaded !== count) throw new Error(`loaded ${result.loaded} plugins, expected ${count}`);
console.log(JSON.stringify(result));
