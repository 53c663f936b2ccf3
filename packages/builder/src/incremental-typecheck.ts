import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { debuglog } from 'node:util';
import { Worker } from 'node:worker_threads';
import { typecheck, type TypecheckResult } from './typecheck.js';
import { typecheckWorker } from './typecheck-worker.js';
import type { TypecheckReply, TypecheckWorkerData } from './typecheck-worker.js';

const debug = debuglog('augment');

/** A type checker that keeps its work between checks (see {@link createIncrementalTypecheck}). */
export interface IncrementalTypecheck {
  /**
   * Checks the project as it is on disk now; what {@link typecheck} would
   * report. Rejects only when the checker itself failed (a crash in
   * TypeScript): the next call starts afresh.
   */
  check(): Promise<TypecheckResult>;
  /** Stops the worker; a check in flight rejects. Idempotent. */
  close(): Promise<void>;
}

/** The project's own TypeScript (its main module), or undefined when it has none. */
function resolveTypeScript(dir: string): string | undefined {
  try {
    return createRequire(join(dir, 'package.json')).resolve('typescript');
  } catch {
    return undefined;
  }
}

interface Pending {
  done: (result: TypecheckResult) => void;
  fail: (error: unknown) => void;
}

/**
 * The type check of `augment watch`: the project's TypeScript, loaded once in
 * a worker thread (started at once, so that TypeScript loads while the first
 * build runs), checks with a builder program made over the previous one, so a
 * check after an edit costs what the edit affects, not a whole `tsc` run; and
 * the watcher's thread stays free to rebuild meanwhile. A TypeScript without
 * the builder API (or one that cannot be loaded in a worker) falls back to
 * {@link typecheck}, a `tsc` process per check; so does a project without
 * TypeScript or `tsconfig.json` (`'unavailable'`).
 *
 * @param dir - the project root (absolute)
 */
export function createIncrementalTypecheck(dir: string): IncrementalTypecheck {
  const root = resolve(dir);
  let worker: Worker | undefined;
  /** Set once the project's TypeScript cannot run in the worker: every check spawns `tsc`. */
  let fallback = false;
  let closed = false;
  let ids = 0;
  const pending = new Map<number, Pending>();

  const failAll = (error: unknown): void => {
    for (const { fail } of pending.values()) fail(error);
    pending.clear();
  };
  const spawnedCheck = (): Promise<TypecheckResult> => typecheck(root);

  const start = (typescript: string): Worker => {
    const workerData: TypecheckWorkerData = { dir: root, typescript };
    const started = new Worker(`(${typecheckWorker.toString()})()`, { eval: true, workerData });
    // the watcher keeps the process alive, never this thread
    started.unref();
    started.on('message', (reply: TypecheckReply) => {
      if (reply.kind === 'unsupported') {
        debug('watch: the type check falls back to tsc: %s', reply.message);
        fallback = true;
        worker = undefined;
        void started.terminate();
        for (const { done, fail } of pending.values()) spawnedCheck().then(done, fail);
        pending.clear();
        return;
      }
      const request = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.kind === 'result') request?.done(reply.result);
      else request?.fail(new Error(`the type checker failed: ${reply.message}`));
    });
    started.on('error', (error) => {
      if (worker === started) worker = undefined;
      failAll(error);
    });
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      if (!closed && !fallback) failAll(new Error(`the type checker exited (code ${code})`));
    });
    return started;
  };

  const typescript = resolveTypeScript(root);
  if (typescript !== undefined) worker = start(typescript);

  return {
    check() {
      if (closed) return Promise.reject(new Error('the type checker is closed'));
      if (fallback || !existsSync(join(root, 'tsconfig.json'))) return spawnedCheck();
      if (worker === undefined) {
        // TypeScript installed since, or a crashed worker: start (again)
        const found = resolveTypeScript(root);
        if (found === undefined) return spawnedCheck();
        worker = start(found);
      }
      const id = (ids += 1);
      const running = worker;
      return new Promise<TypecheckResult>((done, fail) => {
        pending.set(id, { done, fail });
        running.postMessage({ id });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      failAll(new Error('the type checker is closed'));
      const running = worker;
      worker = undefined;
      await running?.terminate();
    },
  };
}
