import { debug } from '../util/log.js';
import { loopPacer } from '../util/pacer.js';
import { ERROR_CODES, describeError } from '../errors.js';
import { classifyCandidates, settleConflicts, type ValidCandidate } from './classify.js';
import { collectCandidates } from './collect.js';
import { dependencyMap } from './dependency-map.js';
import { stranded } from './dependency-failures.js';
import { failureKey } from './failures.js';
import { loadCandidate, type ScanContext } from './load-candidate.js';
import { Published } from './published.js';
import { retireEntries, type Retired } from './retire.js';
import {
  runSchedule,
  sameDependencies,
  type Publication,
  type ResolvedDependencies,
  type Resolution,
  type ScheduledNode,
} from './schedule.js';
import { compareStrings } from '../util/compare-strings.js';
import type { ResolvedPluginHostOptions } from '../options.js';
import type { Registry } from './registry.js';
import type { UnloadReason } from '../events.js';
import type { PluginCandidate, PluginSource } from '../sources/source.js';
import type { PluginEntry, PluginFailure, ReloadReport } from '../types.js';

/** What the reloader tells its host, in order, as a scan publishes. */
export interface ReloadSink<T, M> {
  failed(failure: PluginFailure): void;
  loaded(entry: PluginEntry<T, M>, previous: PluginEntry<T, M> | undefined): void;
  unloaded(entry: PluginEntry<T, M>, reason: UnloadReason): void;
  skipped(source: string): void;
}

/** What a rescan compares a published entry against. */
interface Origin {
  /** The candidate's fingerprint when it was loaded. */
  readonly fingerprint: string;
  /** The source it came from. */
  readonly from: PluginSource;
}

interface StickyFailure {
  readonly fingerprint: string;
  /** The dependencies it failed against ({@link Reloader.dependencyKey}). */
  readonly dependencies: string;
  readonly failure: PluginFailure;
}

/** One scan's bookkeeping while it publishes. */
interface ScanState {
  readonly failures: PluginFailure[];
  readonly unloading: Promise<void>[];
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
  readonly #origins = new WeakMap<PluginEntry<T, M>, Origin>();
  readonly #ids = new WeakMap<PluginEntry<T, M>, number>();
  #nextId = 0;
  readonly #sticky = new Map<string, StickyFailure>();
  #failures: readonly PluginFailure[] = Object.freeze([]);
  readonly #disabled: Set<string>;
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
    this.#disabled = new Set(options.disabled);
  }

  /** The published registry. */
  get registry(): Registry<T, M> {
    return this.#published.registry;
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

  /** Rescans the sources, then loads and publishes what changed, plugin by plugin. */
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
    await breathe();
    const state: ScanState = {
      failures: [],
      unloading: [],
      announced: new Set(this.#failures.map(failureKey)),
    };
    for (const failure of failures) this.#announce(failure, state);

    const before = new Map<string, PluginEntry<T, M>>();
    for (const entry of this.#published.entries()) before.set(entry.manifest.name, entry);
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
        nodes.set(name, this.#candidateNode(winner, from, context));
      }
    }
    for (const [name, entry] of before) {
      if (nodes.has(name)) continue;
      const from = this.#origins.get(entry)?.from;
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
    this.#forgetSticky(collected.candidates, resolutions, before);
    await this.#endScan();
    const allFailures = [
      ...failures,
      ...state.failures.sort((a, b) => compareStrings(a.source, b.source)),
    ];
    this.#failures = Object.freeze(allFailures);
    return Object.freeze({
      ...describeChanges(resolutions, before, held),
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
    this.#sticky.clear();
    const failures = await retireEntries(retired, () => false, this.options, this.sink);
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
    const published = this.#published;
    state.unloading.push(
      retireEntries(retired, (dir) => published.servesFrom(dir), this.options, this.sink).then(
        (failures) => {
          for (const failure of failures) {
            state.failures.push(failure);
            this.#announce(failure, state);
          }
        },
      ),
    );
  }

  /** Sticky failures end when their plugin loads or their source is gone. */
  #forgetSticky(
    candidates: readonly PluginCandidate[],
    resolutions: ReadonlyMap<string, Resolution<T, M>>,
    before: ReadonlyMap<string, PluginEntry<T, M>>,
  ): void {
    for (const [name, { entry }] of resolutions) {
      if (entry !== undefined && entry !== before.get(name)) this.#sticky.delete(entry.source);
    }
    const seen = new Set(candidates.map((c) => c.source));
    for (const source of this.#sticky.keys()) {
      if (!seen.has(source)) this.#sticky.delete(source);
    }
  }

  /** Tells each source which directories its plugins serve from now, so it can tidy up. */
  async #endScan(): Promise<void> {
    for (const source of this.#sources) {
      const kept = new Set<string>();
      for (const entry of this.#published.entries()) {
        if (this.#origins.get(entry)?.from === source) kept.add(entry.dir);
      }
      await source.endScan(kept).catch((error: unknown) => {
        debug('a plugin source could not end its scan: %s', describeError(error));
      });
    }
  }

  #candidateNode(
    candidate: ValidCandidate,
    from: PluginSource,
    context: ScanContext,
  ): ScheduledNode<T, M> {
    const { manifest } = candidate;
    return {
      name: manifest.name,
      source: candidate.source,
      dir: candidate.dir,
      requires: dependencyMap(manifest.pluginDependencies),
      optional: dependencyMap(manifest.optionalPluginDependencies),
      settle: (dependencies, keepable) =>
        this.#settleCandidate(candidate, from, context, dependencies, keepable),
    };
  }

  #settleCandidate(
    candidate: ValidCandidate,
    from: PluginSource,
    context: ScanContext,
    dependencies: ResolvedDependencies<T, M>,
    keepable: () => boolean,
  ): Resolution<T, M> | Promise<Resolution<T, M>> {
    const previous = this.#published.get(candidate.manifest.name);
    if (
      previous !== undefined &&
      this.#origins.get(previous)?.fingerprint === candidate.fingerprint &&
      previous.source === candidate.source &&
      previous.dir === candidate.dir &&
      sameDependencies(previous.dependencies, dependencies)
    ) {
      return { entry: previous };
    }
    const afterFailure = (failure: PluginFailure): Resolution<T, M> =>
      keepable()
        ? { entry: previous, failure }
        : { entry: undefined, failure, reason: 'dependency' };
    const key = this.#dependencyKey(dependencies);
    const sticky = this.#sticky.get(candidate.source);
    if (
      sticky !== undefined &&
      sticky.fingerprint === candidate.fingerprint &&
      sticky.dependencies === key
    ) {
      return afterFailure(sticky.failure);
    }
    return this.#load(candidate, from, context, dependencies).then((result) => {
      if ('entry' in result) return { entry: result.entry };
      if (isTransient(result.failure)) this.#sticky.delete(candidate.source);
      else {
        this.#sticky.set(candidate.source, {
          fingerprint: candidate.fingerprint,
          dependencies: key,
          failure: result.failure,
        });
      }
      return afterFailure(result.failure);
    });
  }

  /** Loads a candidate; each start runs synchronously up to its first await, a slice's worth per turn of the loop. */
  async #load(
    candidate: ValidCandidate,
    from: PluginSource,
    context: ScanContext,
    dependencies: ResolvedDependencies<T, M>,
  ): Promise<{ entry: PluginEntry<T, M> } | { failure: PluginFailure }> {
    const load = (): Promise<{ entry: PluginEntry<T, M> } | { failure: PluginFailure }> =>
      loadCandidate(candidate, this.options, context, dependencies);
    let result = await loopPacer.run(load);
    // A failure caused by a source's files going missing (an extraction
    // someone damaged) is not the plugin's: the source restores them and the
    // plugin is loaded once more. Only a failure from complete files stands.
    if ('failure' in result && from.repair !== undefined && (await from.repair(candidate))) {
      result = await load();
    }
    if ('entry' in result) {
      this.#origins.set(result.entry, { fingerprint: candidate.fingerprint, from });
    }
    return result;
  }

  /** Names the very entries a plugin is loaded against, to tell a retry from a repeat. */
  #dependencyKey(dependencies: ResolvedDependencies<T, M>): string {
    return Object.keys(dependencies)
      .sort(compareStrings)
      .map((name) => {
        const entry = dependencies[name] as PluginEntry<T, M>;
        let id = this.#ids.get(entry);
        if (id === undefined) this.#ids.set(entry, (id = this.#nextId += 1));
        return `${name}#${String(id)}`;
      })
      .join('\0');
  }
}

