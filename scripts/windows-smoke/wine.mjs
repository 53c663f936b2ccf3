// wine for scripts/windows-smoke.mjs: install it, keep our own prefix under
// .cache/wine, and run node.exe in it.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment of every wine command: our prefix, quiet, 64-bit only. */
export function createEnv(wineDir) {
  return {
    ...process.env,
    WINEPREFIX: join(wineDir, 'prefix'),
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    // no Mono or Gecko: nothing here needs them, and wine would offer to install them
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
}

/** `/a/b c` → `Z:\a\b c`: wine maps drive Z: to the Linux root. */
export const toWindowsPath = (path) => `Z:${path.replaceAll('/', '\\')}`;

/**
 * Runs a command to completion with its output in the file `log` (wine's
 * helpers outlive the command and would hold a pipe open); returns that
 * output, or throws with it when the command fails.
 */
export function run(command, args, { env, log }) {
  const fd = openSync(log, 'w');
  const result = spawnSync(command, args, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const output = readFileSync(log, 'utf8').trim();
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why})\n${output}`);
  }
  return output;
}

/** True when `wine` is on PATH. */
export const hasWine = () =>
  spawnSync('sh', ['-c', 'command -v wine'], { stdio: 'ignore' }).status === 0;

/** Installs Debian's wine (64-bit, without recommended extras). Needs root. */
export function installWine() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', 'wine'],
  ]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.error || result.status !== 0) {
      throw new Error(
        `apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`,
      );
    }
  }
}

/** Creates the prefix once (`wineboot -i`) and makes it report Windows 10, which Node.js 22 needs. */
export function preparePrefix(env, logDir) {
  const log = (name) => ({ env, log: join(logDir, `${name}.log`) });
  if (!existsSync(join(env.WINEPREFIX, 'system.reg'))) run('wineboot', ['-i'], log('wineboot'));
  const key = 'HKCU\\Software\\Wine';
  run('wine', ['reg', 'add', key, '/v', 'Version', '/d', 'win10', '/f'], log('reg'));
  const version = run('wine', ['--version'], log('version'));
  return version.split('\n').find((line) => line.startsWith('wine-')) ?? version;
}

/** Ends the wineserver of our prefix, and with it any wine process left in it. */
export function stopWine(env) {
  spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' });
}

/**
 * Runs `node.exe args…` under wine in `cwd`, killed after `timeoutMs`.
 * node.exe fails with EBADF when its stdout or stderr is a pipe, so each goes
 * to its own file in `cwd`, read once it has exited.
 */
export function runNodeExe(env, nodeExe, args, { cwd, timeoutMs }) {
  const files = { stdout: join(cwd, 'node-stdout.txt'), stderr: join(cwd, 'node-stderr.txt') };
  const out = openSync(files.stdout, 'w');
  const err = openSync(files.stderr, 'w');
  const result = spawnSync('wine', [nodeExe, ...args], {
    cwd,
    env,
    stdio: ['ignore', out, err],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  closeSync(out);
  closeSync(err);
  return {
    status: result.status,
    signal: result.signal,
    error: result.error,
    stdout: readFileSync(files.stdout, 'utf8'),
    stderr: readFileSync(files.stderr, 'utf8'),
  };
}
