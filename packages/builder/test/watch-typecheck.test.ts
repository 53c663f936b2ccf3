// `augment watch`'s type check: incremental, in a worker thread, never in the
// way of the bundle, and never printing a result that a newer edit outdated.
// The project's TypeScript is the repository's with probes
// (helpers/probe-typescript.ts): a log of the files it parses and a gate that
// holds a check while the test edits, so that order is forced, not timed.
// Two edits in a row touch two different files: chokidar drops a change to a
// file within 50 ms of the previous change to the same file.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import {
  CHECKS_LOG,
  PARSED_LOG,
  closeGate,
  linkProbeTypeScript,
  openGate,
  readLog,
} from './helpers/probe-typescript.js';
import { makeTempDir, removeDir, waitFor, writeFiles } from './helpers/project.js';
import {
  BUILT,
  REBUILT,
  WATCHED_COMPILER_OPTIONS,
  WATCHED_PLUGIN,
  Watching,
  stopWatching,
} from './helpers/watching.js';

vi.setConfig({ testTimeout: 180_000 });

/** Loading TypeScript and the first full check take seconds on a loaded machine. */
const TYPES_WAIT_MS = 90_000;

const PROJECT = {
  ...WATCHED_PLUGIN,
  'tsconfig.json': {
    compilerOptions: WATCHED_COMPILER_OPTIONS,
    // only what src/index.ts imports: an edit that drops an import drops that file's errors
    files: ['src/index.ts'],
  },
  'src/shapes.ts': 'export interface Greeter { greet(who: string): string }\n',
  'src/version.ts': 'export const version: string = "one";\n',
  'src/extra.ts': 'export const extra = 1;\n',
  'src/index.ts': 'export { version } from "./version.js";\nexport { extra } from "./extra.js";\n',
};

let dir: string;
let watching: Watching | undefined;

async function edit(file: string, content: string): Promise<void> {
  await writeFile(join(dir, file), content);
}

async function distHolds(text: string): Promise<boolean> {
  return (await readFile(join(dir, 'dist/index.js'), 'utf8').catch(() => '')).includes(text);
}

/** Waits until `count` checks have started (the log of the probe), failing with the output so far. */
async function checksStarted(w: Watching, count: number): Promise<void> {
  try {
    await waitFor(
      `check ${count} to start`,
      async () => (await readLog(dir, CHECKS_LOG)).length >= count,
    );
  } catch (error) {
    throw new Error(
      `${String(error)}; checks.log: ${(await readLog(dir, CHECKS_LOG)).length} lines; output:\n${w.output}`,
      { cause: error },
    );
  }
}

/** Starts `augment watch` and waits for the first build and its type check. */
async function startWatching(): Promise<Watching> {
  watching = new Watching([], dir);
  await watching.next(BUILT);
  await watching.next(/types: ok\n/u, TYPES_WAIT_MS);
  return watching;
}

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('watch-typecheck');
  await writeFiles(dir, PROJECT);
  await linkProbeTypeScript(dir);
});

afterEach(async () => {
  await openGate(dir);
  await stopWatching(watching);
  watching = undefined;
  await removeDir(dir);
});

describe('augment watch: the type check', () => {
  it('prints a type error with its frame and related information, then "types: ok" once fixed, parsing only the edited files', async () => {
    const w = await startWatching();
    const parsedAtStart = (await readLog(dir, PARSED_LOG)).length;

    await edit(
      'src/index.ts',
      'import type { Greeter } from "./shapes.js";\nexport const greeter: Greeter = { greet: (who: number) => `hi ${who}` };\n',
    );
    await w.next(REBUILT);
    await w.next(/types: 1 error\n/u, TYPES_WAIT_MS);
    await w.next(/src\/index\.ts:2:35 - error TS2322/u);
    // tsc's frame under the message, then the related information in the other file
    await w.next(/greet: \(who: number\)/u);
    await w.next(/src\/shapes\.ts:1:28/u);
    await w.next(/The expected type comes from property 'greet'/u);

    await edit('src/shapes.ts', 'export interface Greeter { greet(who: number): string }\n');
    await w.next(REBUILT);
    await w.next(/types: ok\n/u, TYPES_WAIT_MS);

    // the checks after the edits parsed the two edited files, nothing else (no lib file)
    const parsed = (await readLog(dir, PARSED_LOG)).slice(parsedAtStart);
    expect(new Set(parsed.map((file) => file.slice(dir.length + 1)))).toEqual(
      new Set(['src/index.ts', 'src/shapes.ts']),
    );
  });

  it('writes an edit to dist/ while the check before it is still running, and never prints that outdated result', async () => {
    const w = await startWatching();
    await closeGate(dir);
    await edit('src/version.ts', 'export const version: number = "first edit";\n');
    await w.next(REBUILT);
    expect(await distHolds('first edit')).toBe(true);
    // the check of the first edit has started and waits at the gate
    await checksStarted(w, 2);

    await edit('src/index.ts', 'export const version: string = "second edit";\n');
    await w.next(REBUILT);
    expect(await distHolds('second edit')).toBe(true);
    expect(w.output).not.toMatch(/types: (?!ok\n)/u);

    await openGate(dir);
    await w.next(/types: ok\n/u, TYPES_WAIT_MS);
    // the first edit's type error was checked, then dropped: the second edit came since
    expect(w.output).not.toContain('TS2322');
    expect(w.output.match(/types:/gu)).toHaveLength(2);
  });

  it('drops the result of a check that a failed build outdated', async () => {
    const w = await startWatching();
    await closeGate(dir);
    await edit('src/version.ts', 'export const version: number = "first edit";\n');
    await w.next(REBUILT);
    await checksStarted(w, 2);

    await edit('src/extra.ts', 'export const extra = ;\n');
    await w.next(/waiting for changes/u);
    await openGate(dir);

    // checks run one after the other: the fix's result comes after the outdated one would have
    await edit('src/index.ts', 'export const version: string = "fixed";\n');
    await w.next(REBUILT);
    await w.next(/types: ok\n/u, TYPES_WAIT_MS);
    expect(w.output).not.toContain('TS2322');
    expect(w.output.match(/types:/gu)).toHaveLength(2);
  });
});
