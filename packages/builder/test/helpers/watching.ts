// A running `augment watch` (the built CLI) whose output the tests read in order.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, cleanEnv } from './cli.js';
import { WAIT_MS } from './project.js';

/** Bound on the exit after a signal: only a hang exceeds it (the slow tsc runs for a minute). */
export const EXIT_MS = 20_000;

/** The package.json and manifest of the watched test projects, `my-plugin@1.0.0`. */
export const WATCHED_PLUGIN = {
  'package.json': { name: 'my-plugin', version: '1.0.0', private: true, type: 'module' },
  'plugin.manifest.json': { name: 'my-plugin', version: '1.0.0', entryPoint: './dist/index.js' },
} as const;

/** The compiler options of the watched test projects: strict, no emit, no `@types`. */
export const WATCHED_COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  noEmit: true,
  types: [],
} as const;

/** The line of a watch's first build of `my-plugin`. */
export const BUILT = /built my-plugin@1\.0\.0 → dist\/index\.js \(esm\) in \d+ ms\n/u;
/** Kills a watch that is still running (after a test) and waits for it to exit. */
export async function stopWatching(watching: Watching | undefined): Promise<void> {
  if (watching?.alive !== true) return;
  watching.child.kill('SIGKILL');
  await watching.exited;
}

/** The line of a rebuild. */
export const REBUILT = /rebuilt in \d+ ms\n/u;

/** A running `augment watch` whose stdout and stderr are gathered into one transcript. */
export class Watching {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  /** Where the next {@link next} call starts looking. */
  private cursor = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /**
   * @param args - the arguments after the command
   * @param cwd - where it runs
   * @param command - `watch`, or another long-running command (`dev`)
   * @param env - variables added to the clean environment
   */
  constructor(args: string[], cwd: string, command = 'watch', env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [CLI, command, ...args], {
      cwd,
      env: { ...cleanEnv(), ...env },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((done) => {
      this.child.on('exit', (code, signal) => {
        done({ code, signal });
      });
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for `pattern` in the output written since the last match; returns the matched text. */
  async next(pattern: RegExp, timeoutMs = WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.cursor);
      const match = pattern.exec(rest);
      if (match !== null) {
        this.cursor += match.index + match[0].length;
        return match[0];
      }
      if (!this.alive)
        throw new Error(`augment exited while waiting for ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) {
        throw new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  /** Sends a signal and waits (bounded) for the exit. */
  async stop(
    signal: NodeJS.Signals,
    timeoutMs = EXIT_MS,
  ): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    this.child.kill(signal);
    const exit = await this.exit(timeoutMs);
    return { code: exit.code, ms: Date.now() - started };
  }

  /** Waits for the exit, at most `timeoutMs`. */
  async exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => {
        fail(new Error(`augment did not exit within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
