import { AugmentError, ERROR_CODES } from '../errors.js';
import type { ReloadReason } from '../events.js';
import type { ReloadReport } from '../types.js';

/** The error of a call made after `close()`. */
export function hostClosedError(): AugmentError {
  return new AugmentError(
    ERROR_CODES.HOST_CLOSED,
    'This PluginHost is closed. Create a new PluginHost to load plugins again.',
  );
}

/** What a scan covers: the plugins named (a targeted reload), or `undefined` for the whole folder. */
export type ScanScope = ReadonlySet<string> | undefined;

/** What the follow-up scan covers so far. */
interface Widening {
  /** The names to reload, or `undefined` once a call asked for the whole folder. */
  only: Set<string> | undefined;
}

/** The follow-up scan. */
interface Queued {
  readonly promise: Promise<ReloadReport>;
  readonly scope: Widening;
}

/**
 * One scan at a time: a call made while a scan runs schedules one follow-up
 * scan, and every call made until that follow-up starts shares it (the same
 * promise, the same report). A targeted call (`only`) widens the follow-up
 * by its name; a full call makes it a full scan.
 */
export class ScanQueue {
  #running: Promise<ReloadReport> | undefined;
  #queued: Queued | undefined;

  /**
   * @param scan - runs one scan, of the whole folder or of the names in scope
   * @param closed - whether the host is closed (then a scan that has not started rejects)
   */
  constructor(
    private readonly scan: (reason: ReloadReason, only: ScanScope) => Promise<ReloadReport>,
    private readonly closed: () => boolean,
  ) {}

  /**
   * Runs a scan now, or shares the follow-up of the one that runs.
   *
   * @param only - a plugin name for a targeted scan; the whole folder when undefined
   */
  schedule(reason: ReloadReason, only?: string): Promise<ReloadReport> {
    if (this.closed()) return Promise.reject(hostClosedError());
    const queued = this.#queued;
    if (queued !== undefined) {
      if (only === undefined) queued.scope.only = undefined;
      else queued.scope.only?.add(only);
      return queued.promise;
    }
    const scope: Widening = { only: only === undefined ? undefined : new Set([only]) };
    if (this.#running === undefined) return this.#start(reason, scope.only);
    const after = (): Promise<ReloadReport> => this.#afterQueue(reason, scope);
    const promise = this.#running.then(after, after);
    this.#queued = { promise, scope };
    return promise;
  }

  /** Resolves once the running scan and the queued one have settled, however they end. */
  async settled(): Promise<void> {
    await this.#queued?.promise.catch(() => undefined);
    await this.#running?.catch(() => undefined);
  }

  #afterQueue(reason: ReloadReason, scope: Widening): Promise<ReloadReport> {
    this.#queued = undefined;
    if (this.closed()) return Promise.reject(hostClosedError());
    return this.#start(reason, scope.only);
  }

  #start(reason: ReloadReason, only: ScanScope): Promise<ReloadReport> {
    const run = this.scan(reason, only).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}
