// 9. `augment watch` with the type check on a realistic plugin: from an edit
// to the new dist/index.js on disk, and to the new code served by a host
// (`watch: true`), against `augment watch --no-typecheck` (esbuild's rebuild
// alone) in the same run.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { AUGMENT_CLI } from '../lib/project.mjs';
import { GREETING, writeRealisticProject } from '../lib/realistic-project.mjs';
import { ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { waitForContent } from '../lib/wait-for-content.mjs';
import { BENCH_DIR } from '../lib/workspace.mjs';
import { cleanEnv } from './builder.mjs';

const TARGET = 1.1;
const SERVE_PROBE = join(BENCH_DIR, 'probes', 'serve.mjs');
/** The two sides: `floor` rebuilds without the type check. */
const SIDES = /** @type {const} */ ({ floor: ['--no-typecheck'], augment: [] });

/**
 * @typedef {object} Times
 * @property {number[]} dist - edit → the new dist/index.js on disk
 * @property {number[]} served - edit → the host serves the new code
 * @property {number[]} types - edit → the `types:` line (type check side only)
 */

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function watchTypecheck(ctx) {
  const rounds = ctx.smoke ? 1 : 4;
  const edits = ctx.smoke ? 1 : 5;
  const warmup = ctx.smoke ? 0 : 1;
  ctx.log(`watch with the type check: ${rounds} rounds of ${edits} edits per side (+${warmup})`);
  /** @type {Record<keyof typeof SIDES, Times>} */
  const times = {
    floor: { dist: [], served: [], types: [] },
    augment: { dist: [], served: [], types: [] },
  };
  for (let round = 0; round < rounds; round += 1) {
    for (const side of /** @type {const} */ (['floor', 'augment'])) {
      const folder = ctx.ws.path('scratch', `watch-typecheck-${side}`);
      const project = await writeRealisticProject(join(folder, 'realistic'), `realistic-${side}`);
      const session = await measureSession(project, folder, SIDES[side], edits, warmup);
      for (const key of /** @type {const} */ (['dist', 'served', 'types'])) {
        times[side][key].push(...session[key]);
      }
    }
  }

  const judged = !ctx.smoke;
  const dist = summary(pairRatios(times.augment.dist, times.floor.dist));
  const served = summary(pairRatios(times.augment.served, times.floor.served));
  const distPass = judged ? dist.median <= TARGET : null;
  const servedPass = judged ? served.median <= TARGET : null;
  const row = (/** @type {string} */ what, /** @type {'dist' | 'served'} */ key, ratio, pass) => [
    what,
    withSpread(summary(times.floor[key])),
    withSpread(summary(times.augment[key])),
    ratioText(ratio),
    `≤ ${TARGET}`,
    verdict(pass),
  ];
  return {
    section: {
      id: 'watch-typecheck',
      title: '12. `augment watch` with the type check on a realistic plugin',
      intro: [
        'A generated plugin project of about 340 lines of TypeScript over zod (ten modules of ' +
          'schemas with inferred types, and an entry that imports them all; ' +
          '[lib/realistic-project.mjs](lib/realistic-project.mjs)), inside a host folder. ' +
          'Each session starts `augment watch` on it (Augment: with the type check, as ' +
          "`npm run watch` runs it; floor: `--no-typecheck`, esbuild's incremental rebuild " +
          'alone), then a host on the folder ([probes/serve.mjs](probes/serve.mjs): ' +
          '`new PluginHost({ folder, watch: true })`, default `watchDebounceMs` of 100 ms), which ' +
          'prints the greeting of the plugin after each reload. Each edit changes the greeting in ' +
          '`src/index.ts`; times run from the write to `dist/index.js` on disk holding it ' +
          '(an `fs.watch` on the project plus a 5 ms poll, one read at a time), and to the host printing it. The ' +
          'next edit waits for the `types:` line (and the host), so each starts on a quiet machine.',
        `Runs: ${ctx.smoke ? '1 edit per side (smoke test)' : `${rounds} rounds, each a session per side (floor, then Augment) of ${edits} edits after one discarded; ratios pair the edits of the same round`}.`,
      ],
      tables: [
        {
          columns: [
            'edit →',
            'floor (`--no-typecheck`)',
            'Augment (type check)',
            'ratio',
            'target',
            'result',
          ],
          rows: [
            row('new `dist/index.js` on disk', 'dist', dist, distPass),
            row('served by the host', 'served', served, servedPass),
            [
              '`types:` line (the check of the edit)',
              '—',
              withSpread(summary(times.augment.types)),
              '—',
              '— (reference)',
              '—',
            ],
          ],
        },
      ],
      notes: [],
      checks: [
        {
          name: '`augment watch`: edit to `dist/`, type check / `--no-typecheck` (median)',
          target: `≤ ${TARGET}`,
          value: dist.median.toFixed(2),
          pass: distPass,
        },
        {
          name: '`augment watch`: edit to served in a host, type check / `--no-typecheck` (median)',
          target: `≤ ${TARGET}`,
          value: served.median.toFixed(2),
          pass: servedPass,
        },
      ],
    },
  };
}

/**
 * A child process whose output lines are kept in order.
 *
 * @param {string[]} args - node's arguments
 * @param {string} cwd
 */
export function startLogged(args, cwd) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {{ line: string, at: number }[]} */
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) =>
      lines.push({ line, at: performance.now() }),
    );
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /**
   * Waits for a line from index `from` on; resolves with its index and arrival time.
   *
   * @param {(line: string) => boolean} test
   * @param {number} from
   * @param {number} [ms]
   */
  const waitForLine = async (test, from, ms = 120_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const index = lines.findIndex((entry, i) => i >= from && test(entry.line));
      if (index >= 0) return { index, at: lines[index]?.at ?? Number.NaN };
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `${args.join(' ')}: no awaited line:\n${lines.map((e) => e.line).join('\n')}`,
        );
      }
      await sleep(2);
    }
  };
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  return { lines, waitForLine, stop };
}

