import { debug } from '../util/log.js';
import { loopPacer } from '../util/pacer.js';
import { describeError } from '../errors.js';
import { classifyCandidates, settleConflicts, type ValidCandidate } from './classify.js';
import { collectCandidates, type Collected } from './collect.js';
import { diffOutcomes, type LoadedRecord, type LoadOutcome, type ScanDiff } from './diff.js';
import { failureKey } from './failures.js';
import { loadCandidate, type ScanContext } from './load-candidate.js';
import { retireEntries, type Retired } from './retire.js';
import type { ResolvedPluginHostOptions } from '../options.js';
import { Registry } from './registry.js';
import type { UnloadReason } from '../events.js';
import type { PluginSource } from '../sources/source.js';
import type { PluginEntry, PluginFailure, ReloadReport } from '../types.js';

/** What the reloader tells its host, in order, as a scan publishes. */
export interface ReloadSink<T, M> {
  failed(failure: PluginFailure): void;
  loaded(entry: PluginEntry<T, M>, previous: PluginEntry<T, M> | undefined): void;
  unloaded(entry: PluginEntry<T, M>, reason: UnloadReason): void;
  skipped(source: string): void;
}

interface StickyFailure {
  readonly fingerprint: string;
  readonly failure: PluginFailure;
}

/**
 * Holds the published registry and everything a rescan compares against:
 * the fingerprint of each loaded plugin and of each plugin whose files failed
 * (so it is not imported again until they change). A scan asks the sources
 * for candidates, classifies them, settles conflicts, loads the winners,
 * diffs, publishes, unloads what was replaced, and lets the sources tidy up;
 * what the sources keep (fingerprints, archive caches) is theirs. One scan at
 * a time; the host serialises calls.
 */
export class Reloader<T, M> {
  #registry = new Registry<T, M>();
  #loaded = new Map<string, LoadedRecord<T, M>>();
  #sticky = new Map<string, StickyFailure>();
  #failures: readonly PluginFailure[] = Object.freeze([]);
  readonly #sources: readonly PluginSource[];

  /**
   * Creates a reloader for one host.
   *
   * @param options - the host's resolved options
   * @param sink - receives failures and lifecycle events as a scan publishes
   * @param sources - where plugins come from
   */
  constructor(
    private readonly options: ResolvedPluginHostOptions<T, M>,
    private readonly sink: ReloadSink<T, M>,
    sources: readonly PluginSource[],
  ) {
    this.#sources = sources;
  }

  /** The published registry. */
  get registry(): Registry<T, M> {
    return this.#registry;
  }

  /** The failures that stand after the last scan. */
  get failures(): readonly PluginFailure[] {
    return this.#failures;
  }

  /** Rescans the sources, loads what changed and swaps the registry in one step. */
  async scan(): Promise<ReloadReport> {
    const started = performance.now();
    const collected = await collectCandidates(this.#sources);
    for (const source of collected.skipped) this.sink.skipped(source);
    const { valid, failures, broken } = classifyCandidates(
      collected.candidates,
      collected.problems,
      this.options,
    );
    const { winners, failures: conflicts } = settleConflicts(valid);
    failures.push(...conflicts);
    const outcomes = await this.#loadWinners(winners, collected);
    const diff = diffOutcomes(
      this.#loaded,
      outcomes,
      (record) => collected.incomplete.has(record.from) || broken.has(record.entry.source),
    );
    failures.push(...diff.failures);
    this.#forgetSticky(collected, diff);
    const allFailures = await this.#publish(diff, failures);
    await this.#endScan(diff.next);
    return Object.freeze({
      added: diff.added.sort(),
      updated: diff.updated.sort(),
      removed: diff.removed.sort(),
      unchanged: diff.unchanged.sort(),
      kept: diff.kept.sort(),
      extracted: collected.candidates
        .filter((c) => c.extracted === true)
        .map((c) => c.source)
        .sort(),
      disabled: [],
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
    const failures = await retireEntries(retired, new Set(), this.options, this.sink);
    for (const failure of failures) this.sink.failed(failure);
    this.#failures = Object.freeze(failures);
  }

  /** Closes every source (an archive source removes its cache lease; extractions stay). */
  async close(): Promise<void> {
    for (const source of this.#sources) await source.close().catch(() => undefined);
  }

  /** Loads each winner; each start runs synchronously up to its first await, a slice's worth per turn of the loop. */
  #loadWinners(
    winners: readonly ValidCandidate[],
    collected: Collected,
  ): Promise<LoadOutcome<T, M>[]> {
    const context: ScanContext = { formatCache: new Map() };
    return Promise.all(
      winners.map(async (w) =>
        loopPacer.run(() => this.#loadWinner(w, collected.origins.get(w) as PluginSource, context)),
      ),
    );
  }

  /** Sticky failures end when their plugin loads or their source is gone. */
  #forgetSticky(collected: Collected, diff: ScanDiff<T, M>): void {
    for (const { entry } of diff.published) this.#sticky.delete(entry.source);
    const seen = new Set(collected.candidates.map((c) => c.source));
    for (const source of this.#sticky.keys()) {
      if (!seen.has(source)) this.#sticky.delete(source);
    }
  }

  /**
   * Publishes in one assignment (readers see the old registry or the new
   * one), reports new failures and loads, then unloads the retired versions.
   *
   * @returns every failure of the scan, unload failures last
   */
  async #publish(
    diff: ScanDiff<T, M>,
    failures: readonly PluginFailure[],
  ): Promise<PluginFailure[]> {
    this.#loaded = diff.next;
    this.#registry = new Registry([...diff.next.values()].map((r) => r.entry));
    // A failure that stood before is reported once, when it first appears.
    const standing = new Set(this.#failures.map(failureKey));
    for (const failure of failures) {
      if (!standing.has(failureKey(failure))) this.sink.failed(failure);
    }
    for (const { entry, previous } of diff.published) this.sink.loaded(entry, previous);
    const inUse = new Set([...diff.next.values()].map((r) => r.entry.dir));
    const unloadFailures = await retireEntries(diff.retired, inUse, this.options, this.sink);
    for (const failure of unloadFailures) this.sink.failed(failure);
    const allFailures = [...failures, ...unloadFailures];
    this.#failures = Object.freeze(allFailures);
    return allFailures;
  }

  /** Tells each source which directories its plugins serve from now, so it can tidy up. */
  async #endScan(next: ReadonlyMap<string, LoadedRecord<T, M>>): Promise<void> {
    for (const source of this.#sources) {
      const kept = new Set<string>();
      for (const { entry, from } of next.values()) if (from === source) kept.add(entry.dir);
      await source.endScan(kept).catch((error: unknown) => {
        debug('a plugin source could not end its scan: %s', describeError(error));
      });
    }
  }

  async #loadWinner(
    candidate: ValidCandidate,
    from: PluginSource,
    context: ScanContext,
  ): Promise<LoadOutcome<T, M>> {
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
    // A failure caused by a source's files going missing (an extraction
    // someone damaged) is not the plugin's: the source restores them and the
    // plugin is loaded once more. Only a failure from complete files stands.
    if ('failure' in result && from.repair !== undefined && (await from.repair(candidate))) {
      result = await loadCandidate(candidate, this.options, context);
    }
    if ('failure' in result) {
      this.#sticky.set(candidate.source, {
        fingerprint: candidate.fingerprint,
        failure: result.failure,
      });
      return { candidate, failure: result.failure };
    }
    const record = { entry: result.entry, fingerprint: candidate.fingerprint, from };
    return { candidate, record };
  }
}
