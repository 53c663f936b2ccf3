import type { Socket } from 'node:net';
import { ERROR_CODES, describeError } from '../errors.js';
import { debug } from '../util/log.js';
import { MAX_LINE_BYTES, parseLine, type DevAnswer, type DevRequest } from './protocol.js';

/** What a connection needs from its endpoint. */
export interface ConnectionOptions {
  /** Whether a request's token is the endpoint's. */
  readonly authorised: (token: unknown) => boolean;
  /** Serves one checked request. */
  readonly handle: (request: DevRequest) => Promise<DevAnswer>;
}

const NEWLINE = 0x0a;

/**
 * Serves one client: newline-delimited JSON requests, one at a time (the
 * socket is paused while one is served), each answered by one line. Closes
 * the connection on a line over {@link MAX_LINE_BYTES}, on a line that is not
 * JSON, on more unanswered input than two such lines, and after answering a
 * wrong token with `AUG_DEV_FORBIDDEN`. Never throws: whatever a client sends
 * is logged at debug level at worst.
 */
export function serveConnection(socket: Socket, options: ConnectionOptions): void {
  socket.unref();
  let pending: Buffer = Buffer.alloc(0);
  let busy = false;
  const drop = (why: string): void => {
    debug('augment dev: closing a connection: %s', why);
    socket.destroy();
  };
  const send = (answer: object, end = false): void => {
    if (!socket.writable) return;
    const line = `${JSON.stringify(answer)}\n`;
    if (!end) {
      socket.write(line);
      return;
    }
    socket.once('finish', () => socket.destroy());
    socket.end(line);
  };
  const serve = async (line: string): Promise<void> => {
    const parsed = parseLine(line);
    if (parsed.kind === 'garbage') {
      drop(parsed.reason);
      return;
    }
    const { id, request } = parsed;
    if (!options.authorised(parsed.token)) {
      const message = `Wrong token (${ERROR_CODES.DEV_FORBIDDEN}): read it again from the host's .augment-dev.json.`;
      send({ id, ok: false, code: ERROR_CODES.DEV_FORBIDDEN, message }, true);
      return;
    }
    if (request.type === 'unknown') {
      const message = `${request.problem} (${ERROR_CODES.DEV_PROTOCOL})`;
      send({ id, ok: false, code: ERROR_CODES.DEV_PROTOCOL, message });
      return;
    }
    try {
      send({ id, ...(await options.handle(request)) });
    } catch (error) {
      drop(`serving ${request.type} failed: ${describeError(error)}`);
    }
  };
  const pump = (): void => {
    while (!busy && socket.writable && !socket.destroyed) {
      const end = pending.indexOf(NEWLINE);
      if (end === -1 ? pending.length > MAX_LINE_BYTES : end > MAX_LINE_BYTES) {
        drop(`a line over ${String(MAX_LINE_BYTES)} bytes`);
        return;
      }
      if (end === -1) return;
      const line = pending.subarray(0, end).toString('utf8');
      pending = pending.subarray(end + 1);
      busy = true;
      socket.pause();
      void serve(line)
        .catch((error: unknown) => {
          drop(`a request failed: ${describeError(error)}`);
        })
        .finally(() => {
          busy = false;
          if (!socket.destroyed) socket.resume();
          pump();
        });
    }
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (pending.length > 2 * MAX_LINE_BYTES + 2) {
      drop('too much input while a request is served');
      return;
    }
    pump();
  });
  socket.on('error', (error) => {
    debug('augment dev: connection error: %s', describeError(error));
  });
}
