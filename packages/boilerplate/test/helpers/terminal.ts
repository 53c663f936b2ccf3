// Runs the built bin in a real pseudo-terminal (util-linux `script`), so that
// stdin and stdout are TTYs as in a user's terminal, and answers its
// questions: each step waits for its question in the output, then types.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, cleanEnv } from './cli.js';

export const ENTER = '\r';
export const LEFT = '\u001b[D';

/** A question to wait for (a text in the output) and the keys that answer it. */
export type Step = [question: string, keys: string];

/** What the bin printed (colors and cursor moves removed) and its exit code. */
export interface TerminalRun {
  code: number | null;
  output: string;
}

/** Tells whether `script` can give the tests a pseudo-terminal (Linux, util-linux). */
export function hasScript(): boolean {
  return process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
}

const quote = (word: string): string => `'${word.replace(/'/gu, `'\\''`)}'`;

/** The output as a reader sees it: without escape sequences and carriage returns. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex -- terminal escape sequences
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/gu, '').replace(/\r/gu, '');
}

/**
 * Runs `create-augment-plugin ...args` in `cwd` in a 100×30 pseudo-terminal,
 * answering `steps` in order; fails when a question does not show within 20 s
 * or the bin does not exit within 30 s of the last answer.
 */
export async function runInTerminal(
  args: readonly string[],
  cwd: string,
  steps: readonly Step[],
  env: NodeJS.ProcessEnv = {},
): Promise<TerminalRun> {
  const command = [
    'stty cols 100 rows 30;',
    'exec',
    ...[process.execPath, CLI, ...args].map(quote),
  ];
  const child = spawn('script', ['-qfec', command.join(' '), '/dev/null'], {
    cwd,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let written = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    let seen = 0;
    for (const [question, keys] of steps) {
      for (let waited = 0; plain(written).indexOf(question, seen) === -1; waited += 10) {
        if (waited > 20_000) throw new Error(`"${question}" was not asked:\n${plain(written)}`);
        await sleep(10);
      }
      seen = plain(written).indexOf(question, seen) + question.length;
      child.stdin.write(keys);
    }
    const timeout = sleep(30_000).then(() => 'timeout' as const);
    const code = await Promise.race([exited, timeout]);
    if (code === 'timeout') throw new Error(`the bin did not exit:\n${plain(written)}`);
    return { code, output: plain(written) };
  } finally {
    child.stdin.end();
    child.kill('SIGKILL');
  }
}
