// `augment dev` against real hosts: each test starts @augment/core's
// PluginHost in a child process on a temp plugin folder (`dev: true`, or
// AUGMENT_DEV=1 through --run), and the real CLI tells it what changed.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { killRecordedPids } from './helpers/pids.js';
import { cleanEnv, ensureBuilt } from './helpers/cli.js';
import { CORE_ESM, WAIT_MS, makeTempDir, removeDir, writeFiles } from './helpers/project.js';
import { REBUILT, WATCHED_PLUGIN, Watching, stopWatching } from './helpers/watching.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

/**
 * A host: loads the folder given, keeps greeters only, prints what it serves
 * after each reload and on `greet` from stdin, closes on SIGTERM. `dev` comes
 * from the DEV variable ('env' leaves it to AUGMENT_DEV).
 */
const HOST = `
import { PluginHost } from ${JSON.stringify(CORE_ESM)};
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
appendFileSync('pids.txt', process.pid + '\\n');
const folder = process.argv[2];
const dev = process.env.DEV === 'env' ? {} : { dev: true };
const host = new PluginHost({
  folder,
  ...dev,
  validator: (value) => typeof value?.greet === 'function',
});
const serve = () => {
  const names = host.getAll().map(({ manifest, plugin }) =>
    manifest.name + '@' + manifest.version + ' says ' + plugin.greet('world'));
  console.log('serving [' + names.join(', ') + '] pid=' + process.pid);
};
host.on('reload:done', serve);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'greet') serve();
});
process.on('SIGTERM', () => {
  host.close().then(() => process.exit(0));
});
// the dev endpoint does not keep a process alive, and a --run host gets no stdin
setInterval(() => undefined, 60_000);
await host.reload();
console.log('host ready pid=' + process.pid);
`;

const greeter = (word: string): string =>
  `export default { greet: (who: string): string => \`${word} \${who}\` };\n`;

/** A host process started by the test, whose output is read in order. */
class Host {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  private cursor = 0;

