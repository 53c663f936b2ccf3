// One cold load in a fresh process with a given load timeout, counting the
// plugins that failed (and how many of them timed out) instead of throwing.
//
//   node probes/timeouts.mjs <folder> <expected count> <loadTimeoutMs | default>
// Prints one JSON line: { ms, loaded, failed, timeouts, firstFailure }.
import { isBenchPlugin } from '../lib/floor.mjs';
import { importCore } from '../lib/core.mjs';

const [folder, expected, timeout] = process.argv.slice(2);
if (folder === undefined || expected === undefined || timeout === undefined) {
  throw new Error('usage: timeouts.mjs <folder> <expected count> <loadTimeoutMs | default>');
}
const { PluginHost } = await importCore();
const started = performance.now();
const host = new PluginHost({
  folder,
  validator: isBenchPlugin,
  logger: false,
  ...(timeout === 'default' ? {} : { loadTimeoutMs: Number(timeout) }),
});
const report = await host.reload();
const ms = performance.now() - started;
const loaded = host.getAll().length;
const timeouts = report.failed.filter((f) => f.code === 'AUG_LOAD_TIMEOUT').length;
if (loaded + report.failed.length !== Number(expected)) {
  throw new Error(`${loaded} loaded and ${report.failed.length} failed, expected ${expected}`);
}
console.log(
  JSON.stringify({
    ms,
    loaded,
    failed: report.failed.length,
    timeouts,
    firstFailure: report.failed[0]?.message,
  }),
);
