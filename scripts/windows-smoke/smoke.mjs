// Runs under Windows (node.exe in wine), started by scripts/windows-smoke.mjs:
//   node.exe smoke.mjs <config.json>
// For each scenario of the config it loads the built @augment/core (the CJS
// build through require(), as a CommonJS host does, the ESM build through
// import()), loads a folder of plugins given as a Windows path, changes them
// and reloads, and writes what it saw to the result file. It asserts nothing:
// the Linux side checks the result (check.mjs).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const started = performance.now();

const isGreeter = (value) => typeof value === 'object' && typeof value?.greet === 'function';

/** Loads one build of core: `cjs` with require(), `esm` with import(). */
async function loadCore(kind) {
  if (kind === 'cjs') return createRequire(import.meta.url)(config.coreCjs);
  return import(pathToFileURL(config.coreEsm).href);
}

/** What a reload did and what the host serves afterwards. */
function snapshot(host, report) {
  return {
    added: report.added,
    updated: report.updated,
    removed: report.removed,
    unchanged: report.unchanged,
    kept: report.kept,
    extracted: report.extracted,
    failed: report.failed.map((f) => `${f.code} ${f.name ?? f.source}: ${f.message}`),
    plugins: host.getAll().map((entry) => ({
      name: entry.manifest.name,
      format: entry.format,
      origin: entry.origin,
      dir: entry.dir,
      source: entry.source,
      greeting: entry.plugin.greet('windows'),
    })),
  };
}

/** Replaces `v1` with `v2` in a plugin file, as an editor would save it. */
function bump(file) {
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('v1', 'v2'));
}

async function runScenario(scenario) {
  const steps = [];
  const step = async (name, action) => {
    const t = performance.now();
    const value = await action();
    steps.push({ name, ms: Math.round(performance.now() - t) });
    return value;
  };
  const folder = path.join(scenario.root, 'plugins with spaces');
  const cacheDir = path.join(scenario.root, 'zip cache');
  const out = { name: scenario.name, core: scenario.core, folder, cacheDir, steps };
  try {
    await step('copy fixtures', () => {
      fs.rmSync(scenario.root, { recursive: true, force: true });
      fs.cpSync(path.join(config.template, 'plugins'), folder, { recursive: true });
    });
    const core = await step(`load ${scenario.core} core`, () => loadCore(scenario.core));
    const host = new core.PluginHost({
      folder,
      cacheDir,
      validator: isGreeter,
      logger: false,
      loadTimeoutMs: 60_000,
    });
    out.first = await step('first reload', async () => snapshot(host, await host.reload()));
    await step('change files', () => {
      bump(path.join(folder, 'esm-greeter', 'message.js'));
      bump(path.join(folder, 'cjs-greeter', 'message.cjs'));
      fs.copyFileSync(
        path.join(config.template, 'updates', 'zip-greeter.zip'),
        path.join(folder, 'zip-greeter.zip'),
      );
    });
    out.changed = await step('reload changed', async () => snapshot(host, await host.reload()));
    out.unchanged = await step('reload unchanged', async () => snapshot(host, await host.reload()));
    fs.rmSync(path.join(folder, 'cjs-greeter'), { recursive: true });
    out.removed = await step('reload removed', async () => snapshot(host, await host.reload()));
    await step('close', () => host.close());
  } catch (error) {
    out.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  return out;
}

async function main() {
  const result = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    release: os.release(),
    execPath: process.execPath,
    scenarios: [],
  };
  for (const scenario of config.scenarios) result.scenarios.push(await runScenario(scenario));
  result.totalMs = Math.round(performance.now() - started);
  fs.writeFileSync(config.result, JSON.stringify(result, null, 2));
}

main().catch((error) => {
  fs.writeFileSync(config.result, JSON.stringify({ error: String(error?.stack ?? error) }));
  process.exitCode = 1;
});