  constructor(cwd: string, folder: string) {
    this.child = spawn(process.execPath, [join(cwd, 'host.mjs'), folder], {
      cwd,
      env: { ...cleanEnv(), AUGMENT_DEV: '' },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }

  async next(pattern: RegExp, timeoutMs = WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output.slice(this.cursor));
      if (match !== null) {
        this.cursor += match.index + match[0].length;
        return match[0];
      }
      if (Date.now() > deadline) {
        throw new Error(`the host printed no ${pattern} in ${timeoutMs} ms:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  /** Asks what it serves now. */
  async serving(): Promise<string> {
    // what it prints from now on: an older line may say what it served before
    this.cursor = this.output.length;
    this.child.stdin.write('greet\n');
    return this.next(/serving \[[^\]]*\]/u);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill(signal);
    await exited;
  }
}

let root: string;
let dir: string;
let plugins: string;
let dev: Watching | undefined;
const hosts: Host[] = [];

function startHost(): Host {
  const host = new Host(dir, plugins);
  hosts.push(host);
  return host;
}

function startDev(args: string[] = [], env: NodeJS.ProcessEnv = {}): Watching {
  dev = new Watching(['--link', plugins, '--no-typecheck', ...args], dir, 'dev', env);
  return dev;
}

async function save(source: string): Promise<void> {
  await writeFile(join(dir, 'src/index.ts'), source);
}

beforeEach(async () => {
  root = await makeTempDir('dev-host');
  dir = join(root, 'my-plugin');
  plugins = join(root, 'host/plugins');
  await mkdir(plugins, { recursive: true });
  await writeFiles(dir, {
    ...WATCHED_PLUGIN,
    'src/index.ts': greeter('hello'),
    'host.mjs': HOST,
  });
});

afterEach(async () => {
  await stopWatching(dev);
  dev = undefined;
  for (const host of hosts.splice(0)) await host.kill('SIGKILL');
  // hosts started through --run, when a test failed before stopping augment dev
  await killRecordedPids(dir);
  await removeDir(root);
});

describe('augment dev with a listening host', () => {
  it('loads each save in the host and prints its answer under the build line', async () => {
    const host = startHost();
    await host.next(/host ready/u);
    const running = startDev();
    await running.next(/linked /u);
    // the first build is announced too: the host loads the plugin it had not seen
    await running.next(/✓ my-plugin@1\.0\.0 (loaded|unchanged) in the host/u);
    await host.next(/serving \[my-plugin@1\.0\.0 says hello world\]/u);

    await save(greeter('hi'));
    await running.next(REBUILT);
    await running.next(/✓ my-plugin@1\.0\.0 loaded in the host \(\d+ ms\)\n/u);
    expect(await host.serving()).toContain('my-plugin@1.0.0 says hi world');
    expect(running.output).not.toMatch(/no host is listening/u);
  });

  it('prints the host refusing the plugin with its code, and the host keeps the last good version', async () => {
    const host = startHost();
    await host.next(/host ready/u);
    const running = startDev();
    await running.next(/✓ my-plugin@1\.0\.0/u);

    await save('export default { greet: 42 };\n');
    await running.next(REBUILT);
    await running.next(/✗ the host refused my-plugin: AUG_VALIDATE_REJECTED .+\n/u);
    expect(await host.serving()).toContain('my-plugin@1.0.0 says hello world');
    expect(running.alive).toBe(true);
  });

  it('prints the code frame the host answers with a failure', async () => {
    const host = startHost();
    await host.next(/host ready/u);
    const running = startDev(['--format', 'cjs']);
    await running.next(/✓ my-plugin@1\.0\.0/u);

    // a file the bundle requires at run time, copied from assets/ unbundled, with a syntax error
    await writeFiles(dir, {
      'assets/broken.cjs': 'module.exports = {\n  greet: (w) => w +,\n};\n',
    });
    await save(
      'declare const require: (id: string) => unknown;\n' +
        'export default require(__dirname + "/assets/broken.cjs");\n',
    );
    await running.next(/✗ the host refused my-plugin: AUG_LOAD_IMPORT .+\n/u);
    await running.next(/broken\.cjs:2\n {2}greet: \(w\) => w \+,\n {19}\^\n/u);
    expect(await host.serving()).toContain('my-plugin@1.0.0 says hello world');
  });

  it('notifies nothing on a syntax error: the host keeps serving the last good version', async () => {
    const host = startHost();
    await host.next(/host ready/u);
    const running = startDev();
    await running.next(/✓ my-plugin@1\.0\.0/u);

    await save('export default { greet: (who: string) => `broken ${who}` ;\n');
    await running.next(/src[\\/]index\.ts:1:\d+/u);
    await running.next(/waiting for changes…/u);
    expect(await host.serving()).toContain('my-plugin@1.0.0 says hello world');

    await save(greeter('fixed'));
    await running.next(REBUILT);
    await running.next(/✓ my-plugin@1\.0\.0 loaded in the host/u);
    expect(await host.serving()).toContain('says fixed world');
    // one answer per successful build, none for the failed one
    expect(running.output.match(/[✓✗] /gu)).toHaveLength(2);
  });

  it('finds a restarted host, and says when it went away', async () => {
    const first = startHost();
    await first.next(/host ready/u);
    const running = startDev();
    await running.next(/✓ my-plugin@1\.0\.0/u);

    // killed without close(): its address file stays behind, naming a dead pid
    await first.kill('SIGKILL');
    expect(existsSync(join(plugins, '.augment-dev.json'))).toBe(true);
    await save(greeter('nobody'));
    await running.next(REBUILT);
    await running.next(/no host is listening on /u);

    const second = startHost();
    await second.next(/host ready/u);
    await save(greeter('again'));
    await running.next(REBUILT);
    await running.next(/✓ my-plugin@1\.0\.0 (loaded|unchanged) in the host/u);
    expect(await second.serving()).toContain('says again world');
  });

  it('--run starts a host that opts in through AUGMENT_DEV=1, and Ctrl+C stops it and unlinks', async () => {
    // DEV=env: the host script leaves `dev` unset, so AUGMENT_DEV=1 from --run is the only opt-in
    const running = startDev(['--run', `"${process.execPath}" host.mjs "${plugins}"`], {
      DEV: 'env',
    });
    await running.next(/started the host/u);
    await running.next(/host ready pid=\d+/u);
    await save(greeter('via run'));
    await running.next(REBUILT);
    await running.next(/✓ my-plugin@1\.0\.0 loaded in the host/u);
    // the host prints what it serves as its reload ends, before it answers
    expect(running.output).toMatch(/serving \[my-plugin@1\.0\.0 says via run world\]/u);

    expect((await running.stop('SIGINT')).code).toBe(0);
    expect(existsSync(join(plugins, 'my-plugin'))).toBe(false);
    // the host closed: it removed its address file
    expect(existsSync(join(plugins, '.augment-dev.json'))).toBe(false);
  });
});
