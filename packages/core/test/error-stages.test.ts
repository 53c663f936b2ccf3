import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_STAGES, stageOf } from '../src/errors.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

describe('error stages', () => {
  it('give every code exactly one entry in one table', () => {
    expect(Object.keys(ERROR_STAGES).toSorted()).toEqual(Object.values(ERROR_CODES).toSorted());
    expect(ERROR_STAGES[ERROR_CODES.ARCHIVE_NO_MANIFEST]).toBe('manifest');
    expect(ERROR_STAGES[ERROR_CODES.ARCHIVE_LIMIT]).toBe('extract');
    expect(ERROR_STAGES[ERROR_CODES.OPTIONS_INVALID]).toBeUndefined();
  });

  it('report a timeout at the timeout stage wherever it happened', () => {
    expect(stageOf(ERROR_CODES.LOAD_TIMEOUT, 'validate')).toBe('timeout');
    expect(stageOf(ERROR_CODES.LOAD_TIMEOUT, 'load')).toBe('timeout');
  });

  it('report any other code at the step it surfaced in, or at its own stage', () => {
    expect(stageOf(ERROR_CODES.MANIFEST_INVALID, 'load')).toBe('load');
    expect(stageOf(ERROR_CODES.HOST_CLOSED, 'load')).toBe('load');
    expect(stageOf(ERROR_CODES.ENGINES_MISMATCH)).toBe('engines');
  });

  it('are the only place code strings are written: the rest of src uses ERROR_CODES', async () => {
    const files = (await readdir(SRC, { recursive: true })).filter(
      (file) => file.endsWith('.ts') && file !== 'errors.ts',
    );
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(join(SRC, file), 'utf8');
      if (/['"]AUG_/u.test(text)) offenders.push(file);
    }
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
