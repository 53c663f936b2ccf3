import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A running `augment watch` child process. */
export interface BuilderWatch {
  /** The child's process id. */
  readonly pid: number;
  /** Resolves once the first build is done and the child watches; rejects if it exits before. */
  readonly ready: Promise<void>;
  /** Resolves with the child's exit code (`null` when a signal ended it) once it has exited. */
  readonly exited: Promise<number | null>;
  /** Stops the child (and its type check) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** What `augment watch` prints once its first build is done. */
const READY_LINE = /^watching .* for changes/;
/** How long {@link BuilderWatch.stop} waits for a graceful exit before SIGKILL. */
const STOP_GRACE_MS = 5000;

/** The path of the `augment` bin of the installed `@augment/builder`. */
function augmentBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@augment/builder/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { augment: string } };
  return resolve(dirname(manifest), pkg.bin.augment);
}

/**
 * Runs `augment watch <projectDir>` as a child process, handing each line it
 * prints to `onLine`. On POSIX the child leads its own process group, so that
 * a Ctrl-C reaches only the demo, which then stops the child together with
 * the type checker it runs. The child is killed when the demo exits, whatever
 * the reason.
 */
export function startBuilderWatch(
  projectDir: string,
  onLine: (line: string) => void,
): BuilderWatch {
  const posix = process.platform !== 'win32';
  const child = spawn(process.execPath, [augmentBin(), 'watch', projectDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: posix,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start augment watch in ${projectDir}`);

  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => {
      done(code);
    });
  });
  let running = true;
  const kill = (signal: NodeJS.Signals): void => {
    if (!running) return;
    try {
      if (posix) process.kill(-pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = (): void => {
    kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => {
    running = false;
    process.off('exit', killOnExit);
  });

  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((done, fail) => {
    onReady = done;
    void exited.then(() => {
      fail(
        new Error('augment watch exited before its first build finished (see its output above)'),
      );
    });
  });
  // a caller that stopped waiting (Ctrl-C during the first build) must not see an unhandled rejection
  ready.catch(() => undefined);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      onLine(line);
      if (READY_LINE.test(line)) onReady();
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    pid,
    ready,
    exited,
    stop() {
      stopping ??= (async () => {
        kill('SIGTERM');
        const timer = setTimeout(() => {
          kill('SIGKILL');
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
