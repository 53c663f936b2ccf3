import { debug } from '../util/log.js';
import { breathe, pause } from '../util/pacer.js';
import { describeError } from '../errors.js';
import { CandidateLoader } from './candidates.js';
import { classifyCandidates, settleConflicts } from './classify.js';
import { collectCandidates, type Collected } from './collect.js';
import { collectTargeted } from './targeted.js';
import { failureKey } from './failures.js';
import type { ScanContext } from './load-candidate.js';
import { heldNode, offNode } from './nodes.js';
import { Published } from './published.js';
import { describeChanges } from './report.js';
import { retireEntries, type Retired } from './retire.js';
import { releaseModules } from '../load/loader.js';
import { runSchedule, type Publication, type ScheduledNode } from './schedule.js';
import { compareStrings } from '../util/compare-strings.js';
import type { ResolvedPluginHostOptions } from '../options.js';
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

/** One scan's bookkeeping while it publishes. */
interface ScanState {
  readonly failures: PluginFailure[];
  readonly unloading: Promise<void>[];
  /** Directories of retired versions, whose CommonJS modules are freed when the scan ends. */
  readonly released: Set<string>;
  /** Keys of the failures that stood before the scan or were announced in it. */
  readonly announced: Set<string>;
}

/**
 * Holds what is published and everything a rescan compares against: where
 * each entry came from, and each plugin whose files failed (so it is not
 * imported again until they, or what it depends on, change; a timeout is
 * retried at the next scan). A scan asks the
 * sources for candidates, classifies them, settles conflicts, then loads in
 * dependency order and publishes plugin by plugin ({@link runSchedule}),
 * unloads what was replaced, and lets the sources tidy up. One scan at a
 * time; the host serialises calls.
 */
