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

/**
 * One scan at a time: a call made while a scan runs schedules one follow-up
 * scan, and every call made until that follow-up starts shares it (the same
 * promise, the same report).
 */
export class ScanQueue {
  #running: Promise<ReloadReport> | undefined;
  #queued: Promise<ReloadReport> | undefined;

  /**
   * @param scan - runs one scan
   * @param closed - whether the host is closed (then a scan that has not started rejects)
   */
  constructor(
    private readonly scan: (reason: ReloadReason) => Promise<ReloadReport>,
    private readonly closed: () => boolean,
  ) {}

  /** Runs a scan now, or shares the follow-up of the one that runs. */
  schedule(reason: ReloadReason): Promise<ReloadReport> {
    if (this.closed()) return Promise.reject(hostClosedError());
    if (this.#queued !== undefined) return this.#queued;
    if (this.#running === undefined) return this.#start(reason);
    this.#queued = this.#running.then(
      () => this.#afterQueue(reason),
      () => this.#afterQueue(reason),
    );
    return this.#queued;
  }

  /** Resolves once the running scan and the queued one have settled, however they end. */
  async settled(): Promise<void> {
    await this.#queued?.catch(() => undefined);
    await this.#running?.catch(() => undefined);
  }

  #afterQueue(reason: ReloadReason): Promise<ReloadReport> {
    this.#queued = undefined;
    if (this.closed()) return Promise.reject(hostClosedError());
    return this.#start(reason);
  }

  #start(reason: ReloadReason): Promise<ReloadReport> {
    const run = this.scan(reason).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}
