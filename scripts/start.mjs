// `npm start` at the repository root: builds what the demo needs without
// showing the build tools' output (shown in full only when a build fails),
// then runs the demo host, whose output is the point.
//
//   npm start              build quietly, run the demo once
//   npm start -- --watch   the same, then keep running (the demo's flags follow --)
import { spawn } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The demo host, once built. */
export const DEMO = join(ROOT, 'examples', 'host', 'dist', 'main.js');

/**
 * What the demo needs built, in order: core, the builder (whose `augment`
 * builds the example plugin), the host's types package, the example plugin
 * (its release.zip) and the host. Each is a command and its arguments.
 *
 * @type {readonly { label: string, command: string, args: readonly string[] }[]}
 */
export const BUILDS = [
  ['core', '@augment/core'],
  ['cli helpers', '@augment/cli-kit'],
  ['builder', '@augment/builder'],
  ['host types', '@augment/example-host-types'],
  ['example plugin', '@augment/example-plugin'],
  ['demo host', '@augment/example-host'],
].map(([label, workspace]) => ({
  label,
  command: 'npm',
  args: ['run', 'build', '--workspace', workspace],
}));

/**
 * Runs one command with its output captured (stdout and stderr interleaved,
 * as a terminal would show them).
 *
 * @returns {Promise<{ code: number, output: string }>}
 */
function runCaptured(command, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) =>
      resolvePromise({ code: 1, output: `${output}${error.message}\n` }),
    );
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/** Runs the demo with the terminal's stdio; resolves to its exit code. */
function runDemo(args) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [DEMO, ...args], { stdio: 'inherit' });
    // Ctrl-C reaches the demo too, which stops cleanly: wait for it. A
    // signal sent to this process alone is passed on.
    const forward = (signal) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt).on('SIGTERM', onTerm);
    child.on('error', (error) => {
      console.error(`The demo could not start: ${error.message}`);
      resolvePromise(1);
    });
    child.on('close', (code) => {
      process.off('SIGINT', onInt).off('SIGTERM', onTerm);
      resolvePromise(code ?? 1);
    });
  });
}

/**
 * Builds `builds` one after the other, saying so in one line; on a failure
 * prints the failed build's whole output and stops. Then runs the demo with
 * `args`. Resolves to the exit code: the failed build's, or the demo's.
 *
 * @param {{ builds?: typeof BUILDS, args?: readonly string[] }} [options]
 */
export async function start({ builds = BUILDS, args = [] } = {}) {
  const started = performance.now();
  process.stdout.write(`Building the demo (${builds.map((b) => b.label).join(', ')})... `);
  for (const { label, command, args: buildArgs } of builds) {
    const { code, output } = await runCaptured(command, buildArgs);
    if (code !== 0) {
      process.stdout.write('failed\n');
      console.error(
        `\nBuilding the ${label} failed: \`${command} ${buildArgs.join(' ')}\` exited with code ${code}:\n`,
      );
      console.error(output.trimEnd());
      return code;
    }
  }
  process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`);
  return runDemo(args);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await start({ args: process.argv.slice(2) });
}
