import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, isBuildError, parseDiagnostics, typecheck } from '../src/index.js';
import { createProject, makeTempDir, removeDir, writeFiles } from './helpers/project.js';

let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('typecheck');
});

afterEach(async () => {
  await removeDir(dir);
});

const TYPE_ERROR = `export default {
  greet(who: string): string {
    const n: number = who;
    return String(n);
  },
};
`;

describe('typecheck()', () => {
  it("passes a correct project with the project's own TypeScript", async () => {
    await createProject(dir, { typescript: true });
    expect(await typecheck(dir)).toEqual({ status: 'passed', diagnostics: [] });
  });

  it('fails with file:line:col diagnostics relative to the project', async () => {
    await createProject(dir, { typescript: true, index: TYPE_ERROR });
    const result = await typecheck(dir);
    expect(result.status).toBe('failed');
    expect(result.diagnostics).toEqual([
      "src/index.ts:3:11 - error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it("is 'unavailable' when the project has no TypeScript", async () => {
    await createProject(dir, { index: TYPE_ERROR });
    expect(await typecheck(dir)).toEqual({ status: 'unavailable', diagnostics: [] });
  });

  it("is 'unavailable' when the project has no tsconfig.json", async () => {
    await createProject(dir, { typescript: true, index: TYPE_ERROR });
    await rm(join(dir, 'tsconfig.json'));
    expect(await typecheck(dir)).toEqual({ status: 'unavailable', diagnostics: [] });
  });
});

describe('build() type checks first', () => {
  it('rejects with AUG_BUILD_TYPECHECK and writes nothing', async () => {
    await createProject(dir, { typescript: true, index: TYPE_ERROR });
    const error: unknown = await build({ dir }).catch((e: unknown) => e);
    if (!isBuildError(error)) throw error;
    expect(error.code).toBe('AUG_BUILD_TYPECHECK');
    expect(error.details).toEqual([
      "src/index.ts:3:11 - error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
    expect(error.message).toContain(error.details[0]);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('leaves an existing dist/ untouched on a type error', async () => {
    await createProject(dir, { typescript: true });
    expect((await build({ dir })).typecheck).toBe('passed');
    const before = await readFile(join(dir, 'dist/index.js'), 'utf8');
    await writeFiles(dir, { 'src/index.ts': TYPE_ERROR });
    await expect(build({ dir })).rejects.toMatchObject({ code: 'AUG_BUILD_TYPECHECK' });
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toBe(before);
  });

  it("still builds without TypeScript installed, reporting 'unavailable'", async () => {
    await createProject(dir, { index: TYPE_ERROR });
    const result = await build({ dir });
    expect(result.typecheck).toBe('unavailable');
    expect(existsSync(result.entry)).toBe(true);
  });

  it("skips the check with typecheck: false ('skipped')", async () => {
    await createProject(dir, { typescript: true, index: TYPE_ERROR });
    const result = await build({ dir, typecheck: false });
    expect(result.typecheck).toBe('skipped');
    expect(existsSync(result.entry)).toBe(true);
  });
});

describe('parseDiagnostics()', () => {
  it('joins continuation lines and keeps global errors', () => {
    const output = [
      "src/a.ts(10,5): error TS2741: Property 'x' is missing in type '{}' but required in type 'A'.",
      "  Property 'x' is declared here.",
      "error TS5083: Cannot read file '/p/tsconfig.base.json'.",
      "/project/src/b.ts(1,1): error TS1005: ';' expected.",
      '',
    ].join('\n');
    expect(parseDiagnostics(output, '/project')).toEqual([
      "src/a.ts:10:5 - error TS2741: Property 'x' is missing in type '{}' but required in type 'A'. Property 'x' is declared here.",
      "error TS5083: Cannot read file '/p/tsconfig.base.json'.",
      "src/b.ts:1:1 - error TS1005: ';' expected.",
    ]);
  });
});
