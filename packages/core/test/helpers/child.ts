import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const coreRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The built ESM and CJS entry points of @augment/core. */
export const CORE_ESM = pathToFileURL(join(coreRoot, 'dist/index.js')).href;
export const CORE_CJS = join(coreRoot, 'dist/index.cjs');

/**
 * How long a child process may run by default before it is killed: generous
 * for a loaded machine (a host script takes well under a second), and below
 * the test timeout of vitest.config.ts, so a hang fails with the child's output.
 */
export const CHILD_TIMEOUT_MS = 45_000;

/** The kind of host script: an ES module that imports core, or a CommonJS one that requires it. */
export type HostKind = 'esm' | 'cjs';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The value the script passed to `done(...)`, parsed from its last stdout line. */
  result: unknown;
}

const PRELUDE = `
process.on('warning', (w) => { process.stderr.write('NODE-WARNING ' + w.name + ': ' + w.message + '\\n'); process.exitCode = 90; });
const done = (value) => { process.stdout.write('\\nRESULT ' + JSON.stringify(value) + '\\n'); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const touch = (file, content) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};
`;

/**
 * Runs `body` in a fresh Node process as a host script. In the script,
 * `core` is @augment/core (imported or required), `fs` and `path` are Node's
 * modules, `touch(file, content)` writes a file (making its folder), `done(value)` reports a
 * JSON result and `sleep(ms)` waits (to poll between checks of a condition, with a
 * generous deadline: never to wait a fixed time for something to happen). Any
 * process warning makes it exit 90.
 */
export async function runHost(
  dir: string,
  body: string,
  options: {
    kind?: HostKind;
    nodeArgs?: string[];
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ChildResult> {
  const kind = options.kind ?? 'esm';
  const file = join(dir, kind === 'esm' ? 'host-script.mjs' : 'host-script.cjs');
  const source =
    kind === 'esm'
      ? `import * as core from ${JSON.stringify(CORE_ESM)};\nimport * as fs from 'node:fs';\nimport * as path from 'node:path';\n${PRELUDE}\n${body}\n`
      : `const core = require(${JSON.stringify(CORE_CJS)});\nconst fs = require('node:fs');\nconst path = require('node:path');\n${PRELUDE}\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exitCode = 1; });\n`;
  await writeFile(file, source);
  return runNode(
    [...(options.nodeArgs ?? []), file],
    dir,
    options.timeoutMs ?? CHILD_TIMEOUT_MS,
    options.env,
  );
}

/**
 * Source of `waitFor(what, test)` for host scripts: polls `test()` every 20 ms
 * and throws after 20 s (uses the prelude's `sleep`).
 */
export const WAIT_FOR_SOURCE = `
const waitFor = async (what, test) => {
  const until = Date.now() + 20_000;
  while (!test()) {
    if (Date.now() > until) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
};
`;

/**
 * Spawns node with arguments and collects its output; kills it after
 * `timeoutMs`. `user` runs it as another user (uid and gid), e.g. one that
 * file permissions apply to when the tests run as root.
 */
export function runNode(
  args: string[],
  cwd: string,
  timeoutMs = CHILD_TIMEOUT_MS,
  env?: NodeJS.ProcessEnv,
  user?: { uid: number; gid: number },
): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `node ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').findLast((l) => l.startsWith('RESULT '));
      resolvePromise({
        code,
        stdout,
        stderr,
        result: line === undefined ? undefined : (JSON.parse(line.slice(7)) as unknown),
      });
    });
  });
}
