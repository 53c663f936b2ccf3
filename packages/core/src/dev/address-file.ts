import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { errorCode } from '../util/fs.js';
import { ADDRESS_FILE, DEV_PROTOCOL, type AddressFile } from './protocol.js';

/** The biggest address file this host reads back (its own is about 200 bytes). */
const MAX_FILE_BYTES = 4096;

/**
 * Writes `<folder>/.augment-dev.json` atomically (a temporary dot-file, then a
 * rename), readable and writable by this user only (0600). A file another
 * host wrote is replaced: the newest host is the one `augment dev` talks to.
 *
 * @returns the file's path
 */
export async function writeAddressFile(
  folder: string,
  content: Omit<AddressFile, 'protocol'>,
): Promise<string> {
  const file = join(folder, ADDRESS_FILE);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const body: AddressFile = { protocol: DEV_PROTOCOL, ...content };
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`);
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  return file;
}

/**
 * Removes the address file if it still holds `token`: another host may have
 * replaced it, and its file stays. Never rejects.
 */
export async function removeAddressFile(file: string, token: string): Promise<void> {
  try {
    const text = await readFile(file, 'utf8');
    if (text.length > MAX_FILE_BYTES) return;
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return;
    if ((parsed as Record<string, unknown>)['token'] !== token) return;
    await rm(file, { force: true });
  } catch {
    // gone already, or not ours to judge: leave it
  }
}

/**
 * Removes the socket folder of a host that died without `close()` (its
 * address file names a process that is gone): only a folder this code makes,
 * `<OS temp folder>/augment-dev-…`, holding `dev.sock`. Never rejects.
 *
 * @param file - the address file about to be replaced
 */
export async function sweepStaleAddress(file: string): Promise<void> {
  try {
    const text = await readFile(file, 'utf8');
    if (text.length > MAX_FILE_BYTES) return;
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return;
    const { pid, address } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return;
    if (typeof address !== 'string' || basename(address) !== 'dev.sock') return;
    const dir = dirname(address);
    if (dirname(dir) !== tmpdir() || !basename(dir).startsWith('augment-dev-')) return;
    if (isRunning(pid)) return;
    await rm(dir, { recursive: true, force: true });
  } catch {
    // no file, or not one to judge: nothing to sweep
  }
}

/** Whether a process runs (one of another user's counts too). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}
