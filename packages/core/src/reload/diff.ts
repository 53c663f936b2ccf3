import type { ValidCandidate } from './classify.js';
import type { Retired } from './retire.js';
import type { PluginSource } from '../sources/source.js';
import type { PluginEntry, PluginFailure } from '../types.js';

/** A loaded plugin, with what a rescan compares it against. */
export interface LoadedRecord<T, M> {
  /** The published entry. */
  readonly entry: PluginEntry<T, M>;
  /** The candidate's fingerprint when it was loaded. */
  readonly fingerprint: string;
  /** The source it came from. */
  readonly from: PluginSource;
}

/** How loading one winner ended: a record (new, or the previous one reused) or a failure. */
export type LoadOutcome<T, M> =
  | { readonly candidate: ValidCandidate; readonly record: LoadedRecord<T, M> }
  | { readonly candidate: ValidCandidate; readonly failure: PluginFailure };

/** What changed between the loaded plugins and this scan's outcomes. */
export interface ScanDiff<T, M> {
  /** The plugins that serve after the scan, by name. */
  readonly next: Map<string, LoadedRecord<T, M>>;
  /** Names newly loaded. */
  readonly added: string[];
  /** Names loaded in a new version. */
  readonly updated: string[];
  /** Names gone (their source was removed, ignored or renamed). */
  readonly removed: string[];
  /** Names whose very same entry serves on (nothing was imported). */
  readonly unchanged: string[];
  /** Names whose last known good version serves on although this scan could not load them. */
  readonly kept: string[];
  /** Entries to announce as loaded, with the version each replaces. */
  readonly published: { entry: PluginEntry<T, M>; previous: PluginEntry<T, M> | undefined }[];
  /** Versions that stop serving: replaced ones first, then removed ones. */
  readonly retired: Retired<T, M>[];
  /** The load failures, in outcome order. */
  readonly failures: PluginFailure[];
}

/**
 * Compares the loaded plugins with this scan's outcomes. A plugin that failed
 * keeps its last known good version; a loaded plugin that no outcome names is
 * removed, unless `keep` says its source is only unreadable for now.
 *
 * @param loaded - the plugins that served before the scan, by name
 * @param outcomes - how loading each winner ended
 * @param keep - whether a plugin with no outcome keeps serving
 */
export function diffOutcomes<T, M>(
  loaded: ReadonlyMap<string, LoadedRecord<T, M>>,
  outcomes: readonly LoadOutcome<T, M>[],
  keep: (record: LoadedRecord<T, M>) => boolean,
): ScanDiff<T, M> {
  const diff: ScanDiff<T, M> = {
    next: new Map(),
    added: [],
    updated: [],
    removed: [],
    unchanged: [],
    kept: [],
    published: [],
    retired: [],
    failures: [],
  };
  for (const outcome of outcomes) {
    const name = outcome.candidate.manifest.name;
    const previous = loaded.get(name);
    if ('record' in outcome) {
      diff.next.set(name, outcome.record);
      if (outcome.record === previous) {
        diff.unchanged.push(name);
      } else {
        diff.published.push({ entry: outcome.record.entry, previous: previous?.entry });
        if (previous === undefined) diff.added.push(name);
        else {
          diff.updated.push(name);
          diff.retired.push({ entry: previous.entry, reason: 'replaced' });
        }
      }
    } else {
      diff.failures.push(outcome.failure);
      if (previous !== undefined) {
        diff.next.set(name, previous);
        diff.kept.push(name);
      }
    }
  }
  for (const [name, record] of loaded) {
    if (diff.next.has(name)) continue;
    if (keep(record)) {
      diff.next.set(name, record);
      diff.kept.push(name);
    } else {
      diff.removed.push(name);
      diff.retired.push({ entry: record.entry, reason: 'removed' });
    }
  }
  return diff;
}
