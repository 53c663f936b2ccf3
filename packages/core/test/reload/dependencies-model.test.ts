// Random plugin folders whose plugins depend on each other (DAGs, cycles,
// wrong versions, broken imports), changed between reloads and switched off
// and on, through a real PluginHost: at every event the registry satisfies
// every dependency and nobody holds a version that was unloaded, and after
// each reload what serves is what the rules say.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PluginHost, type PluginEntry } from '../../src/index.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';
import { checkEnd, scansArb, type Spec } from '../helpers/dependency-model.js';

let writes = 0;

async function writePlugin(folder: string, name: string, spec: Spec): Promise<void> {
  const dir = join(folder, name);
  await mkdir(dir, { recursive: true });
  writes += 1;
  const body = spec.fails
    ? `throw new Error('${name} is broken');`
    : `${spec.ticks > 0 ? `await new Promise((r) => setTimeout(r, ${String(spec.ticks * 3)}));\n` : ''}export default { name: '${name}' };`;
  await writeFile(join(dir, 'index.mjs'), `// write ${String(writes)}\n${body}\n`);
  await writeFile(
    join(dir, 'plugin.manifest.json'),
    JSON.stringify({
      name,
      version: spec.version,
      entryPoint: './index.mjs',
      pluginDependencies: spec.requires,
      optionalPluginDependencies: spec.optional,
    }),
  );
}

describe('dependencies through a real host, on random folders', () => {
  it('keeps the registry consistent at every event and ends where the rules say', async () => {
    await fc.assert(
      fc.asyncProperty(scansArb, async (scans) => {
        const root = await makeTempDir('dependency-model');
        const folder = join(root, 'plugins');
        await mkdir(folder);
        const problems: string[] = [];
        const unloaded = new WeakSet<PluginEntry>();
        const check = (when: string): void => {
          for (const entry of host.getAll()) {
            for (const [dep, held] of Object.entries(entry.dependencies)) {
              if (host.get(dep) !== held)
                problems.push(`${when}: ${entry.manifest.name} holds a stale ${dep}`);
              if (unloaded.has(held))
                problems.push(`${when}: ${entry.manifest.name} holds unloaded ${dep}`);
            }
          }
        };
        // started and not yet stopped: onLoad must come after the plugins an
        // entry depends on, onUnload after the plugins that depend on it
        const live = new Set<PluginEntry>();
        const host: PluginHost = new PluginHost({
          folder,
          logger: false,
          onLoad: (entry) => {
            for (const [dep, held] of Object.entries(entry.dependencies)) {
              if (!live.has(held)) problems.push(`onLoad ${entry.manifest.name} before its ${dep}`);
            }
            live.add(entry);
          },
          onUnload: (entry) => {
            for (const other of live) {
              if (other !== entry && Object.values(other.dependencies).includes(entry)) {
                problems.push(
                  `onUnload ${entry.manifest.name} before its dependent ${other.manifest.name}`,
                );
              }
            }
            live.delete(entry);
            unloaded.add(entry);
            check(`onUnload ${entry.manifest.name}`);
          },
        });
        host.on('plugin:loaded', ({ entry }) => {
          check(`loaded ${entry.manifest.name}`);
        });
        try {
          let written = new Map<string, Spec>();
          let disabled = new Set<string>();
          for (const scan of scans) {
            for (const name of disabled) if (!scan.disabled.has(name)) await host.enable(name);
            for (const name of scan.disabled) if (!disabled.has(name)) await host.disable(name);
            disabled = new Set(scan.disabled);
            for (const [name, spec] of scan.world) {
              if (JSON.stringify(written.get(name)) !== JSON.stringify(spec)) {
                await writePlugin(folder, name, spec);
              }
            }
            for (const name of written.keys()) {
              if (!scan.world.has(name)) await rm(join(folder, name), { recursive: true });
            }
            written = new Map(scan.world);
            const before = new Map(host.getAll().map((e) => [e.manifest.name, e]));
            const report = await host.reload();
            check('after reload');
            const cycles = new Set(
              report.failed
                .filter((f) => f.code === ERROR_CODES.DEPENDENCY_CYCLE)
                .map((f) => f.name ?? ''),
            );
            const view = { get: (name: string) => host.get(name), entries: () => host.getAll() };
            problems.push(...checkEnd(view, scan, before, cycles));
            expect(problems).toEqual([]);
          }
          await host.close();
          expect(problems).toEqual([]);
          expect(live.size).toBe(0);
        } finally {
          await host.close();
          await removeDir(root);
        }
      }),
      { numRuns: 60 },
    );
  });
});
