// Starts doctor's child process (dist/doctor-child.js) with --expose-gc and
// collects its report; a child that dies or stops answering is an error.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DOCTOR_ERROR_CODES, DoctorError } from './codes.js';
import type { ChildMessage, ChildReport, ChildRequest } from './protocol.js';

/** How long a child may go without finishing a round before it counts as hung. */
const ROUND_LIMIT_MS = 60_000;

/** The most of the child's output kept for an error message. */
const OUTPUT_LIMIT = 4000;

/** The child's script: beside the CLI's bundle in dist/. */
function childScript(): string {
  return fileURLToPath(new URL('./doctor-child.js', import.meta.url));
}

/**
 * Runs one child to the end.
 *
 * @param request - its job
 * @param cwd - the project folder (where the plugin would look for relative paths)
 * @param onRound - called after each round, for progress
 */
export function runChild(
  request: ChildRequest,
  cwd: string,
  onRound: (round: number) => void = () => undefined,
): Promise<ChildReport> {
  return new Promise((done, fail) => {
    const child = fork(childScript(), [JSON.stringify(request)], {
      cwd,
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    const keep = (chunk: string): void => {
      output = (output + chunk).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.setEncoding('utf8').on('data', keep);
    child.stderr?.setEncoding('utf8').on('data', keep);
    let report: ChildReport | undefined;
    let round = 0;
    let watchdog = setTimeout(hung, ROUND_LIMIT_MS);
    function hung(): void {
      child.kill('SIGKILL');
      fail(
        childError(
          `The plugin's process did not finish round ${round + 1} of ${request.rounds} within ${ROUND_LIMIT_MS / 1000} s.`,
          output,
        ),
      );
    }
    child.on('message', (message: ChildMessage) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(hung, ROUND_LIMIT_MS);
      if (message.type === 'round') {
        round = message.round;
        onRound(round);
      } else report = message.report;
    });
    child.on('error', (error) => {
      clearTimeout(watchdog);
      fail(childError(`doctor could not start its process: ${error.message}.`, output));
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (report !== undefined) done(report);
      else {
        const how = signal === null ? `with code ${code ?? 'none'}` : `on ${signal}`;
        fail(childError(`The plugin's process ended ${how} in round ${round + 1}.`, output));
      }
    });
  });
}

/** Lines of the child's last output shown in an error. */
const OUTPUT_LINES = 20;

function childError(headline: string, output: string): DoctorError {
  const lines = output.trimEnd().split('\n').slice(-OUTPUT_LINES);
  const shown = output.trim() === '' ? [] : ['its last output:', ...lines.map((l) => `  ${l}`)];
  const fix =
    'A plugin that ends the process (process.exit) or blocks it cannot be checked; if it does neither, please report this.';
  const list = shown.map((line) => `  ${line}`).join('\n');
  return new DoctorError(
    DOCTOR_ERROR_CODES.CHILD,
    `${headline}${list === '' ? ' ' : `\n${list}\n`}${fix}`,
    { details: shown },
  );
}
