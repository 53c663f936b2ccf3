// Records a host's events per scan and checks one scan against the model.

import { basename } from 'node:path';
import { expect } from 'vitest';
import type { PluginEntry, PluginFailure, PluginHost, ReloadReport } from '../../src/index.js';
import { failureLabel, type ExpectedScan } from './chaos-model.js';
import { exportStash } from './hostile-values.js';

/** The events of one scan. */
export interface ScanEvents {
  readonly loaded: { entry: PluginEntry; previous: PluginEntry | undefined }[];
  readonly unloaded: { entry: PluginEntry; reason: string }[];
  readonly failed: PluginFailure[];
  done: ReloadReport | undefined;
}

/** Collects every event of `host`, grouped by the scan (`reload:start`) it belongs to. */
export class EventLog {
  readonly scans: ScanEvents[] = [];

  constructor(host: PluginHost) {
    host.on('reload:start', () => {
      this.scans.push({ loaded: [], unloaded: [], failed: [], done: undefined });
    });
    host.on('reload:done', ({ report }) => {
      this.#current().done = report;
    });
    host.on('plugin:loaded', (event) => this.#current().loaded.push(event));
    host.on('plugin:unloaded', (event) => this.#current().unloaded.push(event));
    host.on('plugin:failed', ({ failure }) => this.#current().failed.push(failure));
  }

  #current(): ScanEvents {
    const scan = this.scans.at(-1);
    if (scan === undefined) throw new Error('event outside a scan');
    return scan;
  }
}

/** What makes two failures the same failure (reported once): source, code, message. */
export const failureKey = (f: PluginFailure): string => `${f.source}\0${f.code}\0${f.message}`;

/** What the host served and which failures stood before a scan. */
export interface Before {
  readonly registry: ReadonlyMap<string, PluginEntry>;
  readonly failureKeys: ReadonlySet<string>;
}

/** Captures {@link Before} from a host. */
export function captureBefore(host: PluginHost): Before {
  return {
    registry: new Map(host.getAll().map((e) => [e.manifest.name, e])),
    failureKeys: new Set(host.getFailures().map(failureKey)),
  };
}

/** The registry as `name@version token`, sorted. */
export function servedLabels(host: PluginHost): string[] {
  return host
    .getAll()
    .map(
      (e) => `${e.manifest.name}@${e.manifest.version} ${(e.plugin as { token?: string }).token}`,
    )
    .sort();
}

/**
 * Checks one scan: its report, the events it emitted, and (when `last`) the
 * registry and `getFailures()` against the model.
 */
export function checkScan(
  host: PluginHost,
  expected: ExpectedScan,
  report: ReloadReport,
  events: ScanEvents,
  before: Before,
  last: boolean,
): void {
  expect({
    added: report.added,
    updated: report.updated,
    removed: report.removed,
    unchanged: report.unchanged,
    kept: report.kept,
    extracted: report.extracted.map((s) => basename(s)).sort(),
    failed: report.failed.map(failureLabel).sort(),
  }).toEqual({
    added: expected.added,
    updated: expected.updated,
    removed: expected.removed,
    unchanged: expected.unchanged,
    kept: expected.kept,
    extracted: expected.extracted,
    failed: expected.failed,
  });
  expect(events.done, 'reload:done carries the report').toBe(report);

  // events of this scan
  const registry = new Map([...expected.next.served.keys()].map((n) => [n, host.get(n)]));
  expect(events.loaded.map((e) => e.entry.manifest.name).sort()).toEqual(
    [...expected.added, ...expected.updated].sort(),
  );
  for (const { entry, previous } of events.loaded) {
    if (last)
      expect(entry, 'plugin:loaded gives the published entry').toBe(
        registry.get(entry.manifest.name),
      );
    expect(previous).toBe(before.registry.get(entry.manifest.name));
  }
  expect(events.unloaded.map((e) => `${e.entry.manifest.name} ${e.reason}`).sort()).toEqual(
    [
      ...expected.updated.map((n) => `${n} replaced`),
      ...expected.removed.map((n) => `${n} removed`),
    ].sort(),
  );
  for (const { entry } of events.unloaded) {
    expect(entry).toBe(before.registry.get(entry.manifest.name));
  }
  expect(events.failed.map(failureKey).sort(), 'plugin:failed fires once per new failure').toEqual(
    report.failed
      .map(failureKey)
      .filter((key) => !before.failureKeys.has(key))
      .sort(),
  );

  if (!last) return;
  // the registry holds the module's own export of the model's version
  const stash = exportStash();
  expect(host.getAll().map((e) => e.manifest.name)).toEqual(
    [...expected.next.served.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  for (const served of expected.next.served.values()) {
    const entry = host.get(served.name);
    expect(entry, served.name).toBeDefined();
    if (entry === undefined) continue;
    expect(entry.manifest.version).toBe(served.version);
    expect(basename(entry.source)).toBe(basename(served.source));
    expect((entry.plugin as { token?: unknown }).token, `${served.name} token`).toBe(served.token);
    expect(entry.plugin === stash.get(served.token), `${served.name} is its module's export`).toBe(
      true,
    );
  }
  expect(host.getFailures().map(failureLabel).sort()).toEqual(expected.failed);
}
