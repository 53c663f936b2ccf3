import { ArchiveSource } from '../sources/archive/archive-source.js';
import { scanFolder, type PluginCandidate } from '../sources/discovery.js';
import { debug } from '../util/log.js';
import { loopPacer } from '../util/pacer.js';
import { ERROR_CODES, describeError } from '../errors.js';
import { conflictFailure, failureKey, isIgnored, toFailure } from './failures.js';
import { checkEngines, loadCandidate, type ScanContext } from './load-candidate.js';
import { retireEntries, type Retired } from './retire.js';
import type { ResolvedPluginHostOptions } from '../options.js';
import { Registry, resolveConflicts } from './registry.js';
import type { UnloadReason } from '../events.js';
import type { Manifest, PluginEntry, PluginFailure, ReloadReport } from '../types.js';

/** What the reloader tells its host, in order, as a scan publishes. */
export interface ReloadSink<T, M> {
  failed(failure: PluginFailure): void;
  loaded(entry: PluginEntry<T, M>, previous: PluginEntry<T, M> | undefined): void;
  unloaded(entry: PluginEntry<T, M>, reason: UnloadReason): void;
  skipped(source: string): void;
}

interface LoadedRecord<T, M> {
  readonly entry: PluginEntry<T, M>;
  readonly fingerprint: string;
}

interface StickyFailure {
  readonly fingerprint: string;
  readonly failure: PluginFailure;
}

type Valid = PluginCandidate & { readonly manifest: Manifest };

/**
 * Holds the published registry and everything a rescan compares against:
 * the fingerprint of each loaded plugin and of each plugin whose files failed
 * (so it is not imported again until they change). One scan at a time; the
 * host serialises calls.
 */
export class Reloader<T, M> {
  #registry = new Registry<T, M>();
  #loaded = new Map<string, LoadedRecord<T, M>>();
  #sticky = new Map<string, StickyFailure>();
  #failures: readonly PluginFailure[] = Object.freeze([]);
  /** The directory candidates of the last scan, by source: reused while unchanged. */
  #candidates = new Map<string, PluginCandidate>();
  readonly #archives: ArchiveSource;
  #cacheUsed = false;

  /**
   * Creates a reloader for one host.
   *
   * @param options - the host's resolved options
   * @param sink - receives failures and lifecycle events as a scan publishes
   */
  constructor(
    private readonly options: ResolvedPluginHostOptions<T, M>,
    private readonly sink: ReloadSink<T, M>,
  ) {
    this.#archives = new ArchiveSource({ ...options, timeoutMs: options.loadTimeoutMs });
  }

  /** The published registry. */
  get registry(): Registry<T, M> {
    return this.#registry;
  }

  /** The failures that stand after the last scan. */
  get failures(): readonly PluginFailure[] {
    return this.#failures;
  }

  /** Rescans the folder, loads what changed and swaps the registry in one step. */
  async scan(): Promise<ReloadReport> {
    const started = performance.now();
    const { options } = this;
    this.#archives.beginScan();
    const scan = await scanFolder(options.folder, {
      inspectArchive: this.#archives.inspect,
      previous: this.#candidates,
    });
    this.#candidates = new Map(
      scan.candidates.filter((c) => c.origin === 'directory').map((c) => [c.source, c]),
    );
    for (const source of scan.skipped) this.sink.skipped(source);

    const failures: PluginFailure[] = scan.problems.map((p) =>
      toFailure(p.source, undefined, p.stage, p.error),
    );
    // Sources that are still there but could not be read this time: their
    // loaded version keeps serving (last known good).
    const brokenSources = new Set(scan.problems.map((p) => p.source));
    // The folder exists but could not be listed: nothing is known, keep everything.
    const keepAll = scan.problems.some((p) => p.error.code === ERROR_CODES.FOLDER_UNREADABLE);
    const valid: Valid[] = [];
    for (const candidate of scan.candidates) {
      const { manifest, error } = candidate;
      if (manifest === undefined) {
        if (error !== undefined) {
          const stage = candidate.errorStage ?? 'manifest';
          failures.push(toFailure(candidate.source, undefined, stage, error));
        }
        brokenSources.add(candidate.source);
        continue;
      }
      const ignored = isIgnored(options.ignore, manifest, candidate.source);
      if (ignored !== false) {
        if (ignored !== true) {
          failures.push(ignored);
          brokenSources.add(candidate.source);
        }
        continue;
      }
      const enginesError = checkEngines(manifest, candidate.dir, options.hostVersion);
      if (enginesError !== undefined) {
        failures.push(toFailure(candidate.source, manifest.name, 'engines', enginesError));
        brokenSources.add(candidate.source);
        continue;
      }
      valid.push(candidate as Valid);
    }

    const { winners, losers } = resolveConflicts(valid);
    for (const { loser, winner } of losers) failures.push(conflictFailure(loser, winner));

