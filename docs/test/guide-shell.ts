/**
 * A shell that follows a guide: it runs only commands the guide has, records
 * which ones it ran, and maps the few that cannot run as written (packages of
 * this repository that are not on the registry) to their local stand-ins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, resolve, sep } from 'node:path';

/** What a finished command printed. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Rewrites a command of the guide into the one the test really runs. */
export type Substitute = (command: string) => string;

/** What every shell of one test shares. */
export interface GuideShellOptions {
  /** Every command the guide has: a shell refuses any other. */
  readonly commands: ReadonlySet<string>;
  /** Records each command run, across shells. */
  readonly executed: Set<string>;
  /** The stand-ins for commands that cannot run as written. */
  readonly substitute: Substitute;
  /** The environment of every command. */
  readonly env: NodeJS.ProcessEnv;
}

/** A command started in the background (`npm run watch`, a host in watch mode). */
export interface BackgroundCommand {
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves once its output matches `pattern` (searched from `from` on). */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<void>;
  /** Sends SIGINT (Ctrl+C) to its process group and waits for it to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/**
 * The environment for the guide's commands: this process's, without what
 * npm and Vitest put there for the repository's own run (an inner npm must
 * not inherit the outer one's workspace, config or `node_modules/.bin`).
 *
 * @param extra - variables to add
 */
export function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|vitest)/iu.test(key)) continue;
    if (['INIT_CWD', 'NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(key)) continue;
    env[key] = value;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes(`node_modules${sep}.bin`))
    .join(delimiter);
  return { ...env, ...extra };
}

/** A shell with a current folder, like a reader's terminal. */
export class GuideShell {
  #cwd: string;
  readonly #options: GuideShellOptions;

  /**
   * @param cwd - the folder it starts in
   * @param options - shared by every shell of the test
   */
  constructor(cwd: string, options: GuideShellOptions) {
    this.#cwd = cwd;
    this.#options = options;
  }

  /** The current folder. */
  get cwd(): string {
    return this.#cwd;
  }

  /**
   * Runs one command of the guide in the current folder (`cd` changes it) and
   * resolves with its output; rejects when it exits with another code than 0.
   *
   * @param command - exactly as the guide writes it
   * @param timeoutMs - how long it may take
   */
  async run(command: string, timeoutMs = 120_000): Promise<CommandResult> {
    this.#record(command);
    if (command.startsWith('cd ')) {
      const target = resolve(this.#cwd, command.slice(3).trim());
      if (!existsSync(target) || !statSync(target).isDirectory()) {
        throw new Error(`\`${command}\` in ${this.#cwd}: ${target} is not a folder.`);
      }
      this.#cwd = target;
      return { stdout: '', stderr: '' };
    }
    return exec(this.#options.substitute(command), this.#cwd, this.#options.env, timeoutMs);
  }

  /**
   * Starts a long-running command of the guide in its own process group.
   *
   * @param command - exactly as the guide writes it
   */
  start(command: string): BackgroundCommand {
    this.#record(command);
    const child = spawn('sh', ['-c', this.#options.substitute(command)], {
      cwd: this.#cwd,
      env: this.#options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((done) =>
      child.once('exit', () => {
        done();
      }),
    );
    void exited.then(() => running.delete(child));
    return {
      output: () => output,
      waitFor: async (pattern, timeoutMs, from = 0) => {
        const deadline = Date.now() + timeoutMs;
        while (!pattern.test(output.slice(from))) {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`\`${command}\` exited before printing ${String(pattern)}:\n${output}`);
          }
          if (Date.now() > deadline) {
            throw new Error(
              `\`${command}\` did not print ${String(pattern)} in ${timeoutMs} ms:\n${output}`,
            );
          }
          await new Promise((done) => setTimeout(done, 50));
        }
      },
      stop: () => stopGroup(child, exited),
    };
  }

  #record(command: string): void {
    if (!this.#options.commands.has(command)) {
      throw new Error(
        `The guide has no command \`${command}\` any more: update the test to follow it.`,
      );
    }
    this.#options.executed.add(command);
  }
}

/** Stops every background command still running (for `afterAll`). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map((child) =>
      stopGroup(
        child,
        new Promise<void>((done) =>
          child.once('exit', () => {
            done();
          }),
        ),
      ),
    ),
  );
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(group, name);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGINT');
  const timer = setTimeout(() => {
    signal('SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs `command` with `sh -c` and resolves with its output, or rejects with
 * its output when it fails or times out.
 */
export function exec(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<CommandResult> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', fail);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done({ stdout, stderr });
      else {
        const how = signal === null ? `exited with ${String(code)}` : `was killed (${signal})`;
        fail(new Error(`\`${command}\` in ${cwd} ${how}:\n${stdout}\n${stderr}`));
      }
    });
  });
}