/**
 * Whether a failure may pass by itself, so the next scan tries again even
 * though the files did not change: a timeout (a busy machine, a server that
 * was slow to answer). Every other failure comes from the files or the
 * plugins they depend on, and stands until those change.
 */
function isTransient(failure: PluginFailure): boolean {
  return failure.code === ERROR_CODES.LOAD_TIMEOUT;
}

/** Lets the event loop turn when this stretch of synchronous work has used its slice. */
async function breathe(): Promise<void> {
  if (loopPacer.spent()) await loopPacer.turn();
}

/** A name that stops (or never starts) serving this scan, without waiting for anything. */
function offNode<T, M>(
  name: string,
  where: { readonly source: string; readonly dir: string },
  reason: UnloadReason,
): ScheduledNode<T, M> {
  return {
    name,
    source: where.source,
    dir: where.dir,
    requires: {},
    optional: {},
    immediate: { entry: undefined, reason },
  };
}

/**
 * A published plugin whose source could not be read this scan: it keeps
 * serving, unless a plugin it was loaded against changed, which it cannot
 * follow without its files.
 */
function heldNode<T, M>(entry: PluginEntry<T, M>): ScheduledNode<T, M> {
  const { manifest } = entry;
  return {
    name: manifest.name,
    source: entry.source,
    dir: entry.dir,
    requires: dependencyMap(manifest.pluginDependencies),
    optional: dependencyMap(manifest.optionalPluginDependencies),
    settle: (_dependencies, keepable) => {
      if (keepable()) return { entry };
      const changed = Object.keys(entry.dependencies).sort(compareStrings);
      return {
        entry: undefined,
        reason: 'dependency',
        failure: stranded(
          { name: manifest.name, source: entry.source },
          changed,
          'its source cannot be read this time to reload it',
        ),
      };
    },
  };
}

/** The report's lists of names, from how each name ended. */
function describeChanges<T, M>(
  resolutions: ReadonlyMap<string, Resolution<T, M>>,
  before: ReadonlyMap<string, PluginEntry<T, M>>,
  held: ReadonlySet<string>,
): Pick<ReloadReport, 'added' | 'updated' | 'removed' | 'unchanged' | 'kept'> {
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
  }
  for (const list of Object.values(lists)) list.sort(compareStrings);
  return lists;
}
