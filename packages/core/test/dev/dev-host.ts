// A real host in a child process with `augment dev` on, driven through its
// stdin and watched through its stdout, and a raw `net` client for its
// endpoint: what the dev tests talk to.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { CORE_ESM } from '../helpers/child.js';
import { WAIT_MS } from '../helpers/wait.js';

/** The host script: its options come as JSON in argv[2]; commands come one per stdin line. */
const HOST_SCRIPT = `
import { PluginHost } from ${JSON.stringify(CORE_ESM)};
import { createInterface } from 'node:readline';
const say = (...parts) => process.stdout.write(parts.join(' ') + '\\n');
const { folder, validator, ...options } = JSON.parse(process.argv[2]);
const host = new PluginHost({
  folder,
  ...options,
  ...(validator ? { validator: (p) => typeof p?.greet === 'function' } : {}),
  logger: { warn: (m) => say('WARN', JSON.stringify(m)), error: (m) => say('ERROR', JSON.stringify(m)) },
});
host.on('reload:start', ({ reason }) => say('START', reason));
host.on('reload:done', ({ report }) => say('DONE', JSON.stringify({ added: report.added, updated: report.updated, kept: report.kept })));
host.on('plugin:loaded', ({ entry }) => say('LOADED', entry.manifest.name, entry.manifest.version));
host.on('dev:error', ({ error }) => say('DEV-ERROR', error.code));
const call = (name) => { try { return String(host.get(name)?.plugin.greet()); } catch (e) { return 'threw ' + e; } };
await host.reload();
say('READY');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(' ');
  if (command === 'call') say('CALL', arg, call(arg));
  else if (command === 'reload') { await host.reload(); say('RELOADED'); }
  else if (command === 'close') { await host.close(); say('CLOSED'); process.exit(0); }
}
`;

/** A host process with `augment dev`. */
export interface DevHostProcess {
  /** Every stdout line so far. */
  readonly lines: readonly string[];
  /** Resolves with the first line, from `from` on, that starts with `prefix`; rejects after WAIT_MS. */
  waitFor(prefix: string, from?: number): Promise<string>;
  /** Sends one command: `call <name>` prints `CALL <name> <greet()>`, `reload`, `close`. */
  send(command: string): void;
  /** Calls a plugin's greet() in the host and resolves with what it returned. */
  call(name: string): Promise<string>;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** Kills the process if it still runs. */
  kill(): void;
  /** The process id. */
  readonly pid: number;
}

/** Options for the child host: any JSON option of PluginHost, and `validator: true` for a greet() guard. */
export type DevHostOptions = Record<string, unknown> & { validator?: boolean };

/** Starts a host on `folder` and resolves once its first reload is done (or it printed an error). */
export async function startDevHost(
  dir: string,
  folder: string,
  options: DevHostOptions = { dev: true },
  env: NodeJS.ProcessEnv = {},
): Promise<DevHostProcess> {
  const script = join(dir, 'dev-host.mjs');
  await writeFile(script, HOST_SCRIPT);
  // the socket's private folder goes below the test's folder, so that a host
  // killed without close() leaves nothing behind once the test removes it
  const temp = join(dir, 'tmp');
  await mkdir(temp, { recursive: true });
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [script, JSON.stringify({ folder, ...options })],
    { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', AUGMENT_DEV: '', TMPDIR: temp, ...env } },
  );
  const lines: string[] = [];
  let stderr = '';
  let waiters: (() => void)[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));
  const waitFor = (prefix: string, from = 0): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== check);
        reject(
          new Error(`no line "${prefix}…" within ${WAIT_MS} ms:\n${lines.join('\n')}\n${stderr}`),
        );
      }, WAIT_MS);
      const check = (): void => {
        const line = lines.slice(from).find((l) => l.startsWith(prefix));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(line);
        } else if (ended) {
          clearTimeout(timer);
          reject(new Error(`host exited before "${prefix}…":\n${lines.join('\n')}\n${stderr}`));
        } else waiters.push(check);
      };
      check();
    });
  const send = (command: string): void => {
    child.stdin.write(`${command}\n`);
  };
  const host: DevHostProcess = {
    lines,
    waitFor,
    send,
    call: async (name) => {
      const from = lines.length;
      send(`call ${name}`);
      const line = await waitFor(`CALL ${name} `, from);
      return line.slice(`CALL ${name} `.length);
    },
    exited,
    kill: () => {
      if (!ended) child.kill('SIGKILL');
    },
    pid: child.pid ?? -1,
  };
  await waitFor('READY');
  return host;
}

/** What `.augment-dev.json` holds. */
export interface Address {
  protocol: number;
  address: string;
  token: string;
  pid: number;
  folder: string;
}

/** Reads `<folder>/.augment-dev.json`. */
export async function readAddress(folder: string): Promise<Address> {
  return JSON.parse(await readFile(join(folder, '.augment-dev.json'), 'utf8')) as Address;
}

/** A raw client of the endpoint: one connection, answers read line by line. */
export class DevClient {
  readonly #socket: Socket;
  readonly #answers: string[] = [];
  #waiting: (() => void) | undefined;
  /** Resolves once the host closed the connection. */
  readonly closed: Promise<void>;
  #isClosed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    let partial = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      this.#answers.push(...parts);
      this.#waiting?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#isClosed = true;
        this.#waiting?.();
        resolve();
      });
    });
  }

  /** Connects to an address (a socket path or a pipe name). */
  static connect(address: string): Promise<DevClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(address, () => {
        socket.off('error', reject);
        resolve(new DevClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes raw bytes or text. */
  write(data: string | Uint8Array): void {
    this.#socket.write(data);
  }

  /** Sends one request and resolves with the next answer, parsed. */
  async request(message: object): Promise<Record<string, unknown>> {
    this.write(`${JSON.stringify(message)}\n`);
    return this.next();
  }

  /** The next answer line, parsed; rejects when the connection closes first or after WAIT_MS. */
  next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no answer within ${WAIT_MS} ms`));
      }, WAIT_MS);
      const check = (): void => {
        const line = this.#answers.shift();
        if (line !== undefined) {
          clearTimeout(timer);
          this.#waiting = undefined;
          resolve(JSON.parse(line) as Record<string, unknown>);
        } else if (this.#isClosed) {
          clearTimeout(timer);
          this.#waiting = undefined;
          reject(new Error('the host closed the connection'));
        } else this.#waiting = check;
      };
      check();
    });
  }

  /** Every answer line received and not read yet. */
  get unread(): readonly string[] {
    return this.#answers;
  }

  /** Ends this side (the host then closes its side). */
  end(): void {
    this.#socket.end();
  }

  /** Drops the connection. */
  destroy(): void {
    this.#socket.destroy();
  }
}
