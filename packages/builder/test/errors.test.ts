import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { BUILD_ERROR_CODES } from '../src/errors.js';

it('pins the builder error codes: a shipped code never disappears or changes', () => {
  expect(BUILD_ERROR_CODES).toMatchInlineSnapshot(`
    {
      "COMPILE": "AUG_BUILD_COMPILE",
      "LINK_FAILED": "AUG_BUILD_LINK_FAILED",
      "LINK_FOLDER": "AUG_BUILD_LINK_FOLDER",
      "LINK_NO_DIST": "AUG_BUILD_LINK_NO_DIST",
      "LINK_TAKEN": "AUG_BUILD_LINK_TAKEN",
      "MANIFEST_INVALID": "AUG_BUILD_MANIFEST_INVALID",
      "NO_ENTRY": "AUG_BUILD_NO_ENTRY",
      "NO_MANIFEST": "AUG_BUILD_NO_MANIFEST",
      "OPTIONS_INVALID": "AUG_BUILD_OPTIONS_INVALID",
      "OUTPUT_INVALID": "AUG_BUILD_OUTPUT_INVALID",
      "PACK": "AUG_BUILD_PACK",
      "SYNC": "AUG_BUILD_SYNC",
      "TYPECHECK": "AUG_BUILD_TYPECHECK",
      "VALIDATE": "AUG_BUILD_VALIDATE",
    }
  `);
});

it('documents each builder code in docs/errors.md', async () => {
  const docs = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const sections = new Set([...docs.matchAll(/^## (AUG_BUILD_[A-Z_]+)$/gm)].map((m) => m[1]));
  expect([...sections].sort()).toEqual(Object.values(BUILD_ERROR_CODES).sort());
});
