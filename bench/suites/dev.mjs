// 14. `augment dev`: from a save of a realistic plugin's source to the new
// code serving in a host, through the handshake (the host told which plugin
// changed, `dev: true`) against the host's own file watching (`watch: true`)
// through the same link, with the same `augment dev` building on both sides.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBuiltProject } from '../lib/built-plugins.mjs';
import { AUGMENT_CLI } from '../lib/project.mjs';
import { num, ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { BENCH_DIR } from '../lib/workspace.mjs';
import { startLogged } from './watch-typecheck.mjs';

/** Save to new code serving, at the median, through the handshake. */
const TARGET_MS = 250;
const PROBE = join(BENCH_DIR, 'probes', 'dev-host.mjs');
/** The two sides: `floor` is the host's file watching, `augment` the handshake. */
const SIDES = /** @type {const} */ (['floor', 'augment']);

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function devLoop(ctx) {
  const rounds = ctx.smoke ? 1 : 4;
  const edits = ctx.smoke ? 1 : 5;
  const warmup = ctx.smoke ? 0 : 1;
  ctx.log(`augment dev: ${rounds} rounds of ${edits} saves per side (+${warmup})`);
  /** @type {Record<(typeof SIDES)[number], number[]>} */
  const times = { floor: [], augment: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const side of SIDES) {
      const project = await ctx.ws.freshDir('scratch', `dev-${side}-project`);
      const folder = ctx.ws.path('scratch', `dev-${side}-plugins`);
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder, { recursive: true });
      await writeBuiltProject(project);
      const mode = side === 'augment' ? 'dev' : 'watch';
      times[side].push(...(await measureSession(project, folder, mode, edits, warmup)));
    }
  }

  const judged = !ctx.smoke;
  const handshake = summary(times.augment);
  const watching = summary(times.floor);
  const ratio = summary(pairRatios(times.augment, times.floor));
  const pass = judged ? handshake.median <= TARGET_MS : null;
  return {
    section: {
      id: 'dev',
      title: '14. `augment dev`: save to new code serving in a host',
      intro: [
        'The realistic built plugin of §9 (zod/mini + semver, about 100 KB bundled with its ' +
          '430 KB map; [lib/built-plugins.mjs](lib/built-plugins.mjs)) as a project. Each ' +
          'session runs `augment dev --link <folder> --no-typecheck` on it and a host on the ' +
          'folder ([probes/dev-host.mjs](probes/dev-host.mjs)), which prints the greeting of ' +
          'the plugin after each reload. Augment: the host listens (`dev: true`), and ' +
          '`augment dev` tells it which plugin changed after each build. Floor: the host ' +
          'watches its folder (`watch: true`, default `watchDebounceMs` of 100 ms) and ' +
          '`augment dev` finds no host listening; the link is the same. Each save changes the ' +
          'greeting in `src/index.ts`; the time runs from the write to the host printing it.',
        `Runs: ${ctx.smoke ? '1 save per side (smoke test)' : `${rounds} rounds, each a session per side (floor, then Augment) of ${edits} saves after one discarded; the ratio pairs the saves of the same round`}.`,
      ],
      tables: [
        {
          columns: ['save → served', 'file watching', 'handshake', 'ratio', 'target', 'result'],
          rows: [
            [
              'median (± half IQR)',
              withSpread(watching),
              withSpread(handshake),
              ratioText(ratio),
              `handshake ≤ ${TARGET_MS} ms`,
              verdict(pass),
            ],
            [
              'min – max',
              `${num(watching.min)} – ${num(watching.max)} ms`,
              `${num(handshake.min)} – ${num(handshake.max)} ms`,
              '—',
              '—',
              '—',
            ],
          ],
        },
      ],
      notes: [
        'Both sides wait for `augment dev` (its 30 ms of quiet, the rebuild, `dist/` updated ' +
          'file by file). Then the handshake reloads that one plugin at once, where file ' +
          'watching waits its debounce after the last file event and rescans the folder.',
      ],
      checks: [
        {
          name: '`augment dev`: save to new code serving in a host, handshake (median)',
          target: `≤ ${TARGET_MS} ms`,
          value: `${num(handshake.median)} ms`,
          pass,
        },
      ],
    },
  };
}

/**
 * One session: `augment dev` linking the project into `folder`, a host on
 * the folder, then `warmup + edits` saves, each timed to the host serving it.
 *
 * @param {string} project
 * @param {string} folder - the host's plugin folder
 * @param {'dev' | 'watch'} mode - how the host learns of a change
 * @param {number} edits
 * @param {number} warmup
 * @returns {Promise<number[]>}
 */
async function measureSession(project, folder, mode, edits, warmup) {
  const source = join(project, 'src', 'index.ts');
  const original = await readFile(source, 'utf8');
  const dev = startLogged([AUGMENT_CLI, 'dev', '--link', folder, '--no-typecheck'], project);
  /** @type {ReturnType<typeof startLogged> | undefined} */
  let host;
  try {
    await dev.waitForLine((line) => line.startsWith('watching '), 0);
    host = startLogged([PROBE, folder, mode], project);
    await host.waitForLine((line) => line === 'READY', 0);
    await host.waitForLine((line) => line.startsWith('SERVED hello bench'), 0);
    /** @type {number[]} */
    const times = [];
    for (let i = 0; i < warmup + edits; i += 1) {
      const marker = `saved ${i}`;
      const fromHost = host.lines.length;
      const started = performance.now();
      await writeFile(source, original.replace('`hello ', `\`${marker} `));
      const served = await host.waitForLine(
        (line) => line.startsWith(`SERVED ${marker} bench`),
        fromHost,
        30_000,
      );
      if (i >= warmup) times.push(served.at - started);
    }
    return times;
  } finally {
    await host?.stop();
    await dev.stop();
  }
}