/**
 * One session: `augment watch` on the project and a host on its folder,
 * then `warmup + edits` edits, each timed to disk and to the host.
 *
 * @param {string} project
 * @param {string} folder - the host's plugin folder (holds the project)
 * @param {readonly string[]} flags - `augment watch`'s flags
 * @param {number} edits
 * @param {number} warmup
 * @returns {Promise<Times>}
 */
async function measureSession(project, folder, flags, edits, warmup) {
  const checking = !flags.includes('--no-typecheck');
  const source = join(project, 'src', 'index.ts');
  const original = await readFile(source, 'utf8');
  const watcher = startLogged([AUGMENT_CLI, 'watch', ...flags], project);
  /** @type {ReturnType<typeof startLogged> | undefined} */
  let host;
  try {
    await watcher.waitForLine((line) => line.startsWith('watching '), 0);
    if (checking) await watcher.waitForLine((line) => line.startsWith('types:'), 0);
    host = startLogged([SERVE_PROBE, folder], project);
    await host.waitForLine((line) => line === `SERVED ${GREETING}`, 0);
    await host.waitForLine((line) => line === 'READY', 0);
    /** @type {Times} */
    const times = { dist: [], served: [], types: [] };
    for (let i = 0; i < warmup + edits; i += 1) {
      const marker = `${GREETING}, edit ${i}`;
      const fromWatcher = watcher.lines.length;
      const fromHost = host.lines.length;
      const onDisk = waitForContent(project, join(project, 'dist', 'index.js'), marker);
      const started = performance.now();
      await writeFile(source, original.replace(GREETING, marker));
      await onDisk;
      const distMs = performance.now() - started;
      const served = await host.waitForLine((line) => line === `SERVED ${marker}`, fromHost);
      let typesMs = Number.NaN;
      if (checking) {
        const rebuilt = await watcher.waitForLine(
          (line) => line.startsWith('rebuilt in'),
          fromWatcher,
        );
        const types = await watcher.waitForLine((line) => line.startsWith('types:'), rebuilt.index);
        if (watcher.lines[types.index]?.line !== 'types: ok')
          throw new Error('the type check failed');
        typesMs = types.at - started;
      }
      if (i < warmup) continue;
      times.dist.push(distMs);
      times.served.push(served.at - started);
      if (checking) times.types.push(typesMs);
    }
    return times;
  } finally {
    await host?.stop();
    await watcher.stop();
  }
}
