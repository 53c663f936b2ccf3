import { scanFolder, type PluginCandidate } from './discovery.js';
import { ERROR_CODES, LoadError, describeError } from './errors.js';
import { withTimeout } from './internal/timeout.js';
import { checkEngines, loadCandidate, toFailure, type ScanContext } from './load-candidate.js';
import { releaseModule } from './loader.js';
import type { ResolvedPluginHostOptions } from './options.js';
import { Registry, resolveConflicts } from './registry.js';
import type { UnloadReason } from './events.js';
import type { Manifest, PluginEntry, PluginFailure, ReloadReport } from './types.js';

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

interface Retired<T, M> {
  readonly entry: PluginEntry<T, M>;
  readonly reason: UnloadReason;
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

  /**
   * Creates a reloader for one host.
   *
   * @param options - the host's resolved options
   * @param sink - receives failures and lifecycle events as a scan publishes
   */
  constructor(
    private readonly options: ResolvedPluginHostOptions<T, M>,
    private readonly sink: ReloadSink<T, M>,
  ) {}

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
    const scan = await scanFolder(options.folder);
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
        if (error !== undefined)
          failures.push(toFailure(candidate.source, undefined, 'manifest', error));
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
    const outcomes = await Promise.all(winners.map((w) => this.#loadWinner(w, context)));

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
    const unloadFailures = await this.#retire(retired, inUse);
    for (const failure of unloadFailures) this.sink.failed(failure);
    const allFailures = [...failures, ...unloadFailures];
    this.#failures = Object.freeze(allFailures);

    return Object.freeze({
      added: added.sort(),
      updated: updated.sort(),
      removed: removed.sort(),
      unchanged: unchanged.sort(),
      kept: kept.sort(),
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
    const failures = await this.#retire(retired, new Set());
    for (const failure of failures) this.sink.failed(failure);
    this.#failures = Object.freeze(failures);
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
    const result = await loadCandidate(candidate, this.options, context);
    if ('failure' in result) {
      this.#sticky.set(candidate.source, {
        fingerprint: candidate.fingerprint,
        failure: result.failure,
      });
      return { candidate, failure: result.failure };
    }
    return { candidate, record: { entry: result.entry, fingerprint: candidate.fingerprint } };
  }

  /**
   * Runs `onUnload` for each retired version, then frees its CommonJS modules
   * unless a published plugin still loads from the same directory.
   */
  async #retire(
    retired: readonly Retired<T, M>[],
    inUse: ReadonlySet<string>,
  ): Promise<PluginFailure[]> {
    const failures: PluginFailure[] = [];
    const { onUnload, loadTimeoutMs } = this.options;
    await Promise.all(
      retired.map(async ({ entry, reason }) => {
        if (onUnload !== undefined) {
          try {
            await withTimeout(
              Promise.resolve().then(() => onUnload(entry)),
              loadTimeoutMs,
              () =>
                new LoadError(
                  ERROR_CODES.LOAD_TIMEOUT,
                  `Plugin "${entry.manifest.name}": onUnload did not settle within ${loadTimeoutMs} ms (loadTimeoutMs). Make disposal finish faster, or raise loadTimeoutMs.`,
                  { plugin: entry.manifest.name },
                ),
            );
          } catch (error) {
            failures.push(
              toFailure(
                entry.source,
                entry.manifest.name,
                'unload',
                new LoadError(
                  ERROR_CODES.UNLOAD_HOOK,
                  `The host's onUnload hook failed for plugin "${entry.manifest.name}" (${entry.source}): ${describeError(error)}. The plugin was unloaded anyway; make onUnload handle this case.`,
                  { plugin: entry.manifest.name, file: entry.source, cause: error },
                ),
              ),
            );
          }
        }
        if (!inUse.has(entry.dir)) releaseModule(entry.dir, entry.format);
        this.sink.unloaded(entry, reason);
      }),
    );
    return failures;
  }
}

/** What makes two failures the same failure, for reporting it once. */
function failureKey(failure: PluginFailure): string {
  return `${failure.source}\0${failure.code}\0${failure.message}`;
}

/** Asks the host's ignore option; a throwing predicate becomes a failure. */
function isIgnored(
  ignore: (manifest: Manifest) => boolean,
  manifest: Manifest,
  source: string,
): boolean | PluginFailure {
  try {
    return ignore(manifest);
  } catch (error) {
    return toFailure(
      source,
      manifest.name,
      'validate',
      new LoadError(
        ERROR_CODES.VALIDATE_THREW,
        `The host's "ignore" predicate threw for plugin "${manifest.name}" (${source}): ${describeError(error)}. Fix the predicate; the plugin is skipped until it returns true or false.`,
        { plugin: manifest.name, file: source, cause: error },
      ),
    );
  }
}

function conflictFailure(loser: Valid, winner: Valid): PluginFailure {
  const name = loser.manifest.name;
  const why =
    loser.manifest.version !== winner.manifest.version
      ? 'its version is higher'
      : loser.origin !== winner.origin
        ? 'a directory beats an archive of the same version'
        : 'same version; the lexically first path wins';
  return toFailure(
    loser.source,
    name,
    'conflict',
    new LoadError(
      ERROR_CODES.CONFLICT_DUPLICATE,
      `Plugin "${name}" ${loser.manifest.version} at ${loser.source} is not loaded: ${winner.source} has the same name with version ${winner.manifest.version} and wins (${why}). Remove one of them, or give them different names.`,
      { plugin: name, file: loser.source },
    ),
  );
}
