import { existsSync, realpathSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

/**
 * Installs a stand-in TypeScript of `version` in the project: `bin/tsc`
 * requires `lib/tsc.js`, whose source is `tsc`. `project` in that source is the
 * folder tsc was given with `-p`.
 */
async function standInTypeScript(project: string, version: string, tsc: string): Promise<void> {
  await writeFiles(project, {
    'node_modules/typescript/package.json': { name: 'typescript', version },
    'node_modules/typescript/bin/tsc': "#!/usr/bin/env node\nrequire('../lib/tsc.js');\n",
    'node_modules/typescript/lib/tsc.js': `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const project = process.argv[process.argv.indexOf('-p') + 1];
${tsc}
`,
  });
}

describe("the project's tsc runs in a worker thread when it is JavaScript", () => {
  const WHERE = `fs.writeFileSync(path.join(project, 'where.json'), JSON.stringify({
  pid: process.pid,
  mainThread: require('node:worker_threads').isMainThread,
  cwd: process.cwd(),
  args: process.argv.slice(2),
}));
process.exit(0);`;

  const where = async (): Promise<Record<string, unknown>> =>
    JSON.parse(await readFile(join(dir, 'where.json'), 'utf8')) as Record<string, unknown>;

  it.each(['4.9.5', '5.9.3', '6.0.3'])(
    'TypeScript %s: in this process, with the project as its current directory',
    async (version) => {
      await createProject(dir);
      await standInTypeScript(dir, version, WHERE);
      expect((await typecheck(dir)).status).toBe('passed');
      expect(await where()).toEqual({
        pid: process.pid,
        mainThread: false,
        cwd: dir,
        args: ['--noEmit', '-p', dir, '--pretty', 'true'],
      });
    },
  );

  it.each(['7.0.2', 'not-a-version'])(
    'TypeScript %s (native, or unknown): as a process of its own',
    async (version) => {
      await createProject(dir);
      await standInTypeScript(dir, version, WHERE);
      expect((await typecheck(dir)).status).toBe('passed');
      const seen = await where();
      expect(seen.pid).not.toBe(process.pid);
      expect(seen.mainThread).toBe(true);
      expect(realpathSync(String(seen.cwd))).toBe(realpathSync(dir));
    },
  );

  // (a JavaScript tsc run as a process can lose the end of such output when the
  // machine is busy: Node's process.exit() drops what the pipe has not taken yet)
  it.each(['5.9.3', '6.0.3'])(
    'TypeScript %s: every line written just before process.exit() is read',
    async (version) => {
      await createProject(dir);
      const tsc = `const lines = [];
for (let i = 1; i <= 5000; i += 1) lines.push('src/index.ts:' + i + ':1 - error TS2322: problem ' + i);
process.stdout.write(lines.join('\\n') + '\\n');
process.exit(2);`;
      await standInTypeScript(dir, version, tsc);
      const result = await typecheck(dir);
      expect(result.status).toBe('failed');
      expect(result.diagnostics).toHaveLength(5000);
      expect(result.diagnostics[4999]).toBe('src/index.ts:5000:1 - error TS2322: problem 5000');
    },
  );

  it('a tsc that throws as it loads fails the check with its error, and nothing hangs', async () => {
    await createProject(dir);
    await standInTypeScript(dir, '5.9.3', "throw new Error('the stand-in broke');");
    const result = await typecheck(dir);
    expect(result.status).toBe('failed');
    expect(result.diagnostics.join('\n')).toContain('the stand-in broke');
  });

  it('cancel() stops a worker tsc that would run on, and leaves the result pending', async () => {
    await createProject(dir);
    const beat = join(dir, 'beat');
    await standInTypeScript(
      dir,
      '5.9.3',
      "setInterval(() => fs.writeFileSync(path.join(project, 'beat'), String(Date.now())), 5);",
    );
    const check = startTypecheck(dir);
    for (let waited = 0; !existsSync(beat) && waited < WAIT_MS; waited += 20) await sleep(20);
    expect(existsSync(beat)).toBe(true);
    await check.cancel();
    const last = await readFile(beat, 'utf8');
    await sleep(200);
    expect(await readFile(beat, 'utf8')).toBe(last);
    const settled = await Promise.race([check.result.then(() => 'settled'), sleep(100, 'pending')]);
    expect(settled).toBe('pending');
    await expect(check.cancel()).resolves.toBeUndefined();
  });
});
