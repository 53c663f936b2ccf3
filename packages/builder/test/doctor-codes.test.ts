import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { DOCTOR_ERROR_CODES, DOCTOR_FINDING_CODES } from '../src/doctor/codes.js';

it('pins the codes of augment doctor: a shipped code never disappears or changes', () => {
  expect({ ...DOCTOR_FINDING_CODES, ...DOCTOR_ERROR_CODES }).toMatchInlineSnapshot(`
    {
      "CHILD": "AUG_DOCTOR_CHILD",
      "HEAP_GROWTH": "AUG_DOCTOR_HEAP_GROWTH",
      "LOAD_FAILED": "AUG_DOCTOR_LOAD_FAILED",
      "NO_BUILD": "AUG_DOCTOR_NO_BUILD",
      "RELOAD_FAILED": "AUG_DOCTOR_RELOAD_FAILED",
      "RESOURCE_LEFT": "AUG_DOCTOR_RESOURCE_LEFT",
      "SETUP": "AUG_DOCTOR_SETUP",
      "SLOW_UNLOAD": "AUG_DOCTOR_SLOW_UNLOAD",
      "UNCAUGHT": "AUG_DOCTOR_UNCAUGHT",
      "UNLOAD_FAILED": "AUG_DOCTOR_UNLOAD_FAILED",
    }
  `);
});

it('documents each doctor code in docs/errors.md', async () => {
  const docs = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const sections = new Set([...docs.matchAll(/^## (AUG_DOCTOR_[A-Z_]+)$/gm)].map((m) => m[1]));
  const codes = [...Object.values(DOCTOR_FINDING_CODES), ...Object.values(DOCTOR_ERROR_CODES)];
  expect([...sections].sort()).toEqual(codes.sort());
});