export class Reloader<T, M> {
  readonly #published = new Published<T, M>();
  readonly #candidates: CandidateLoader<T, M>;
  #failures: readonly PluginFailure[] = Object.freeze([]);
  readonly #disabled: Set<string>;
  readonly #sources: readonly PluginSource[];
  /** What the last scan collected: a targeted scan starts from it. */
  #last: Collected | undefined;

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
    this.#candidates = new CandidateLoader(options, this.#published);
    this.#disabled = new Set(options.disabled);
  }

  /** The published registry: `all()`, `get()` and `find()`, read as published now. */
  get registry(): Pick<Published<T, M>, 'all' | 'get' | 'find'> {
    return this.#published;
  }

  /** The failures that stand after the last scan. */
  get failures(): readonly PluginFailure[] {
    return this.#failures;
  }

  /** The names switched off, sorted. */
  get disabled(): string[] {
    return [...this.#disabled].sort(compareStrings);
  }

  /**
   * Switches a plugin off or on for the scans to come.
   *
   * @returns whether the set of disabled names changed
   */
  setDisabled(name: string, disabled: boolean): boolean {
    if (this.#disabled.has(name) === disabled) return false;
    if (disabled) this.#disabled.add(name);
    else this.#disabled.delete(name);
    return true;
  }

  /**
   * Rescans the sources, then loads and publishes what changed, plugin by plugin.
   *
   * @param only - for a targeted scan, the plugins to look at again (see
   *   {@link collectTargeted}); the whole folder when undefined, or when only
   *   a full scan can tell
   */
  async scan(only?: ReadonlySet<string>): Promise<ReloadReport> {
    const started = performance.now();
    const targeted = only === undefined ? undefined : await collectTargeted(this.#last, only);
    const collected = targeted ?? (await collectCandidates(this.#sources));
    this.#last = collected;
    for (const source of collected.skipped) this.sink.skipped(source);
    await breathe();
    const { valid, failures, broken } = classifyCandidates(
      collected.candidates,
      collected.problems,
      this.options,
    );
    await breathe();
    const { winners, failures: conflicts } = settleConflicts(valid);
    failures.push(...conflicts);
    await breathe();
    const state: ScanState = {
      failures: [],
      unloading: [],
      released: new Set(),
      announced: new Set(this.#failures.map(failureKey)),
    };
    for (const failure of failures) this.#announce(failure, state);

    const before = new Map<string, PluginEntry<T, M>>();
    for (const entry of this.#published.entries()) {
      before.set(entry.manifest.name, entry);
      await pause();
    }
    const disabled: string[] = [];
    const held = new Set<string>();
    const nodes = new Map<string, ScheduledNode<T, M>>();
    const context: ScanContext = { formatCache: new Map() };
    for (const winner of winners) {
      const name = winner.manifest.name;
      if (this.#disabled.has(name)) {
        disabled.push(name);
        nodes.set(name, offNode(name, winner, 'disabled'));
      } else {
        const from = collected.origins.get(winner) as PluginSource;
        nodes.set(name, this.#candidates.node(winner, from, context));
      }
      await pause();
    }
    for (const [name, entry] of before) {
      if (nodes.has(name)) continue;
      const from = this.#candidates.sourceOf(entry);
      if (this.#disabled.has(name)) {
        disabled.push(name);
        nodes.set(name, offNode(name, entry, 'disabled'));
      } else if (
        (from !== undefined && collected.incomplete.has(from)) ||
        broken.has(entry.source)
      ) {
        held.add(name);
        nodes.set(name, heldNode(entry));
      } else {
        nodes.set(name, offNode(name, entry, 'removed'));
      }
      await pause();
    }

    await breathe();
    const failedBefore = new Map<string, PluginFailure>();
    for (const failure of failures) {
      if (failure.name !== undefined && failure.stage !== 'conflict') {
        failedBefore.set(failure.name, failure);
      }
    }
    const resolutions = await runSchedule(
      nodes,
      this.#published,
      (members) => {
        this.#publish(members, state);
      },
      failedBefore,
    );
    await Promise.all(state.unloading);
    await breathe();
    // one pass over require.cache for every directory the scan retired, not one per publication
    releaseModules([...state.released].filter((dir) => !this.#published.servesFrom(dir)));
    await breathe();
    this.#candidates.forgetSticky(collected.candidates, resolutions, before);
    await breathe();
    // a targeted scan looked at no archive: nothing for the sources to tidy
    if (targeted === undefined) await this.#endScan();
    await breathe();
    const allFailures = [
      ...failures,
      ...state.failures.sort((a, b) => compareStrings(a.source, b.source)),
    ];
    this.#failures = Object.freeze(allFailures);
    const changes = await describeChanges(resolutions, before, held);
    return Object.freeze({
      ...changes,
      extracted: collected.candidates
        .filter((c) => c.extracted === true)
        .map((c) => c.source)
        .sort(),
      disabled: disabled.sort(compareStrings),
      failed: this.#failures,
      durationMs: performance.now() - started,
    });
  }

  /** Unloads every plugin, dependents first (for `close()`). */
  async unloadAll(): Promise<void> {
    const retired = [...this.#published.entries()].map((entry): Retired<T, M> => ({
      entry,
      reason: 'closed',
    }));
    this.#published.clear();
    this.#candidates.clearSticky();
    this.#last = undefined;
    const failures = await retireEntries(retired, releaseModules, this.options, this.sink);
    for (const failure of failures) this.sink.failed(failure);
    this.#failures = Object.freeze(failures);
  }

  /** Closes every source (an archive source removes its cache lease; extractions stay). */
  async close(): Promise<void> {
    for (const source of this.#sources) await source.close().catch(() => undefined);
  }

  /** Reports a failure, once: one that stood before the scan is not announced again. */
  #announce(failure: PluginFailure, state: ScanState): void {
    const key = failureKey(failure);
    if (state.announced.has(key)) return;
    state.announced.add(key);
    this.sink.failed(failure);
  }

  /**
   * Announces one publication (already applied): its failures, then each new
   * version, then unloads the versions that stopped serving.
   */
  #publish(members: readonly Publication<T, M>[], state: ScanState): void {
    const retired: Retired<T, M>[] = [];
    for (const { resolution } of members) {
      if (resolution.failure === undefined) continue;
      state.failures.push(resolution.failure);
      this.#announce(resolution.failure, state);
    }
    for (const { resolution, previous } of members) {
      if (resolution.entry === previous) continue;
      if (resolution.entry !== undefined) this.sink.loaded(resolution.entry, previous);
      if (previous !== undefined) {
        const reason =
          resolution.entry === undefined ? (resolution.reason ?? 'removed') : 'replaced';
        retired.push({ entry: previous, reason });
      }
    }
    if (retired.length === 0) return;
    const release = (dirs: readonly string[]): void => {
      for (const dir of dirs) state.released.add(dir);
    };
    state.unloading.push(
      retireEntries(retired, release, this.options, this.sink).then((failures) => {
        for (const failure of failures) {
          state.failures.push(failure);
          this.#announce(failure, state);
        }
      }),
    );
  }

  /** Tells each source which directories its plugins serve from now, so it can tidy up. */
  async #endScan(): Promise<void> {
    for (const source of this.#sources) {
      const kept = new Set<string>();
      for (const entry of this.#published.entries()) {
        if (this.#candidates.sourceOf(entry) === source) kept.add(entry.dir);
      }
      await source.endScan(kept).catch((error: unknown) => {
        debug('a plugin source could not end its scan: %s', describeError(error));
      });
    }
  }
}