    const context: ScanContext = { formatCache: new Map() };
    // each start runs synchronously up to its first await: a slice's worth per turn of the loop
    const outcomes = await Promise.all(
      winners.map(async (w) => loopPacer.run(() => this.#loadWinner(w, context))),
    );

    const next = new Map<string, LoadedRecord<T, M>>();
    const added: string[] = [];
    const updated: string[] = [];
    const unchanged: string[] = [];
    const kept: string[] = [];
    const published: { entry: PluginEntry<T, M>; previous: PluginEntry<T, M> | undefined }[] = [];
    const retired: Retired<T, M>[] = [];
    const seenSources = new Set(scan.candidates.map((c) => c.source));

    for (const outcome of outcomes) {
      const name = outcome.candidate.manifest.name;
      const previous = this.#loaded.get(name);
      if ('record' in outcome) {
        next.set(name, outcome.record);
        if (outcome.record === previous) {
          unchanged.push(name);
        } else {
          this.#sticky.delete(outcome.candidate.source);
          published.push({ entry: outcome.record.entry, previous: previous?.entry });
          if (previous === undefined) added.push(name);
          else {
            updated.push(name);
            retired.push({ entry: previous.entry, reason: 'replaced' });
          }
        }
      } else {
        failures.push(outcome.failure);
        if (previous !== undefined) {
          next.set(name, previous);
          kept.push(name);
        }
      }
    }

    const removed: string[] = [];
    for (const [name, record] of this.#loaded) {
      if (next.has(name)) continue;
      if (keepAll || brokenSources.has(record.entry.source)) {
        next.set(name, record);
        kept.push(name);
      } else {
        removed.push(name);
        retired.push({ entry: record.entry, reason: 'removed' });
      }
    }
    for (const source of this.#sticky.keys()) {
      if (!seenSources.has(source)) this.#sticky.delete(source);
    }

    // Publish: one assignment, so readers see the old registry or the new one.
    this.#loaded = next;
    this.#registry = new Registry([...next.values()].map((r) => r.entry));
    // A failure that stood before is reported once, when it first appears.
    const standing = new Set(this.#failures.map(failureKey));
    for (const failure of failures) {
      if (!standing.has(failureKey(failure))) this.sink.failed(failure);
    }
    for (const { entry, previous } of published) this.sink.loaded(entry, previous);
    const inUse = new Set([...next.values()].map((r) => r.entry.dir));
    const unloadFailures = await retireEntries(retired, inUse, this.options, this.sink);
    for (const failure of unloadFailures) this.sink.failed(failure);
    const allFailures = [...failures, ...unloadFailures];
    this.#failures = Object.freeze(allFailures);
    await this.#tidyCache(next);

    return Object.freeze({
      added: added.sort(),
      updated: updated.sort(),
      removed: removed.sort(),
      unchanged: unchanged.sort(),
      kept: kept.sort(),
      extracted: scan.candidates
        .filter((c) => c.extracted === true)
        .map((c) => c.source)
        .sort(),
      failed: Object.freeze(allFailures),
      durationMs: performance.now() - started,
    });
  }

  /** Unloads every plugin (for `close()`). */
  async unloadAll(): Promise<void> {
    const retired = [...this.#loaded.values()].map((r): Retired<T, M> => ({
      entry: r.entry,
      reason: 'closed',
    }));
    this.#loaded = new Map();
    this.#registry = new Registry();
    this.#sticky.clear();
    this.#candidates.clear();
    const failures = await retireEntries(retired, new Set(), this.options, this.sink);
    for (const failure of failures) this.sink.failed(failure);
    this.#failures = Object.freeze(failures);
  }

  /**
   * Leases the extractions this host serves from and removes the ones nothing
   * uses any more (gone or changed archives), unless another live host
   * process leases them. Runs only once the cache has been used.
   */
  async #tidyCache(next: ReadonlyMap<string, LoadedRecord<T, M>>): Promise<void> {
    const keep = this.#archives.endScan();
    for (const { entry } of next.values()) if (entry.origin === 'archive') keep.add(entry.dir);
    if (keep.size === 0 && !this.#cacheUsed) return;
    this.#cacheUsed = true;
    try {
      await this.#archives.cache.lease(keep);
      await this.#archives.cache.sweep(keep);
      await this.#archives.saveHashes();
    } catch (error) {
      debug(
        'could not tidy the archive cache %s: %s',
        this.#archives.cache.dir,
        describeError(error),
      );
    }
  }

  /** Removes this host's lease on the archive cache (extractions stay for the next start). */
  async releaseCache(): Promise<void> {
    if (this.#cacheUsed) await this.#archives.cache.release().catch(() => undefined);
  }

  async #loadWinner(
    candidate: Valid,
    context: ScanContext,
  ): Promise<
    { candidate: Valid; record: LoadedRecord<T, M> } | { candidate: Valid; failure: PluginFailure }
  > {
    const previous = this.#loaded.get(candidate.manifest.name);
    if (
      previous !== undefined &&
      previous.fingerprint === candidate.fingerprint &&
      previous.entry.source === candidate.source &&
      previous.entry.dir === candidate.dir
    ) {
      return { candidate, record: previous };
    }
    const sticky = this.#sticky.get(candidate.source);
    if (sticky !== undefined && sticky.fingerprint === candidate.fingerprint) {
      return { candidate, failure: sticky.failure };
    }
    let result = await loadCandidate(candidate, this.options, context);
    // A failure caused by an extraction's files going missing is not the
    // archive's: the extraction is checked against the archive, extracted
    // again when damaged, and the plugin loaded once more. Only a failure from
    // a complete extraction stands for that archive content.
    if ('failure' in result && candidate.origin === 'archive') {
      if (await this.#archives.repair(candidate)) {
        result = await loadCandidate(candidate, this.options, context);
      }
    }
    if ('failure' in result) {
      this.#sticky.set(candidate.source, {
        fingerprint: candidate.fingerprint,
        failure: result.failure,
      });
      return { candidate, failure: result.failure };
    }
    return { candidate, record: { entry: result.entry, fingerprint: candidate.fingerprint } };
  }
}
