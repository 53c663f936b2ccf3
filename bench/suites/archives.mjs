// 4. Zip plugins: the first start (extract + load) against `unzip` + the
// floor's load, and the second start (cache hit) against the same plugins as
// directories.
import { rm } from 'node:fs/promises';
import { interleave, runProbe } from '../lib/child.mjs';
import { ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { ensureUnzip } from '../lib/unzip.mjs';
import { probe } from '../lib/workspace.mjs';

const TARGET = 1.1;

const FIRST_START_WHY =
  'Per archive Augment hashes the file, checks every entry, extracts it into a temporary ' +
  'folder and renames that into place, then loads the plugin like a directory (so the cold ' +
  "load's costs apply too). On top of that, `ArchiveCache.claim()` leases every archive " +
  'before it is looked up or extracted (so that no other process sweeps it meanwhile): the ' +
  "claims of one scan share the lease writes in flight, and each write reads the sweeps' " +
  'intents after it.';

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function archives(ctx) {
  const n = ctx.smoke ? 5 : 100;
  // 20 runs: a start over 100 archives takes ~0.1 s, and its spread is wide
  const plan = ctx.plan(20, 1);
  const { zips, dirs } = await ctx.ws.zipFolder(`zips-esm-${n}`, { count: n, format: 'esm' });
  const unzip = ensureUnzip({ install: !ctx.smoke, log: ctx.log });
  const cacheFirst = ctx.ws.path('scratch', 'archive-cache-first');
  const cacheSecond = ctx.ws.path('scratch', 'archive-cache-second');
  const unzipped = ctx.ws.path('scratch', 'archive-unzipped');
  const N = String(n);

  ctx.log(`archives, first start, ${n} zips: ${plan.runs} runs (+${plan.warmup} discarded)`);
  /** @type {Record<string, () => Promise<number>>} */
  const firstSides = {
    augment: async () => {
      await rm(cacheFirst, { recursive: true, force: true });
      return (await runProbe(probe('archive.mjs'), ['augment', zips, cacheFirst, N, N])).ms;
    },
  };
  if (unzip) {
    firstSides.floor = async () => {
      await rm(unzipped, { recursive: true, force: true });
      return (await runProbe(probe('archive.mjs'), ['floor', zips, unzipped, N])).ms;
    };
  }
  const first = await interleave(firstSides, plan);

  ctx.log(
    `archives, second start (cache hit), ${n} zips: ${plan.runs} runs (+${plan.warmup} discarded)`,
  );
  await rm(cacheSecond, { recursive: true, force: true });
  await runProbe(probe('archive.mjs'), ['augment', zips, cacheSecond, N, N]);
  const second = await interleave(
    {
      floorDirs: async () => (await runProbe(probe('cold.mjs'), ['floor', dirs, 'esm', N])).ms,
      augmentDirs: async () => (await runProbe(probe('cold.mjs'), ['augment', dirs, 'esm', N])).ms,
      augmentZips: async () =>
        (await runProbe(probe('archive.mjs'), ['augment', zips, cacheSecond, N, '0'])).ms,
    },
    plan,
  );

  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  if (first.floor !== undefined) {
    const ratio = summary(pairRatios(first.augment, first.floor));
    const pass = ctx.smoke ? null : ratio.median <= TARGET;
    rows.push([
      `first start: extract and load ${n} archives`,
      `\`unzip\` + floor load ${withSpread(summary(first.floor))}`,
      withSpread(summary(first.augment)),
      ratioText(ratio),
      `≤ ${TARGET}`,
      verdict(pass),
    ]);
    checks.push({
      name: `archives, first start (${n} zips) / unzip + floor`,
      target: `≤ ${TARGET}`,
      value: ratio.median.toFixed(2),
      pass,
      group: '§4 Zip plugins, first start',
      why: FIRST_START_WHY,
      profile: {
        key: `archives-first-${n}`,
        label: `first start over ${n} archives, empty cache`,
        script: probe('archive.mjs'),
        args: [
          'augment',
          zips,
          ctx.ws.path('scratch', 'archive-cache-profile', String(Date.now())),
          N,
          N,
        ],
        match: 'packages/core/dist',
      },
    });
  } else {
    rows.push([
      `first start: extract and load ${n} archives`,
      'skipped: `unzip` is not installed (smoke runs install nothing)',
      withSpread(summary(first.augment)),
      '—',
      `≤ ${TARGET}`,
      '—',
    ]);
  }
  const vsDirs = summary(pairRatios(second.augmentZips, second.augmentDirs));
  const vsFloor = summary(pairRatios(second.augmentZips, second.floorDirs));
  const passDirs = ctx.smoke ? null : vsDirs.median <= TARGET;
  rows.push(
    [
      `second start: ${n} archives from the cache`,
      `Augment, same plugins as directories ${withSpread(summary(second.augmentDirs))}`,
      withSpread(summary(second.augmentZips)),
      ratioText(vsDirs),
      `≤ ${TARGET}`,
      verdict(passDirs),
    ],
    [
      `second start: ${n} archives from the cache`,
      `floor, same plugins as directories ${withSpread(summary(second.floorDirs))}`,
      withSpread(summary(second.augmentZips)),
      ratioText(vsFloor),
      '— (see the cold load)',
      '—',
    ],
  );
  checks.push({
    name: `archives, second start (cache hit) / Augment over the same plugins as directories`,
    target: `≤ ${TARGET}`,
    value: vsDirs.median.toFixed(2),
    pass: passDirs,
    group: '§4 Zip plugins, second start',
    why:
      'A cache hit `stat`s each archive and takes its SHA-256 from the hash index the last ' +
      'start left (`.hashes.json`; an archive whose size, mtime or inode changed is hashed ' +
      'again), finds its extraction (one `existsSync`), reads its manifest and `stat`s its ' +
      'entry point (an extraction holds no symlink, so no walk is needed), then loads it like a ' +
      'directory plugin. Before the first lookup it writes its lease (a few asynchronous file ' +
      'operations every archive waits for, so that no other process sweeps what this one is ' +
      'about to serve from); at the end of the scan it sweeps the cache, reading the folder, ' +
      'the leases and the sweep intents at once, beside the hash index and the lease (each ' +
      "written only when it changed). The directory side's own costs fell with the scan " +
      'changes of §1, so these few calls per archive weigh more against it: the ratio moves ' +
      'between 1.07 and 1.18 from one run to the next on this machine (1.12 before the ' +
      'sweep read at once and the unchanged lease was no longer written again, 1.105 after: ' +
      'medians of 16 alternated runs of `bench/probes/archive.mjs`).',
    profile: {
      key: `archives-second-${n}`,
      label: `second start over ${n} archives, cache hit`,
      script: probe('archive.mjs'),
      args: ['augment', zips, cacheSecond, N, '0'],
      match: 'packages/core/dist',
    },
  });

  return {
    section: {
      id: 'archives',
      title: `4. Zip plugins (${n} archives)`,
      intro: [
        `${n} ESM plugins (the cold load's plugins), each packed by the builder's \`pack()\` ` +
          '(what `augment build --zip` writes: stored entries, manifest at the root). ' +
          '**First start**: an empty `cacheDir`; Augment hashes, checks and extracts every ' +
          "archive, then loads the plugins. The floor runs Debian's `unzip` on each archive " +
          'into its own folder (one shell loop: a fork and exec per archive), then runs the ' +
          "cold load's floor over the extracted folders. **Second start**: the cache already " +
          'holds every extraction (the probe checks that nothing is extracted), against ' +
          'Augment over the same plugins as plain directories (the judged ratio: what the ' +
          'archive path adds) and against the floor over those directories (for reference).',
        `Runs: ${ctx.smoke ? '1 (smoke test)' : `${plan.runs} per side, after one discarded round`}, interleaved; ` +
          'the cache (or the unzipped folder) is deleted before each first-start run, outside the timed region.',
      ],
      tables: [{ columns: ['start', 'reference', 'Augment', 'ratio', 'target', 'result'], rows }],
      notes: [],
      checks,
    },
  };
}
