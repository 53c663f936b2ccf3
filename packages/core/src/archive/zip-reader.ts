// yauzl reads an archive through a RandomAccessReader. Its own file reader
// issues one serialised `fs.read` per central record field group, which for a
// 2,000-entry plugin costs more than the extraction itself. This reader
// serves small reads from a few cached 32 KiB blocks (central records, local
// headers and small entries lie next to each other), and streams large
// ranges straight from the file.

import { close, read } from 'node:fs';
import { Readable } from 'node:stream';
import type { RandomAccessReader } from 'yauzl';
import { loadYauzl } from './yauzl.js';

const BLOCK_SIZE = 32 * 1024;
const MAX_BLOCKS = 16; // at most 512 KiB cached per open archive
const STREAM_CHUNK = 64 * 1024;

function readDirect(fd: number, length: number, position: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafe(length);
    read(fd, buffer, 0, length, position, (error, bytesRead) => {
      if (error) reject(error);
      else resolve(buffer.subarray(0, bytesRead));
    });
  });
}

/** A yauzl reader over a file descriptor it owns (closed when yauzl lets go). */
export interface CachedReader extends RandomAccessReader {
  /**
   * Reads up to `length` bytes at `position`: fewer only at the end of the file.
   *
   * @param length - how many bytes
   * @param position - where, from the start of the file
   */
  readAt(length: number, position: number): Promise<Buffer>;
}

let CachedReaderClass: (new (fd: number) => CachedReader) | undefined;

/**
 * Opens a {@link CachedReader} over `fd` (which it then owns and closes).
 *
 * @param fd - an open, readable descriptor
 */
export function openCachedReader(fd: number): CachedReader {
  CachedReaderClass ??= defineCachedReader(loadYauzl().RandomAccessReader);
  return new CachedReaderClass(fd);
}

/** The class extends yauzl's, so it is defined once yauzl is loaded. */
function defineCachedReader(Base: typeof RandomAccessReader): new (fd: number) => CachedReader {
  return class CachedReader extends Base {
    readonly #fd: number;
    readonly #blocks = new Map<number, Promise<Buffer>>();
    #closed = false;

    /** @param fd - an open, readable descriptor; this reader closes it */
    constructor(fd: number) {
      super();
      this.#fd = fd;
    }

    /**
     * Reads up to `length` bytes at `position`: fewer only at the end of the file.
     *
     * @param length - how many bytes
     * @param position - where, from the start of the file
     */
    async readAt(length: number, position: number): Promise<Buffer> {
      if (this.#closed) throw new Error('archive reader is closed');
      if (length === 0) return Buffer.alloc(0);
      if (length > 2 * BLOCK_SIZE) return readDirect(this.#fd, length, position);
      const first = Math.floor(position / BLOCK_SIZE);
      const last = Math.floor((position + length - 1) / BLOCK_SIZE);
      const parts: Buffer[] = [];
      for (let index = first; index <= last; index += 1) {
        const block = await this.#block(index);
        const from = Math.max(position - index * BLOCK_SIZE, 0);
        const to = Math.min(position + length - index * BLOCK_SIZE, BLOCK_SIZE);
        parts.push(block.subarray(from, to));
        if (block.length < BLOCK_SIZE) break;
      }
      return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    }

    #block(index: number): Promise<Buffer> {
      const cached = this.#blocks.get(index);
      if (cached !== undefined) {
        this.#blocks.delete(index);
        this.#blocks.set(index, cached);
        return cached;
      }
      const loading = readDirect(this.#fd, BLOCK_SIZE, index * BLOCK_SIZE);
      loading.catch(() => this.#blocks.delete(index));
      this.#blocks.set(index, loading);
      if (this.#blocks.size > MAX_BLOCKS) {
        const oldest = this.#blocks.keys().next().value;
        if (oldest !== undefined) this.#blocks.delete(oldest);
      }
      return loading;
    }

    /** yauzl's small reads (end record, central records, local headers). */
    override read(
      buffer: Buffer,
      offset: number,
      length: number,
      position: number,
      callback: (error: Error | null, bytesRead?: number) => void,
    ): void {
      this.readAt(length, position).then(
        (bytes) => {
          bytes.copy(buffer, offset);
          callback(null, bytes.length);
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }

    /** yauzl's data streams; it checks the byte count itself. */
    override _readStreamForRange(start: number, end: number): Readable {
      const fd = this.#fd;
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let position = start; position < end;) {
          const chunk = await readDirect(fd, Math.min(STREAM_CHUNK, end - position), position);
          if (chunk.length === 0) return;
          position += chunk.length;
          yield chunk;
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    }

    /** Called by yauzl once nothing uses the archive any more. */
    override close(callback: (error: Error | null) => void): void {
      this.#closed = true;
      this.#blocks.clear();
      close(this.#fd, callback);
    }
  };
}
