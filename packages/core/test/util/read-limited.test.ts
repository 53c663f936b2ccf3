import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RefusedFileError, readLimited, readLimitedSync } from '../../src/util/read-limited.js';

const dir = mkdtempSync(join(tmpdir(), 'augment-read-limited-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readLimitedSync and readLimited', () => {
  it('read every byte of a file of any size up to the limit, and refuse one over it', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.integer({ min: 0, max: 4000 }),
        async (text, limit) => {
          const file = join(dir, `f${run++}.txt`);
          writeFileSync(file, text);
          const bytes = Buffer.byteLength(text);
          if (bytes <= limit) {
            expect(readLimitedSync(file, limit)).toBe(text);
            expect(await readLimited(file, limit)).toBe(text);
          } else {
            expect(() => readLimitedSync(file, limit)).toThrow(RefusedFileError);
            await expect(readLimited(file, limit)).rejects.toThrow(RefusedFileError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads past the end of the first buffer of a file of exactly the limit', () => {
    const file = join(dir, 'exact.txt');
    writeFileSync(file, 'x'.repeat(70_000));
    expect(readLimitedSync(file, 70_000)).toHaveLength(70_000);
    expect(() => readLimitedSync(file, 69_999)).toThrow(/over the/);
  });

  // a file that reports a size of 0 but holds text, as /proc's do, is read until a read returns nothing
  it.runIf(existsSync('/proc/self/status'))(
    'reads a file whose reported size is 0 to its end',
    async () => {
      expect(readLimitedSync('/proc/self/status', 1 << 20)).toMatch(/^Name:/);
      expect(await readLimited('/proc/self/status', 1 << 20)).toMatch(/VmRSS|Pid:/);
    },
  );
});
