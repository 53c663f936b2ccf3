import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AugmentError, ERROR_CODES, describeError } from '../errors.js';
import { debug } from '../util/log.js';
import { removeAddressFile, sweepStaleAddress, writeAddressFile } from './address-file.js';
import { serveConnection } from './connection.js';
import { ADDRESS_FILE, type DevAnswer, type DevRequest } from './protocol.js';

/**
 * The longest Unix socket path every system takes (macOS: 103 bytes, Linux:
 * 107). libuv cuts a longer one short instead of failing, which would put the
 * socket elsewhere, outside its private folder.
 */
const MAX_SOCKET_PATH_BYTES = 103;

/** What the endpoint needs from its host. */
export interface DevEndpointOptions {
  /** The host's plugin folder, absolute: the address file goes there. */
  readonly folder: string;
  /** Serves one request whose token and protocol are checked. May reject: the connection is then closed. */
  readonly handle: (request: DevRequest) => Promise<DevAnswer>;
}

/** An open `augment dev` endpoint. */
export interface DevEndpoint {
  /** The socket path, or the pipe name on Windows. */
  readonly address: string;
  /** The address file's path. */
  readonly file: string;
  /**
   * Stops listening, drops every connection (an idle client never holds it
   * up), removes the socket's folder, and removes the address file if it
   * still holds this endpoint's token. Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/**
 * Opens the `augment dev` endpoint of a host: a Unix socket in a fresh
 * private folder (0700) under the OS temp folder, or a named pipe on
 * Windows; then writes the address file (0600). Does not keep the process
 * alive by itself.
 *
 * @throws {AugmentError} `AUG_DEV_LISTEN` when it cannot listen or write the address file
 *   (whatever it had opened is closed again)
 */
export async function openDevEndpoint(options: DevEndpointOptions): Promise<DevEndpoint> {
  const token = randomBytes(16).toString('hex');
  const tokenDigest = digest(token);
  const sockets = new Set<Socket>();
  let closing = false;
  let dir: string | undefined;
  let server: Server | undefined;
  const cleanUp = async (): Promise<void> => {
    closing = true;
    for (const socket of sockets) socket.destroy();
    if (server?.listening === true) {
      const stopping = server;
      await new Promise<void>((resolve) => {
        stopping.close(() => {
          resolve();
        });
      });
    }
    if (dir !== undefined) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    let address: string;
    if (process.platform === 'win32') {
      address = `\\\\.\\pipe\\augment-dev-${randomBytes(8).toString('hex')}`;
    } else {
      dir = await mkdtemp(join(tmpdir(), 'augment-dev-'));
      await chmod(dir, 0o700);
      address = join(dir, 'dev.sock');
      if (Buffer.byteLength(address) > MAX_SOCKET_PATH_BYTES) {
        throw new Error(
          `the socket path ${address} is longer than the ${String(MAX_SOCKET_PATH_BYTES)} bytes a system allows; point TMPDIR at a shorter folder`,
        );
      }
    }
    const listening = createServer((socket) => {
      if (closing) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serveConnection(socket, {
        authorised: (given) => typeof given === 'string' && sameDigest(digest(given), tokenDigest),
        handle: options.handle,
      });
    });
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(address, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    listening.on('error', (error) => {
      debug('augment dev endpoint error: %s', describeError(error));
    });
    listening.unref();
    await sweepStaleAddress(join(options.folder, ADDRESS_FILE));
    const file = await writeAddressFile(options.folder, {
      address,
      token,
      pid: process.pid,
      folder: options.folder,
    });
    debug('augment dev: listening on %s (%s)', address, file);
    let closed: Promise<void> | undefined;
    return {
      address,
      file,
      close: () => {
        closed ??= cleanUp().then(() => removeAddressFile(file, token));
        return closed;
      },
    };
  } catch (cause) {
    await cleanUp();
    throw new AugmentError(
      ERROR_CODES.DEV_LISTEN,
      `The host could not listen for augment dev (${ERROR_CODES.DEV_LISTEN}): ${describeError(cause)}. Make ${options.folder} writable and the OS temp folder usable (TMPDIR), or turn "dev" off; augment dev falls back to the host's own watching.`,
      { file: options.folder, cause },
    );
  }
}

/** Tokens are compared as SHA-256 digests, so that the comparison takes the same time whatever was sent. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
