import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { build, isBuildError, parseDiagnostics, typecheck } from '../src/index.js';
import { startTypecheck, stripAnsi } from '../src/typecheck.js';
import {
  WAIT_MS,
  createProject,
  linkSlowTypeScript,
  makeTempDir,
  removeDir,
  slowTscRunning,
  writeFiles,
} from './helpers/project.js';

// A real tsc takes ~10 s on a loaded machine, and a test may run it twice.
vi.setConfig({ testTimeout: 120_000 });

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
    expect(await typecheck(dir)).toEqual({ status: 'passed', diagnostics: [], formatted: [] });
  });

  it('fails with file:line:col diagnostics relative to the project', async () => {
    await createProject(dir, { typescript: true, index: TYPE_ERROR });
    const result = await typecheck(dir);
    expect(result.status).toBe('failed');
    expect(result.diagnostics).toEqual([
      "src/index.ts:3:11 - error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
    // tsc's own report of it: the source line and ~ under the problem, no closing summary
    expect(result.formatted).toHaveLength(1);
    const block = stripAnsi(result.formatted[0] ?? '');
    expect(block).toMatch(/^src\/index\.ts:3:11 - error TS2322: /u);
    expect(block).toMatch(/^3 .*\n +~+$/mu);
    expect(block).not.toContain('Found 1 error');
  });

  it("is 'unavailable' when the project has no TypeScript", async () => {
    await createProject(dir, { index: TYPE_ERROR });
    expect(await typecheck(dir)).toEqual({ status: 'unavailable', diagnostics: [], formatted: [] });
  });

  it("is 'unavailable' when the project has no tsconfig.json", async () => {
    await createProject(dir, { typescript: true, index: TYPE_ERROR });
    await rm(join(dir, 'tsconfig.json'));
    expect(await typecheck(dir)).toEqual({ status: 'unavailable', diagnostics: [], formatted: [] });
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

describe('startTypecheck()', () => {
  it('cancel() kills a running tsc and resolves once it has exited; again, it does nothing', async () => {
    await createProject(dir);
    await linkSlowTypeScript(dir);
    const check = startTypecheck(dir);
    // wait until tsc runs (it writes tsc.pid), then cancel
    expect(await slowTscRunning(dir, WAIT_MS)).toBe(true);
    await check.cancel();
    expect(await slowTscRunning(dir, 0)).toBe(false);
    await expect(check.cancel()).resolves.toBeUndefined();
  });

  it('cancel() of a check that never ran (no TypeScript) resolves at once', async () => {
    await createProject(dir);
    const check = startTypecheck(dir);
    await check.cancel();
    expect(await check.result).toEqual({ status: 'unavailable', diagnostics: [], formatted: [] });
  });
});

/** Less than the minute test/fixtures/slow-typescript's tsc waits, with room for a loaded machine. */
const SLOW_TSC_BOUND_MS = 30_000;

describe('build() stops the type check when the project cannot be built', () => {
  it('an invalid manifest: every problem, nothing written, tsc not left running', async () => {
    await createProject(dir, { manifest: { name: 'Not A Name', version: 'one' } });
    await linkSlowTypeScript(dir);
    const error: unknown = await build({ dir }).catch((e: unknown) => e);
    if (!isBuildError(error)) throw error;
    expect(error.code).toBe('AUG_BUILD_MANIFEST_INVALID');
    // every problem, in the file's order (a missing key is at 1:1)
    const details = error.details.join('\n');
    for (const key of ['name', 'version', 'entryPoint']) expect(details).toContain(`${key}:`);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(await slowTscRunning(dir)).toBe(false);
  });

  it('a missing src/index.ts: AUG_BUILD_NO_ENTRY, tsc not left running', async () => {
    await createProject(dir);
    await rm(join(dir, 'src/index.ts'));
    await linkSlowTypeScript(dir);
    await expect(build({ dir })).rejects.toMatchObject({ code: 'AUG_BUILD_NO_ENTRY' });
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(await slowTscRunning(dir)).toBe(false);
  });

  it('reports the bundling error alone, at once, when both fail: tsc is stopped', async () => {
    await createProject(dir, {
      index: "import { missing } from './nowhere.js';\nexport default { missing };\n",
    });
    // this tsc would run for a minute: the bundle's error must not wait for it
    await linkSlowTypeScript(dir);
    const started = Date.now();
    const error: unknown = await build({ dir }).catch((e: unknown) => e);
    // well before the slow tsc would end by itself (a minute), however loaded the machine
    expect(Date.now() - started).toBeLessThan(SLOW_TSC_BOUND_MS);
    if (!isBuildError(error)) throw error;
    expect(error.code).toBe('AUG_BUILD_COMPILE');
    expect(error.details[0]).toMatch(/^src\/index\.ts:1:\d+: Could not resolve "\.\/nowhere\.js"/u);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(await slowTscRunning(dir)).toBe(false);
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
