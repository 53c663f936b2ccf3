import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { debuglog } from 'node:util';
import { Worker } from 'node:worker_threads';

const debug = debuglog('augment');

/** What {@link typecheck} found. */
export interface TypecheckResult {
  /** `'unavailable'` when the project has no TypeScript installed. */
  status: 'passed' | 'failed' | 'unavailable';
  /** One line per problem: `file:line:col - error TSxxxx: message`, file relative to the project. */
  diagnostics: string[];
  /**
   * The same problems as `tsc --pretty` prints them, one block each: the
   * message, the source line with `~` under the problem, and the related
   * information ("The expected type comes from…"), with tsc's ANSI colors.
   */
  formatted: string[];
}

/**
 * Type checks a plugin project with its own TypeScript: runs its
 * `tsc --noEmit -p <dir> --pretty true` as if in `dir`, in a worker thread of
 * this process when that TypeScript is written in JavaScript (6 or older),
 * else as a `node <its tsc>` process. TypeScript is resolved from the project
 * (its `node_modules` or a parent's), never from the builder, so the check
 * uses the version the project pinned.
 *
 * @param dir - the project root (holding `tsconfig.json`)
 * @returns `'passed'`, `'failed'` with the diagnostics, or `'unavailable'`
 *   when the project has no TypeScript installed or no `tsconfig.json`
 */
export async function typecheck(dir: string): Promise<TypecheckResult> {
  // async: a spawn that throws rejects, as it did before startTypecheck()
  return startTypecheck(dir).result;
}

/** A type check under way (see {@link startTypecheck}). */
export interface RunningTypecheck {
  /** What {@link typecheck} resolves to; rejects only when `tsc` cannot be started. */
  readonly result: Promise<TypecheckResult>;
  /**
   * Stops the check when its result is no longer wanted (the build failed
   * first): stops `tsc` (its worker or process) and resolves once it has
   * ended; idempotent, and a no-op once the check has finished. `result` is
   * left pending.
   */
  cancel(): Promise<void>;
}

/**
 * Starts {@link typecheck} and returns at once, so that `tsc` (hundreds of
 * milliseconds) runs while the caller does the rest of its work: what
 * `build()` and the CLI call first. Not exported from the package.
 *
 * @param dir - the project root (holding `tsconfig.json`)
 */
export function startTypecheck(dir: string): RunningTypecheck {
  const root = resolve(dir);
  const tsc = findTsc(root);
  // Without a tsconfig.json there are no project settings to check against.
  if (tsc === undefined || !existsSync(join(root, 'tsconfig.json'))) {
    const result = Promise.resolve<TypecheckResult>({
      status: 'unavailable',
      diagnostics: [],
      formatted: [],
    });
    return { result, cancel: () => Promise.resolve() };
  }
  // --pretty: the source lines and the related information, which --pretty false leaves out
  const run = runTsc(tsc, ['--noEmit', '-p', root, '--pretty', 'true'], root);
  const result = run.exited.then(({ code, output }) => toResult(code, output, root));
  // a caller that cancels never awaits the result: a failed spawn must not go unhandled
  result.catch(() => undefined);
  return { result, cancel: () => run.cancel() };
}

function toResult(code: number | null, output: string, root: string): TypecheckResult {
  const diagnostics = parseDiagnostics(output, root);
  if (code === 0 && diagnostics.length === 0) {
    return { status: 'passed', diagnostics: [], formatted: [] };
  }
  if (diagnostics.length === 0) {
    const lines = stripAnsi(output)
      .split(/\r?\n/u)
      .filter((line) => line.trim() !== '');
    diagnostics.push(...(lines.length > 0 ? lines : [`tsc exited with code ${String(code)}`]));
    return { status: 'failed', diagnostics, formatted: [...diagnostics] };
  }
  return { status: 'failed', diagnostics, formatted: splitReport(output) };
}

