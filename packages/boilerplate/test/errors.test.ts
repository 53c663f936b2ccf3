import { readFile } from 'node:fs/promises';
import { isAugmentError } from '@augment/core';
import { expect, it } from 'vitest';
import { SCAFFOLD_ERROR_CODES, ScaffoldError, isScaffoldError } from '../src/errors.js';

it('pins the boilerplate error codes: a shipped code never disappears or changes', () => {
  expect(SCAFFOLD_ERROR_CODES).toMatchInlineSnapshot(`
    {
      "NAME_INVALID": "AUG_SCAFFOLD_NAME_INVALID",
      "NOT_A_FOLDER": "AUG_SCAFFOLD_NOT_A_FOLDER",
      "NOT_EMPTY": "AUG_SCAFFOLD_NOT_EMPTY",
      "OPTIONS_INVALID": "AUG_SCAFFOLD_OPTIONS_INVALID",
      "WRITE": "AUG_SCAFFOLD_WRITE",
    }
  `);
});

it('documents each code in the README, with its cause and fix', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| `(AUG_SCAFFOLD_[A-Z_]+)` +\|/gmu)].map((match) => match[1]);
  expect(rows.sort()).toEqual(Object.values(SCAFFOLD_ERROR_CODES).sort());
});

it('makes ScaffoldErrors AugmentErrors, recognised across copies', () => {
  const error = new ScaffoldError(SCAFFOLD_ERROR_CODES.NOT_EMPTY, 'x is not empty', { file: 'x' });
  expect(isAugmentError(error)).toBe(true);
  expect(isScaffoldError(error)).toBe(true);
  expect(error).toMatchObject({ name: 'ScaffoldError', code: 'AUG_SCAFFOLD_NOT_EMPTY', file: 'x' });
  expect(isScaffoldError(new Error('x'))).toBe(false);
});

it('documents each code in docs/errors.md', async () => {
  const docs = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const sections = [...docs.matchAll(/^## (AUG_SCAFFOLD_[A-Z_]+)$/gmu)].map((match) => match[1]);
  expect(sections.sort()).toEqual(Object.values(SCAFFOLD_ERROR_CODES).sort());
});
