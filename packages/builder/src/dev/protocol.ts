// The `augment dev` handshake, the builder's side: what the host writes in
// its plugin folder and what it answers. Kept small and apart from core's own
// copy on purpose (the builder imports nothing of core's internals); both
// follow the same contract.

/** The protocol version both sides speak. */
export const DEV_PROTOCOL = 1;

/** The address file a listening host writes in its plugin folder. */
export const ADDRESS_FILE = '.augment-dev.json';

/** How long a connection to the host may take. */
export const CONNECT_TIMEOUT_MS = 1000;

/** How long the host may take to answer (it reloads the plugin first). */
export const ANSWER_TIMEOUT_MS = 30_000;

/** The longest line either side accepts. */
export const MAX_LINE_BYTES = 64 * 1024;

/** What `.augment-dev.json` holds. */
export interface DevAddress {
  readonly protocol: number;
  /** A Unix socket path, or a Windows named pipe name. */
  readonly address: string;
  readonly token: string;
  readonly pid: number;
  readonly folder: string;
}

/** A `changed` request. */
export interface ChangedRequest {
  readonly protocol: typeof DEV_PROTOCOL;
  readonly token: string;
  readonly id: number;
  readonly type: 'changed';
  readonly plugin: string;
}

/** The host loaded the plugin (or found it unchanged). */
export interface LoadedAnswer {
  readonly id: number;
  readonly ok: true;
  readonly name: string;
  readonly version: string;
  readonly status: 'added' | 'updated' | 'unchanged';
  readonly ms: number;
}

/** The host refused the plugin, or the request. */
export interface RefusedAnswer {
  readonly id: number;
  readonly ok: false;
  readonly name?: string | undefined;
  readonly code: string;
  readonly stage?: string | undefined;
  readonly message: string;
  readonly file?: string | undefined;
  readonly frame?: string | undefined;
}

/** Any answer to a `changed` request. */
export type ChangedAnswer = LoadedAnswer | RefusedAnswer;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the content of `.augment-dev.json`; undefined when it is not one
 * this client understands (another protocol, a field missing).
 *
 * @param text - the file's content
 */
export function parseAddress(text: string): DevAddress | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { protocol, address, token, pid, folder } = value;
  if (protocol !== DEV_PROTOCOL) return undefined;
  if (typeof address !== 'string' || typeof token !== 'string') return undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { protocol, address, token, pid, folder: typeof folder === 'string' ? folder : '' };
}

/**
 * Reads one answer line; undefined when it is not an answer (not JSON, no
 * `ok`).
 *
 * @param line - one line the host wrote, without its newline
 */
export function parseAnswer(line: string): ChangedAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.id !== 'number') return undefined;
  if (value.ok === true) {
    const { status } = value;
    if (status !== 'added' && status !== 'updated' && status !== 'unchanged') return undefined;
    return {
      id: value.id,
      ok: true,
      name: optionalString(value.name) ?? '',
      version: optionalString(value.version) ?? '',
      status,
      ms: typeof value.ms === 'number' ? value.ms : 0,
    };
  }
  if (value.ok !== false) return undefined;
  return {
    id: value.id,
    ok: false,
    name: optionalString(value.name),
    code: optionalString(value.code) ?? 'AUG_DEV_PROTOCOL',
    stage: optionalString(value.stage),
    message: optionalString(value.message) ?? 'the host gave no reason',
    file: optionalString(value.file),
    frame: optionalString(value.frame),
  };
}
