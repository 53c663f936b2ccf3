// Writes a folder of generated hostile plugins beside good ones, and checks
// what a host made of them.

import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { FailureStage } from '../../src/index.js';
import { zipBytes, nextToken } from './chaos-folder.js';
import { writeFiles } from './fixtures.js';
import {
  exportStash,
  greeterSource,
  hostilePlugin,
  hostileShapeArbitrary,
  stashSource,
  type HostilePlugin,
  type HostileShape,
} from './hostile-values.js';
import { cjsPlugin, esmPlugin, inFolder, type PluginFiles } from './plugins.js';

/** A generated folder: hostile shapes (each a directory or an archive) and good plugins. */
export interface HostileCase {
  readonly hostile: readonly { readonly shape: HostileShape; readonly zip: boolean }[];
  readonly good: readonly ('esm' | 'cjs')[];
}

/** 1-4 hostile plugins and 1-2 good ones. */
export const hostileCaseArbitrary: fc.Arbitrary<HostileCase> = fc.record({
  hostile: fc.array(fc.record({ shape: hostileShapeArbitrary(), zip: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  }),
  good: fc.array(fc.constantFrom('esm' as const, 'cjs' as const), { minLength: 1, maxLength: 2 }),
});

/** A plugin written to the folder, and where. */
export interface Written<P> {
  readonly plugin: P;
  /** Its file or directory name in the folder. */
  readonly path: string;
}

/** A good plugin: greets, and stores its export under its token. */
export interface GoodPlugin {
  readonly name: string;
  readonly token: string;
  readonly files: PluginFiles;
}

/** What was written: the hostile plugins that may hang (need a short load timeout) apart. */
export interface WrittenCase {
  readonly hostile: readonly Written<HostilePlugin>[];
  readonly good: readonly Written<GoodPlugin>[];
}

/** Whether a plugin's only correct outcome involves a load timeout. */
export const hangs = (plugin: HostilePlugin): boolean => plugin.outcomes.includes('timeout');

/** Writes the hostile plugins of `testCase` whose {@link hangs} is `slow`, and the good ones unless `slow`. */
export async function writeCase(
  folder: string,
  testCase: HostileCase,
  slow: boolean,
): Promise<WrittenCase> {
  const hostile: Written<HostilePlugin>[] = [];
  for (const [i, { shape, zip }] of testCase.hostile.entries()) {
    const plugin = hostilePlugin(shape.value, shape.placement, `hostile-${i}`, nextToken('h'));
    if (hangs(plugin) !== slow) continue;
    const path = zip ? `hostile-${i}.zip` : `hostile-${i}`;
    if (zip) await writeFile(join(folder, path), await zipBytes(plugin.files));
    else await writeFiles(folder, inFolder(path, plugin.files));
    hostile.push({ plugin, path });
  }
  const good: Written<GoodPlugin>[] = [];
  if (!slow) {
    for (const [i, format] of testCase.good.entries()) {
      const name = `good-${i}`;
      const token = nextToken('g');
      const exported = stashSource(token, greeterSource(name, token));
      const files =
        format === 'esm'
          ? esmPlugin(name, `export default ${exported};\n`)
          : cjsPlugin(name, `module.exports = ${exported};\n`);
      await writeFiles(folder, inFolder(name, files));
      good.push({ plugin: { name, token, files }, path: name });
    }
  }
  return { hostile, good };
}

const special = (path: string, label: string, outcome: FailureStage): Written<HostilePlugin> => ({
  path,
  plugin: {
    label,
    value: { label, source: 'null', awaited: 'value', extensible: false },
    placement: 'throw-esm',
    name: path,
    token: '',
    files: {},
    outcomes: [outcome],
    unloadFails: false,
  },
});

/**
 * Adds plugins made of FIFOs (no writer: reading one blocks forever): a
 * directory whose `plugin.manifest.json` is a FIFO (a `manifest` failure), a
 * CommonJS plugin whose `package.json` is a FIFO (an `import` failure: its
 * module format cannot be read), and a `.zip` that is a FIFO (an `extract`
 * failure). Only for hosts in a child process: a host that reads one
 * synchronously blocks its whole thread.
 */
export async function writeFifoPlugins(folder: string): Promise<Written<HostilePlugin>[]> {
  await mkdir(join(folder, 'fifo-manifest'));
  await writeFile(join(folder, 'fifo-manifest', 'index.mjs'), 'export default {};\n');
  execFileSync('mkfifo', [join(folder, 'fifo-manifest', 'plugin.manifest.json')]);
  await writeFiles(
    folder,
    inFolder('fifo-package', cjsPlugin('fifo-package', undefined, { entryPoint: './index.js' })),
  );
  execFileSync('mkfifo', [join(folder, 'fifo-package', 'package.json')]);
  execFileSync('mkfifo', [join(folder, 'fifo.zip')]);
  return [
    special('fifo-manifest', 'FIFO manifest', 'manifest'),
    special('fifo-package', 'FIFO package.json', 'import'),
    special('fifo.zip', 'FIFO archive', 'extract'),
  ];
}

/** What a host made of the folder: names of the loaded plugins, and the failures. */
export interface Outcome {
  /** `name` → the registry's plugin value (in-process) or `true` (child process). */
  readonly loaded: ReadonlyMap<string, unknown>;
  /** `<base name> <stage>` of each failure. */
  readonly failed: readonly string[];
}

/** Checks the outcome of one scan: each good plugin loaded, each hostile one loaded as itself or failed at an expected stage. */
export function checkOutcome(written: WrittenCase, outcome: Outcome, inProcess: boolean): void {
  const stash = exportStash();
  for (const { plugin } of written.good) {
    expect(outcome.loaded.has(plugin.name), `${plugin.name} loaded`).toBe(true);
    if (inProcess) expect(outcome.loaded.get(plugin.name)).toBe(stash.get(plugin.token));
  }
  const failures = new Map<string, string[]>();
  for (const failure of outcome.failed) {
    const [path = '', stage = ''] = failure.split(' ');
    failures.set(path, [...(failures.get(path) ?? []), stage]);
  }
  for (const { plugin, path } of written.hostile) {
    const stages = failures.get(path) ?? [];
    failures.delete(path);
    if (outcome.loaded.has(plugin.name)) {
      expect(plugin.outcomes, `${plugin.label} loaded`).toContain('loaded');
      expect(stages, `${plugin.label} loaded and failed`).toEqual([]);
      if (inProcess) {
        const own = outcome.loaded.get(plugin.name) === stash.get(plugin.token);
        expect(own, `${plugin.label}: the registry holds the module's own export`).toBe(true);
      }
    } else {
      expect(stages.length, `${plugin.label}: one failure`).toBe(1);
      expect(plugin.outcomes, `${plugin.label} failed at ${stages.join()}`).toContain(stages[0]);
    }
  }
  expect([...failures.keys()], 'failures of good plugins').toEqual([]);
}

/** `<base name> <stage>` of a failure. */
export const label = (f: { readonly source: string; readonly stage: string }): string =>
  `${basename(f.source)} ${f.stage}`;
