// `augment dev --run "<command>"`: the host started through the shell with
// AUGMENT_DEV=1, its output passed through, restarted only when `rs` + Enter
// is typed (a rebuild reloads the plugin through the handshake instead).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Output } from '../output.js';

/** How long the host command gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

/** How often a stop looks whether the host command's processes are gone. */
const GROUP_POLL_MS = 25;

const windows = process.platform === 'win32';

/** The host command of `--run`, started and stopped as a whole process group. */
export class HostCommand {
  #child: ChildProcess | undefined;
  /** The process group of the last start: it may outlive the shell that leads it. */
  #group: number | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #input: Interface | undefined;

  /**
   * @param command - the command line, run through the shell
   * @param output - where to say what happens to it
   */
  constructor(
    readonly command: string,
    private readonly output: Output,
  ) {}

  /** Starts the command, and listens for `rs` on stdin. */
  start(): void {
    this.#spawn();
    this.output.line(
      this.output.style(
        'dim',
        `started the host: ${this.command} (AUGMENT_DEV=1; type rs + Enter to restart it)`,
      ),
    );
    this.#input = createInterface({ input: process.stdin });
    this.#input.on('line', (line) => {
      if (line.trim() === 'rs') void this.restart();
    });
  }

  #spawn(): void {
    this.#stopping = false;
    const child = spawn(this.command, {
      shell: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, AUGMENT_DEV: '1' },
      // its own process group: stopped as a whole (the shell and what it started)
      detached: !windows,
    });
    this.#child = child;
    this.#group = child.pid;
    this.#exited = new Promise<void>((done) => {
      child.once('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        if (!this.#stopping) {
          const how = code === null ? `signal ${signal ?? '?'}` : `code ${code}`;
          this.output.problem(
            this.output.styleErr(
              'yellow',
              `the host command exited with ${how}; still watching (type rs + Enter to start it again)`,
            ),
          );
        }
        done();
      });
      child.once('error', (error) => {
        this.output.problem(`the host command could not be started: ${error.message}`);
        done();
      });
    });
  }

  /** Stops the command (if it runs) and starts it again. */
  async restart(): Promise<void> {
    this.output.line(this.output.style('dim', `restarting the host: ${this.command}`));
    await this.#stopChild();
    this.#spawn();
  }

  /** Stops the command and the `rs` listener; idempotent. */
  async stop(): Promise<void> {
    this.#input?.close();
    this.#input = undefined;
    process.stdin.pause();
    await this.#stopChild();
  }

  /** Kills the command at once (SIGKILL to its group), for a forced exit. */
  kill(): void {
    if (this.#group !== undefined) signalGroup(this.#group, 'SIGKILL');
  }

  async #stopChild(): Promise<void> {
    const pid = this.#group;
    if (pid === undefined || !groupAlive(pid)) return;
    this.#stopping = true;
    signalGroup(pid, 'SIGTERM');
    // the shell may be gone while what it started still runs: wait for the whole group
    const deadline = Date.now() + STOP_GRACE_MS;
    while (groupAlive(pid)) {
      if (Date.now() > deadline) {
        signalGroup(pid, 'SIGKILL');
        break;
      }
      await sleep(GROUP_POLL_MS);
    }
    await this.#exited;
  }
}

/** Whether any process of the group led by `pid` runs (on Windows: whether `pid` has not exited). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(windows ? pid : -pid, 0);
    return true;
  } catch (error) {
    return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'EPERM';
  }
}

/** Sends `signal` to the process group of `pid` (on Windows: ends its tree). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (windows) {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
