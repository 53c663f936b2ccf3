import { AugmentError, ERROR_CODES, describeError, isAugmentError } from '../errors.js';
import { log } from '../util/log.js';
import type { EventEmitter } from 'node:events';
import { emitSafely } from '../util/emit-safely.js';
import type { Logger, PluginEntry, ReloadReport } from '../types.js';
import { answerChanged } from './answer.js';
import { openDevEndpoint, type DevEndpoint } from './endpoint.js';
import type { DevAnswer, DevRequest } from './protocol.js';

type Entry = Pick<PluginEntry<unknown, unknown>, 'manifest'>;

/** What the `augment dev` endpoint reads from its host (a `PluginHost`). */
export interface DevHost extends EventEmitter {
  /** The host's folder and logger. */
  readonly options: { readonly folder: string; readonly logger: Logger | false };
  /** The entry serving under a name. */
  get(name: string): Entry | undefined;
  /** Every entry serving, sorted by name. */
  getAll(): readonly Entry[];
}

/**
 * Opens a host's `augment dev` endpoint. Never rejects: a failure to listen
 * is logged (warn) and emitted as `dev:error`, and the host serves on without it.
 *
 * @param host - the host, whose events it emits
 * @param reload - reloads one plugin through the host's scan queue (reason `'dev'`)
 * @returns the endpoint, or undefined when it could not be opened
 */
export async function startDev(
  host: DevHost,
  reload: (name: string) => Promise<ReloadReport>,
): Promise<DevEndpoint | undefined> {
  const { folder, logger } = host.options;
  try {
    return await openDevEndpoint({ folder, handle: (request) => serve(host, reload, request) });
  } catch (cause) {
    const error = isAugmentError(cause)
      ? cause
      : new AugmentError(ERROR_CODES.DEV_LISTEN, `augment dev: ${describeError(cause)}`, { cause });
    log(logger, 'warn', error.message);
    emitSafely(host, logger, 'dev:error', [{ error }]);
    return undefined;
  }
}

async function serve(
  host: DevHost,
  reload: (name: string) => Promise<ReloadReport>,
  request: DevRequest,
): Promise<DevAnswer> {
  const { folder } = host.options;
  if (request.type === 'hello') {
    const plugins = host.getAll().map((entry) => entry.manifest.name);
    return { ok: true, pid: process.pid, folder, plugins };
  }
  const name = request.plugin;
  try {
    const report = await reload(name);
    return answerChanged(name, report, host.get(name), folder);
  } catch (error) {
    // the host closed meanwhile: say so rather than drop the connection
    if (!isAugmentError(error)) throw error;
    return { ok: false, name, code: error.code, message: error.message };
  }
}
