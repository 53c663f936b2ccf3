// The `augment dev` handshake, host side: message types and parsing. The
// contract is in docs/host-guide.md (section "augment dev"); the builder keeps
// its own copy of these shapes in packages/builder/src/dev/protocol.ts, on
// purpose (it must not import core's internals).

import type { ErrorCode } from '../errors.js';
import type { FailureStage } from '../types.js';

/** The protocol version this host speaks. */
export const DEV_PROTOCOL = 1;

/** The address file, in the plugin folder (a dot-entry: the scan and the watcher skip it). */
export const ADDRESS_FILE = '.augment-dev.json';

/** The longest request line, in bytes (without its newline); a longer one closes the connection. */
export const MAX_LINE_BYTES = 64 * 1024;

/** The longest plugin name a request may carry (npm's limit on package names). */
const MAX_NAME_LENGTH = 214;

/** What `.augment-dev.json` holds. */
export interface AddressFile {
  /** The protocol version, {@link DEV_PROTOCOL}. */
  readonly protocol: typeof DEV_PROTOCOL;
  /** The socket path, or the pipe name on Windows. */
  readonly address: string;
  /** 32 hex characters every request must carry. */
  readonly token: string;
  /** The host's process id, so that a client can tell a stale file. */
  readonly pid: number;
  /** The host's plugin folder, absolute. */
  readonly folder: string;
}

/** A request the host serves, once its token and protocol are checked. */
export type DevRequest =
  | { readonly type: 'hello' }
  | {
      readonly type: 'changed';
      /** The plugin's manifest name. */
      readonly plugin: string;
    };

/** The answer to `hello`. */
export interface HelloAnswer {
  /** Always true. */
  readonly ok: true;
  /** The host's process id. */
  readonly pid: number;
  /** The host's plugin folder, absolute. */
  readonly folder: string;
  /** The names of the plugins loaded, sorted. */
  readonly plugins: readonly string[];
}

/** The answer to `changed` when the plugin serves. */
export interface LoadedAnswer {
  /** Always true. */
  readonly ok: true;
  /** The plugin's name. */
  readonly name: string;
  /** The version that serves now. */
  readonly version: string;
  /** Loaded for the first time, a new version, or the same files as before. */
  readonly status: 'added' | 'updated' | 'unchanged';
  /** How long the reload took, in ms. */
  readonly ms: number;
}

/** The answer to `changed` when the plugin failed (its last good version, if any, serves on). */
export interface FailedAnswer {
  /** Always false. */
  readonly ok: false;
  /** The plugin's name. */
  readonly name: string;
  /** The failure's `AUG_…` code. */
  readonly code: ErrorCode;
  /** The stage that failed. */
  readonly stage: FailureStage;
  /** The failure's message: what happened and what to do. */
  readonly message: string;
  /** The file the failure is about. */
  readonly file?: string;
  /** The code frame the error carries (a syntax error's line and caret), when it has one. */
  readonly frame?: string;
}

/** An answer that is not about a plugin's load: a wrong token, an unknown request, a missing plugin. */
export interface RefusedAnswer {
  /** Always false. */
  readonly ok: false;
  /** The plugin named in the request, for `changed`. */
  readonly name?: string;
  /** `AUG_DEV_…`, or `AUG_HOST_CLOSED`. */
  readonly code: ErrorCode;
  /** What happened and what to do. */
  readonly message: string;
}

/** Any answer, before the request's `id` is added. */
export type DevAnswer = HelloAnswer | LoadedAnswer | FailedAnswer | RefusedAnswer;

/** What one request line says. */
export type ParsedLine =
  | {
      /** Not JSON: the connection is closed. */
      readonly kind: 'garbage';
      /** Why, for the debug log. */
      readonly reason: string;
    }
  | {
      /** A JSON value: answered. */
      readonly kind: 'message';
      /** The request's `id`, echoed in the answer; `null` when it has none. */
      readonly id: number | null;
      /** The token it carries, whatever its type. */
      readonly token: unknown;
      /** The request, or why it cannot be served (answered with `AUG_DEV_PROTOCOL`). */
      readonly request: DevRequest | { readonly type: 'unknown'; readonly problem: string };
    };

/**
 * Reads one request line. Never throws, whatever the line: a line that is
 * not JSON is `garbage`; any JSON value is a message, whose fields are read
 * only from a plain object (anything else has no token).
 *
 * @param line - one line, without its newline
 */
export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'garbage', reason: 'not JSON' };
  }
  const record: Readonly<Record<string, unknown>> =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const raw = Object.hasOwn(record, 'id') ? record['id'] : undefined;
  const id = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  const token = Object.hasOwn(record, 'token') ? record['token'] : undefined;
  return { kind: 'message', id, token, request: readRequest(record) };
}

function readRequest(
  record: Readonly<Record<string, unknown>>,
): DevRequest | { readonly type: 'unknown'; readonly problem: string } {
  const protocol = Object.hasOwn(record, 'protocol') ? record['protocol'] : undefined;
  if (protocol !== DEV_PROTOCOL) {
    return {
      type: 'unknown',
      problem: `protocol ${shown(protocol)} is not spoken here: this host speaks protocol ${String(DEV_PROTOCOL)}. Use the same version of @augment/builder and @augment/core.`,
    };
  }
  const type = Object.hasOwn(record, 'type') ? record['type'] : undefined;
  if (type === 'hello') return { type };
  if (type === 'changed') {
    const plugin = Object.hasOwn(record, 'plugin') ? record['plugin'] : undefined;
    if (typeof plugin === 'string' && plugin.length > 0 && plugin.length <= MAX_NAME_LENGTH) {
      return { type, plugin };
    }
    return {
      type: 'unknown',
      problem: `a "changed" request needs "plugin": a plugin name of 1 to ${String(MAX_NAME_LENGTH)} characters, got ${shown(plugin)}.`,
    };
  }
  return {
    type: 'unknown',
    problem: `unknown request type ${shown(type)}: this host answers "hello" and "changed".`,
  };
}

/** A short, safe rendering of a JSON value for a message. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 64));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return value === undefined ? 'nothing' : Array.isArray(value) ? 'an array' : 'an object';
}