/** The path of `typescript/bin/tsc` as resolved from the project, or undefined. */
export function findTsc(dir: string): string | undefined {
  try {
    const require = createRequire(join(dir, 'package.json'));
    return join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

/**
 * `src/a.ts(3,7): error TS2322: …` (`--pretty false`), `src/a.ts:3:7 - error
 * TS2322: …` (`--pretty true`), or a global `error TS5083: …`.
 */
const DIAGNOSTIC =
  /^(?:(?:(.+)\((\d+),(\d+)\): )|(?:(.+):(\d+):(\d+) - ))?(error|warning|message) (TS\d+): (.*)$/u;

/** tsc's closing count (`Found 2 errors in …`) in `--pretty` output. */
const SUMMARY = /^Found \d+ errors?\b/u;

/** Removes ANSI escapes (tsc's `--pretty` colors). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- the escape character is what this removes
  return text.replace(/\u001b\[[0-9;]*m/gu, '');
}

/**
 * Turns tsc's output (`--pretty false` or `--pretty true`) into one line per
 * diagnostic, `file:line:col - error TSxxxx: message`; continuation lines of
 * a message are joined to it (the source lines and related information of
 * `--pretty`, after a blank line, are not).
 *
 * @param output - tsc's stdout and stderr
 * @param dir - the project root, for relative file names
 */
export function parseDiagnostics(output: string, dir: string): string[] {
  const diagnostics: string[] = [];
  let continues = false;
  for (const line of stripAnsi(output).split(/\r?\n/u)) {
    const match = DIAGNOSTIC.exec(line);
    if (match !== null) {
      const [, file0, row0, column0, file1, row1, column1, category, code, text] = match;
      const file = file0 ?? file1;
      const where =
        file === undefined
          ? ''
          : `${relativeFile(file, dir)}:${row0 ?? row1 ?? ''}:${column0 ?? column1 ?? ''} - `;
      diagnostics.push(`${where}${category} ${code}: ${text}`);
      continues = true;
    } else if (continues && /^\s+\S/u.test(line) && diagnostics.length > 0) {
      const last = diagnostics.length - 1;
      diagnostics[last] = `${diagnostics[last] ?? ''} ${line.trim()}`;
    } else {
      continues = false;
    }
  }
  return diagnostics;
}

/**
 * Splits `tsc --pretty true` output into one block per diagnostic (its
 * colors kept), without tsc's closing `Found N errors` summary.
 */
function splitReport(output: string): string[] {
  const blocks: string[][] = [];
  for (const line of output.split(/\r?\n/u)) {
    const plain = stripAnsi(line);
    if (SUMMARY.test(plain)) break;
    if (DIAGNOSTIC.test(plain)) blocks.push([line]);
    else blocks.at(-1)?.push(line);
  }
  return blocks.map((block) => block.join('\n').trimEnd());
}

function relativeFile(file: string, dir: string): string {
  const path = isAbsolute(file) ? relative(dir, file) : file;
  return path.split('\\').join('/');
}

interface NodeRun {
  /** Resolves with the exit code and the output once the process has exited (not if cancelled). */
  readonly exited: Promise<{ code: number | null; output: string }>;
  /** Kills the process and resolves once it has exited; idempotent. */
  cancel(): Promise<void>;
}

/**
 * tsc's own module (`lib/tsc.js`) when the project's TypeScript is a
 * compiler written in JavaScript (6 or older), which this process can run in
 * a worker thread. TypeScript 7's `lib/tsc.js` starts a native compiler whose
 * output goes straight to the terminal: only a `tsc` process captures it.
 */
function workerModule(tsc: string): string | undefined {
  const root = join(dirname(tsc), '..');
  try {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    const major = typeof version === 'string' ? Number.parseInt(version, 10) : Number.NaN;
    if (!(major <= LAST_JS_TYPESCRIPT)) return undefined;
  } catch {
    return undefined;
  }
  const module = join(root, 'lib', 'tsc.js');
  return existsSync(module) ? module : undefined;
}

/** The last major version of TypeScript whose compiler is JavaScript. */
const LAST_JS_TYPESCRIPT = 6;

/**
 * Runs tsc with `args` as if in `cwd`: in a worker thread of this process
 * when it can (no second Node start-up: about 100 ms on two shared cores,
 * some 5% of a small project's check), else as a `node` process.
 */
function runTsc(tsc: string, args: readonly string[], cwd: string): NodeRun {
  const module = workerModule(tsc);
  if (module !== undefined) {
    try {
      return runWorker(module, args, cwd);
    } catch (error) {
      debug('tsc could not start in a worker, so it runs as a process: %o', error);
    }
  }
  return runNode([tsc, ...args], cwd);
}

/**
 * What the worker runs: tsc as its command line would, with the project as
 * its current directory (a worker cannot `chdir`; tsc asks `process.cwd()`
 * once, for the paths it prints). tsc's `process.exit()` ends the worker only.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
process.cwd = () => workerData.cwd;
process.argv = [process.execPath, workerData.module, ...workerData.args];
require(workerData.module);
`;

function runWorker(module: string, args: readonly string[], cwd: string): NodeRun {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module, args, cwd },
    stdout: true,
    stderr: true,
  });
  let output = '';
  const collect = (stream: Readable): Promise<void> => {
    stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    return new Promise((done) => stream.once('end', done).once('close', done));
  };
  const streams = Promise.all([collect(worker.stdout), collect(worker.stderr)]);
  let failure: unknown;
  worker.on('error', (error) => (failure = error));
  const closed = new Promise<number>((done) => worker.once('exit', done));
  let cancelled = false;
  const exited = new Promise<{ code: number | null; output: string }>((done) => {
    void closed.then(async (code) => {
      // its streams end once it has gone: all it wrote has been read then
      await streams;
      if (failure !== undefined) output += `${describe(failure)}\n`;
      if (!cancelled) done({ code, output });
    });
  });
  return {
    exited,
    cancel() {
      cancelled = true;
      return worker.terminate().then(() => undefined);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Runs `node …args` in `cwd`, collecting stdout and stderr together. */
function runNode(args: readonly string[], cwd: string): NodeRun {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // 'close' may never come after a failed spawn: 'error' ends the wait too
  const closed = new Promise<number | null>((done) => {
    child.once('close', done);
    child.once('error', () => {
      done(null);
    });
  });
  let cancelled = false;
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; output: string }>((done, fail) => {
    child.once('error', (error) => {
      if (!cancelled) fail(error);
    });
    void closed.then((code) => {
      if (!cancelled) done({ code, output });
    });
  });
  return {
    exited,
    cancel() {
      if (!cancelled && child.exitCode === null && child.signalCode === null) {
        cancelled = true;
        child.kill();
      }
      return closed.then(() => undefined);
    },
  };
}
