// What each kind of resource left open is called, and how it is closed.
import type { LeftResource } from './protocol.js';

/** How a kind of resource is named and closed. */
export interface ResourceKind {
  /** `an interval`, `a server`… */
  readonly name: string;
  /** What it is still doing: `is still running`, `is still listening`. */
  readonly state: string;
  /** What to do with it: `clear it`, `close it`. */
  readonly close: string;
  /** The call that does it: `clearInterval`, `server.close()`. */
  readonly call: string;
}

const KINDS: Readonly<Record<string, ResourceKind>> = {
  interval: {
    name: 'an interval',
    state: 'is still running',
    close: 'clear it',
    call: 'clearInterval',
  },
  Timeout: {
    name: 'a timeout',
    state: 'is still pending',
    close: 'clear it',
    call: 'clearTimeout',
  },
  TCPSERVERWRAP: {
    name: 'a server',
    state: 'is still listening',
    close: 'close it',
    call: 'server.close()',
  },
  PIPESERVERWRAP: {
    name: 'a server',
    state: 'is still listening',
    close: 'close it',
    call: 'server.close()',
  },
  TCPWRAP: {
    name: 'a socket',
    state: 'is still open',
    close: 'close it',
    call: 'socket.destroy()',
  },
  PIPEWRAP: { name: 'a pipe', state: 'is still open', close: 'close it', call: '.destroy()' },
  UDPWRAP: {
    name: 'a UDP socket',
    state: 'is still open',
    close: 'close it',
    call: 'socket.close()',
  },
  PROCESSWRAP: {
    name: 'a child process',
    state: 'is still running',
    close: 'stop it',
    call: 'child.kill()',
  },
  FSEVENTWRAP: {
    name: 'a file watcher',
    state: 'is still watching',
    close: 'close it',
    call: 'watcher.close()',
  },
  STATWATCHER: {
    name: 'a file watcher',
    state: 'is still watching',
    close: 'stop it',
    call: 'fs.unwatchFile()',
  },
  SIGNALWRAP: {
    name: 'a signal listener',
    state: 'is still listening',
    close: 'remove it',
    call: 'process.off()',
  },
  WORKER: {
    name: 'a worker thread',
    state: 'is still running',
    close: 'stop it',
    call: 'worker.terminate()',
  },
  MESSAGEPORT: {
    name: 'a message port',
    state: 'is still open',
    close: 'close it',
    call: 'port.close()',
  },
};

const UNKNOWN: ResourceKind = {
  name: 'a handle',
  state: 'is still open',
  close: 'close it',
  call: '',
};

/** The kind of a resource left open. */
export function kindOf(resource: Pick<LeftResource, 'type' | 'repeat'>): ResourceKind {
  if (resource.type === 'Timeout' && resource.repeat) return KINDS['interval'] ?? UNKNOWN;
  return KINDS[resource.type] ?? UNKNOWN;
}

/**
 * Drops the pipes created at the place that started a child process: they are
 * its stdio, and stopping the process closes them.
 */
export function withoutChildPipes(left: readonly LeftResource[]): LeftResource[] {
  const where = (r: LeftResource): string =>
    r.frame === undefined ? '' : `${r.frame.file}:${r.frame.position}`;
  const processes = new Set(left.filter((r) => r.type === 'PROCESSWRAP').map(where));
  return left.filter((r) => r.type !== 'PIPEWRAP' || !processes.has(where(r)));
}
