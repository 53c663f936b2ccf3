import { compareStrings } from '../util/compare-strings.js';
import { breathe, pause } from '../util/pacer.js';
import type { Resolution } from './schedule.js';
import type { ReloadReason } from '../events.js';
import type { PluginEntry, ReloadReport } from '../types.js';

/** The report's lists of names, from how each name ended; lets the loop turn between slices of a big scan. */
export async function describeChanges<T, M>(
  resolutions: ReadonlyMap<string, Resolution<T, M>>,
  before: ReadonlyMap<string, PluginEntry<T, M>>,
  held: ReadonlySet<string>,
): Promise<Pick<ReloadReport, 'added' | 'updated' | 'removed' | 'unchanged' | 'kept'>> {
  const lists = {
    added: [] as string[],
    updated: [] as string[],
    removed: [] as string[],
    unchanged: [] as string[],
    kept: [] as string[],
  };
  for (const [name, { entry, failure }] of resolutions) {
    const previous = before.get(name);
    if (entry === undefined) {
      if (previous !== undefined) lists.removed.push(name);
    } else if (entry !== previous) {
      (previous === undefined ? lists.added : lists.updated).push(name);
    } else {
      (failure !== undefined || held.has(name) ? lists.kept : lists.unchanged).push(name);
    }
    await pause();
  }
  for (const list of Object.values(lists)) {
    list.sort(compareStrings);
    await breathe();
  }
  return lists;
}

/** Whether a report names a plugin: loaded, kept, removed, disabled or failed. */
export function mentions(report: ReloadReport, name: string): boolean {
  const lists = [
    report.added,
    report.updated,
    report.removed,
    report.unchanged,
    report.kept,
    report.disabled,
  ];
  return (
    lists.some((names) => names.includes(name)) ||
    report.failed.some((failure) => failure.name === name)
  );
}

/** The one line a host logs (`info`) after each scan. */
export function summary(reason: ReloadReason, report: ReloadReport): string {
  return `reload (${reason}) in ${report.durationMs.toFixed(1)} ms: ${report.added.length} added, ${report.updated.length} updated, ${report.removed.length} removed, ${report.unchanged.length} unchanged, ${report.kept.length} kept, ${report.failed.length} failed`;
}
