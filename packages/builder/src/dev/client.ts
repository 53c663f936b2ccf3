// Telling a listening host that a plugin changed (see protocol.ts). Never
// throws and never hangs: every way the host can be missing or misbehave is
// an outcome to print.
import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import {
  ADDRESS_FILE,
  ANSWER_TIMEOUT_MS,
  CONNECT_TIMEOUT_MS,
  DEV_PROTOCOL,
  MAX_LINE_BYTES,
  parseAddress,
  parseAnswer,
  type ChangedAnswer,
  type ChangedRequest,
  type DevAddress,
} from './protocol.js';

/** What came of a notification. */
export type NotifyOutcome =
  /** The host answered (loaded, or refused the plugin or the request). */
  | { readonly kind: 'answered'; readonly answer: ChangedAnswer; readonly pid: number }
  /** No host is listening: no address file, a dead pid, nothing at the address. */
  | { readonly kind: 'absent'; readonly why: string }
  /** A host was there but gave no answer (timed out, hung up, answered nonsense). */
  | { readonly kind: 'failed'; readonly why: string };

/** Bounds of one notification, for tests. */
export interface NotifyTimeouts {
  readonly connectMs?: number;
  readonly answerMs?: number;
}

let nextId = 1;

/**
 * Reads `<folder>/.augment-dev.json` and asks the host it names to reload
 * `plugin`. The file is read anew for every notification: a restarted host
 * writes a new one.
 *
 * @param folder - the host's plugin folder (absolute)
 * @param plugin - the plugin's name
 * @param timeouts - connect and answer bounds (default 1 s and 30 s)
 */
export async function notifyChanged(
  folder: string,
  plugin: string,
  timeouts: NotifyTimeouts = {},
): Promise<NotifyOutcome> {
  const address = await readAddress(folder);
  if (typeof address === 'string') return { kind: 'absent', why: address };
  const request: ChangedRequest = {
    protocol: DEV_PROTOCOL,
    token: address.token,
    id: nextId++,
    type: 'changed',
    plugin,
  };
  return ask(address, request, {
    connectMs: timeouts.connectMs ?? CONNECT_TIMEOUT_MS,
    answerMs: timeouts.answerMs ?? ANSWER_TIMEOUT_MS,
  });
}

/** The host's address, or why there is none. */
async function readAddress(folder: string): Promise<DevAddress | string> {
  const file = join(folder, ADDRESS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return `no ${ADDRESS_FILE} in the folder`;
  }
  const address = parseAddress(text);
  if (address === undefined) return `${ADDRESS_FILE} is not one this builder reads`;
  if (!isAlive(address.pid))
    return `the host that wrote ${ADDRESS_FILE} (pid ${address.pid}) is gone`;
  return address;
}

/** Whether a process runs with this pid (one of another user counts). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'EPERM';
  }
}

/** Connects, sends one request, reads one answer line. */
function ask(
  address: DevAddress,
  request: ChangedRequest,
  bounds: { connectMs: number; answerMs: number },
): Promise<NotifyOutcome> {
  return new Promise<NotifyOutcome>((done) => {
    const socket = createConnection(address.address);
    let connected = false;
    let buffer = '';
    const finish = (outcome: NotifyOutcome): void => {
      clearTimeout(timer);
      socket.destroy();
      done(outcome);
    };
    let timer = setTimeout(() => {
      finish({ kind: 'absent', why: `no answer to a connection within ${bounds.connectMs} ms` });
    }, bounds.connectMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish({
          kind: 'failed',
          why: `the host did not answer within ${Math.round(bounds.answerMs / 1000)} s`,
        });
      }, bounds.answerMs);
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end === -1) {
        if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) {
          finish({ kind: 'failed', why: 'the host answered a line over 64 KiB' });
        }
        return;
      }
      const answer = parseAnswer(buffer.slice(0, end));
      finish(
        answer === undefined
          ? { kind: 'failed', why: 'the host answered something that is not an answer' }
          : { kind: 'answered', answer, pid: address.pid },
      );
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) {
        finish({
          kind: 'absent',
          why: `nothing listens at ${address.address} (${error.code ?? error.message})`,
        });
      } else {
        finish({ kind: 'failed', why: `the connection to the host failed (${error.message})` });
      }
    });
    socket.on('close', () => {
      finish({ kind: 'failed', why: 'the host closed the connection without answering' });
    });
  });
}
