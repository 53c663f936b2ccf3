import { ERROR_CODES } from '../errors.js';
import { loopPacer } from '../util/pacer.js';
import { compareStrings } from '../util/compare-strings.js';
import type { ValidCandidate } from './classify.js';
import { loadCandidate, type ScanContext } from './load-candidate.js';
import { nodeOf } from './nodes.js';
import type { Published } from './published.js';
import {
  sameDependencies,
  type ResolvedDependencies,
  type Resolution,
  type ScheduledNode,
} from './schedule.js';
import type { ResolvedPluginHostOptions } from '../options.js';
import type { PluginCandidate, PluginSource } from '../sources/source.js';
import type { PluginEntry, PluginFailure } from '../types.js';

/** What a rescan compares a published entry against. */
interface Origin {
  /** The candidate's fingerprint when it was loaded. */
  readonly fingerprint: string;
  /** The source it came from. */
  readonly from: PluginSource;
}

interface StickyFailure {
  readonly fingerprint: string;
  /** The dependencies it failed against (see `#dependencyKey`). */
  readonly dependencies: string;
  readonly failure: PluginFailure;
}

/**
 * Loads the candidates of a host's scans, and remembers what the next scan
 * compares against: where each loaded entry came from (its fingerprint and
 * source), and each plugin whose files failed, so that it is not imported
 * again until they, or what it depends on, change (a timeout is retried at
 * the next scan).
 */
export class CandidateLoader<T, M> {
  readonly #origins = new WeakMap<PluginEntry<T, M>, Origin>();
  readonly #ids = new WeakMap<PluginEntry<T, M>, number>();
  #nextId = 0;
  readonly #sticky = new Map<string, StickyFailure>();

  /**
   * @param options - the host's resolved options
   * @param published - what serves now
   */
  constructor(
    private readonly options: ResolvedPluginHostOptions<T, M>,
    private readonly published: Published<T, M>,
  ) {}

  /** The source a loaded entry came from. */
  sourceOf(entry: PluginEntry<T, M>): PluginSource | undefined {
    return this.#origins.get(entry)?.from;
  }

  /** Forgets every sticky failure (the host closes). */
  clearSticky(): void {
    this.#sticky.clear();
  }

  /** Sticky failures end when their plugin loads or their source is gone. */
  forgetSticky(
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

  /** The schedule's node for a candidate: settled by reusing, by its sticky failure, or by loading it. */
  node(candidate: ValidCandidate, from: PluginSource, context: ScanContext): ScheduledNode<T, M> {
    return {
      ...nodeOf(candidate.manifest, candidate),
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
    const previous = this.published.get(candidate.manifest.name);
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
