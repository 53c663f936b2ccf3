/**
 * The core README's option table lists exactly the options `PluginHost`
 * accepts, one row each, with a type, a default and a meaning. What the host
 * accepts is asked of the built package itself, through its public API:
 * `resolveHostOptions()` returns every option, and refuses a key it does not
 * know, so the test holds wherever the options are defined in the source.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAugmentError, resolveHostOptions, type PluginHostOptions } from '@augment/core';
import { describe, expect, it } from 'vitest';
import { readTable } from './markdown-links.js';

const README = fileURLToPath(new URL('../../packages/core/README.md', import.meta.url));
const rows = readTable(await readFile(README, 'utf8'), 'Options');

/** The option names of the table's first column, without their backticks. */
const documented = rows.map(([name = '']) => name.replace(/^`|`$/gu, ''));

/** Whether the host accepts `key` (given as `undefined`, which every optional key allows). */
function accepts(key: string): boolean {
  if (key === 'folder') return true;
  const options = { folder: '.', [key]: undefined } as PluginHostOptions;
  try {
    resolveHostOptions(options);
    return true;
  } catch (error) {
    if (isAugmentError(error) && error.code === 'AUG_OPTIONS_INVALID') return false;
    throw error;
  }
}

/** The keys of the resolved options that the host also accepts as input. */
const accepted = Object.keys(resolveHostOptions({ folder: '.' })).filter(accepts);

describe("core README's option table", () => {
  it('has one row per option, each with a type, a default and a meaning', () => {
    expect(new Set(documented).size).toBe(documented.length);
    for (const row of rows) {
      expect(row, `row ${row[0] ?? ''}`).toHaveLength(4);
      expect(
        row.every((cell) => cell !== ''),
        `row ${row[0] ?? ''} has an empty cell`,
      ).toBe(true);
    }
  });

  it('lists every option the host accepts', () => {
    expect(accepted.length).toBeGreaterThan(0);
    expect(documented.toSorted()).toEqual(expect.arrayContaining(accepted));
  });

  it('lists only options the host accepts', () => {
    expect(accepts('notAnOption')).toBe(false);
    expect(documented.filter((key) => !accepts(key))).toEqual([]);
    expect(documented.toSorted()).toEqual(accepted.toSorted());
  });
});
