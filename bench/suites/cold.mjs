// 0 and 1. Cold load of directory plugins: new PluginHost + reload() against
// the floor's loop, N = 10 … 5000, ESM and CommonJS; and one row of plugins
// that ship source maps.
import { interleave, runProbe } from '../lib/child.mjs';
import { lineChartSvg, num, ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';

const TARGET_RATIO = 1.15;
/**
 * "Flat": the time one more plugin costs (the slope of total time against N)
 * from N = 1000 to 5000 may exceed its slope from 100 to 1000 by at most this
 * factor (a quadratic step would multiply it). The slopes leave the fixed
 * costs out, which the time per plugin at small N is full of.
 */
const FLAT_LIMIT = 1.25;

const COLD_WHY =
  'What Augment does per plugin beyond the floor (one `readFile` of the manifest, then the ' +
  'import): a synchronous walk of the plugin directory for its fingerprint (one `readdir` and ' +
  'one `stat` per file: the `walk` and `statOrUndefined` frames; it also answers where the ' +
  'entry point and its source map are, so nothing else asks the file system), the manifest ' +
  'read and checked by hand (`fastManifest`; zod only for a broken one), the nearest ' +
  '`package.json` read to decide ESM or CommonJS as Node would (`detectFormat`), the load ' +
  'timeout, the validator, and building the registry. On a virtual machine each system call ' +
  "costs 10–30 µs, so the walk is most of the difference: about four calls for the bench's " +
  'three-file plugins. The walk is what lets a warm reload skip unchanged plugins (§2) and ' +
  "what detects a changed helper file; `package.json` is what a `.js` entry's format depends " +
  'on. Fixed costs (a few ms: options, the first manifest, module set-up) weigh most at ' +
  'N = 100.\n\n' +
  'Measured apart (CommonJS, N = 1000, timers around each step in a copy of the build, ' +
  'medians of 4 runs): the `require()` calls themselves take the same ~415 ms on both sides; ' +
  "Augment's ~130 ms before the first one (the floor: ~40 ms of manifest reads) is the walk " +
  '(~65 ms), the manifests (~30 ms) and the scan around them; between the requires, the ' +
  '`package.json` reads take ~45 ms and the rest (pacing, validator, publication) ~90 ms. ' +
  'Builds that each drop one thing, A/B against this one over the same folder: no ' +
  '`package.json` read 0.03–0.05 lower; `require()` not paced, or slices of 20 ms instead of ' +
  '5 ms, 0.02–0.09 lower (fewer turns of the loop; the machine varies that much from one run ' +
  'to the next) but the longest stall of a 5,000-plugin load then doubles to ~40 ms, too close ' +
  'to the 50 ms bound; loading each plugin in one synchronous step (no promise per step) ' +
  '0.05 higher. None of these is a change to make: the reads are what makes the format and ' +
  'reloads right, and the pacing what keeps the host serving (§13). Reproduce with ' +
  '`node bench/probes/cold.mjs` and a copy of `packages/core/dist` per variant ' +
  '(`AUGMENT_BENCH_CORE=<copy>/index.js`).\n\n' +
  'What the stall bound costs, and what is left without it (`node bench/stall-bound-cost.mjs ' +
  '11`: the build as shipped against a copy whose import gate admits every import at once and ' +
  'whose pacer never yields, each against the floor; fresh processes, interleaved, medians of ' +
  '11): ES modules 1.41 as shipped, 1.21 without the bound; CommonJS 1.30 and 1.22. The ' +
  "scan's file system calls alone (the directory's stat and listing, a stat per file, the " +
  'manifest and `package.json` each opened without blocking, checked and read), issued in one ' +
  'loop with nothing else, take 63–65 ms per 1000 plugins on this machine: 0.09–0.11 of the ' +
  'floor by themselves. The bound is what keeps every turn of the loop under 50 ms (§13), the ' +
  'calls are what warm reloads (§2), FIFO-safe reads and the format need: the 1.15 target ' +
  'leaves 0.15 for all of them, and the bound (for ES modules) and the calls each use most of ' +
  'it here.';

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section, chart: string }>}
 */
export async function coldLoad(ctx) {
  const sizes = ctx.smoke ? [10] : [10, 100, 1000, 5000];
  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  /** @type {Record<string, { n: number, floor: number, augment: number }[]>} */
  const perPlugin = { esm: [], cjs: [] };

  for (const format of /** @type {const} */ (['esm', 'cjs'])) {
    for (const n of sizes) {
      const folder = await ctx.ws.pluginFolder(`${format}-${n}`, { count: n, format });
      const plan = n >= 5000 ? ctx.plan(3, 1) : ctx.plan(10, 1);
      ctx.log(`cold load ${format} N=${n}: ${plan.runs} runs (+${plan.warmup} discarded)`);
      const row = await compare(folder, format, n, plan, false);
      const label = `${format === 'esm' ? 'ESM' : 'CommonJS'}, N = ${n}`;
      const judged = n >= 100;
      const pass = judged ? row.ratio.median <= TARGET_RATIO : null;
      rows.push([
        label,
        withSpread(row.floor),
        withSpread(row.augment),
        `${num((row.floor.median / n) * 1000)} / ${num((row.augment.median / n) * 1000)}`,
        ratioText(row.ratio),
        judged ? `≤ ${TARGET_RATIO}` : '— (fixed costs)',
        verdict(pass),
      ]);
      if (judged) {
        checks.push({
          name: `cold load, ${label}`,
          target: `≤ ${TARGET_RATIO}`,
          value: row.ratio.median.toFixed(2),
          pass,
          group: '§1 Cold load of directory plugins',
          why: COLD_WHY,
          // one profile per format, at N = 1000 (or the size measured, if smaller)
          profile: {
            key: `cold-${format}-${Math.min(n, 1000)}`,
            label: `cold load, ${format === 'esm' ? 'ESM' : 'CommonJS'}, N = ${Math.min(n, 1000)}`,
            script: probe('cold.mjs'),
            args: [
              'augment',
              ctx.ws.path('plugins', `${format}-${Math.min(n, 1000)}`),
              format,
              String(Math.min(n, 1000)),
            ],
            match: 'packages/core/dist',
          },
        });
      }
      perPlugin[format].push({
        n,
        floor: (row.floor.median / n) * 1000,
        augment: (row.augment.median / n) * 1000,
      });
    }
  }

  // Plugins that ship index.js.map (Augment maps their frames lazily, §9).
  const mapsN = ctx.smoke ? 10 : 1000;
  const mapsFolder = await ctx.ws.pluginFolder(`esm-${mapsN}-maps`, {
    count: mapsN,
    format: 'esm',
    maps: true,
  });
  const mapsPlan = ctx.plan(10, 1);
  ctx.log(`cold load with source maps, ESM N=${mapsN}: ${mapsPlan.runs} runs`);
  const maps = await compare(mapsFolder, 'esm', mapsN, mapsPlan, true);
  const mapsPass = ctx.smoke ? null : maps.ratio.median <= TARGET_RATIO;
  rows.push([
    `ESM with source maps, N = ${mapsN}`,
    withSpread(maps.floor),
    withSpread(maps.augment),
    `${num((maps.floor.median / mapsN) * 1000)} / ${num((maps.augment.median / mapsN) * 1000)}`,
    ratioText(maps.ratio),
    `≤ ${TARGET_RATIO}`,
    verdict(mapsPass),
  ]);
  if (!ctx.smoke) {
    checks.push({
      name: `cold load with source maps, ESM, N = ${mapsN}`,
      target: `≤ ${TARGET_RATIO}`,
      value: maps.ratio.median.toFixed(2),
      pass: mapsPass,
      group: '§1 Cold load with source maps',
      why:
        "Neither side turns Node's source maps on (Augment maps plugin frames lazily, when " +
        "a stack is formatted); the difference is the directory plugin's own cold-load cost, above.",
      profile: {
        key: `cold-esm-${mapsN}-maps`,
        label: `cold load with source maps, ESM, N = ${mapsN}`,
        script: probe('cold.mjs'),
        args: ['augment', mapsFolder, 'esm', String(mapsN), 'maps'],
        match: 'packages/core/dist',
      },
    });
  }

  // Flat time per plugin: the time each added plugin costs must not grow with N.
  /** @type {string[][]} */
  const growthRows = [];
  if (sizes.includes(100) && sizes.includes(1000) && sizes.length > 2) {
    const largest = sizes[sizes.length - 1];
    for (const format of /** @type {const} */ (['esm', 'cjs'])) {
      const total = (/** @type {number} */ n, /** @type {'floor' | 'augment'} */ side) =>
        ((perPlugin[format].find((p) => p.n === n)?.[side] ?? Number.NaN) * n) / 1000;
      const marginal = (/** @type {'floor' | 'augment'} */ side) => ({
        low: ((total(1000, side) - total(100, side)) / 900) * 1000,
        high: ((total(largest, side) - total(1000, side)) / (largest - 1000)) * 1000,
      });
      const floor = marginal('floor');
      const augment = marginal('augment');
      const growth = augment.high / augment.low;
      const pass = growth <= FLAT_LIMIT;
      const label = format === 'esm' ? 'ESM' : 'CommonJS';
      growthRows.push([
        label,
        `${num(floor.low)} → ${num(floor.high)} µs (×${(floor.high / floor.low).toFixed(2)})`,
        `${num(augment.low)} → ${num(augment.high)} µs (×${growth.toFixed(2)})`,
        `≤ ×${FLAT_LIMIT}`,
        verdict(pass),
      ]);
      checks.push({
        name: `time per added plugin flat from N = 100 to ${largest}, ${label}`,
        target: `≤ ×${FLAT_LIMIT}`,
        value: `×${growth.toFixed(2)}`,
        pass,
        group: '§1 Time per added plugin',
        why:
          'The time each added plugin costs grows with N: a step that is not linear in the ' +
          'number of plugins. The profile shows where.',
        profile: {
          key: `cold-${format}-${largest}`,
          label: `cold load, ${label}, N = ${largest}`,
          script: probe('cold.mjs'),
          args: [
            'augment',
            ctx.ws.path('plugins', `${format}-${largest}`),
            format,
            String(largest),
          ],
          match: 'packages/core/dist',
        },
      });
    }
  }

  const tables = [
    {
      columns: [
        'plugins',
        'floor',
        'Augment',
        'µs per plugin (floor / Augment)',
        'ratio',
        'target',
        'result',
      ],
      rows,
    },
  ];
  if (growthRows.length > 0) {
    tables.push({
      columns: [
        `time per added plugin: N = 100 → 1000, then 1000 → ${sizes[sizes.length - 1]}`,
        'floor',
        'Augment',
        'target',
        'result',
      ],
      rows: growthRows,
    });
  }

  const chart = lineChartSvg({
    title: 'Cold load: time per plugin (median), directory plugins',
    xLabel: 'plugins in the folder (N, log scale)',
    yLabel: 'µs per plugin (log scale)',
    series: [
      { label: 'Augment, ESM', color: '#1f6feb', points: perPlugin.esm.map(xy('augment')) },
      {
        label: 'floor, ESM',
        color: '#1f6feb',
        dashed: true,
        points: perPlugin.esm.map(xy('floor')),
      },
      { label: 'Augment, CommonJS', color: '#d9480f', points: perPlugin.cjs.map(xy('augment')) },
      {
        label: 'floor, CommonJS',
        color: '#d9480f',
        dashed: true,
        points: perPlugin.cjs.map(xy('floor')),
      },
    ],
  });

  return {
    chart,
    section: {
      id: 'cold-load',
      title: '1. Cold load of directory plugins',
      intro: [
        'A fresh process per run. Augment: `new PluginHost({ folder, validator })` + `reload()`; ' +
          'the floor: read each `plugin.manifest.json` (callback `fs.readFile`), `JSON.parse`, then ' +
          '`import()` (ESM) or `require()` (CommonJS) the entry point, all plugins in parallel, ' +
          'keeping the exports that pass the same type guard. The clock starts after ' +
          '`@augment/core` is imported (its import cost: [§11](#install-size-and-import-cost)) and stops when every ' +
          "plugin is loaded. Each plugin is the builder's layout (`plugin.manifest.json`, " +
          '`package.json` with `"type"`, a 3–4 KB esbuild bundle as `index.js`), without source ' +
          'maps; the source-map row ships `index.js.map` with every plugin, which neither side ' +
          "reads at load time (the host's default `sourceMaps: 'auto'` maps plugin frames " +
          'lazily, when a stack is formatted: §9).',
        `Runs: ${ctx.smoke ? '1 (smoke test)' : '10 per size (3 at N = 5000, to keep the whole run near 10 minutes), after one discarded round'}, sides interleaved. ` +
          'The ratio is the median of the per-round ratios Augment / floor (interquartile range in brackets).',
      ],
      tables,
      notes: ['![time per plugin against N](results/cold-load.svg)'],
      checks,
    },
  };
}

/**
 * @param {'floor' | 'augment'} side
 * @returns {(p: { n: number, floor: number, augment: number }) => { x: number, y: number }}
 */
const xy = (side) => (p) => ({ x: p.n, y: p[side] });

/**
 * Interleaves floor and Augment cold loads of one folder.
 *
 * @param {string} folder
 * @param {'esm' | 'cjs'} format
 * @param {number} n
 * @param {{ runs: number, warmup: number }} plan
 * @param {boolean} maps
 */
async function compare(folder, format, n, plan, maps) {
  const args = (/** @type {string} */ side) => [
    side,
    folder,
    format,
    String(n),
    maps ? 'maps' : '',
  ];
  const samples = await interleave(
    {
      floor: async () => (await runProbe(probe('cold.mjs'), args('floor'))).ms,
      augment: async () => (await runProbe(probe('cold.mjs'), args('augment'))).ms,
    },
    plan,
  );
  return {
    floor: summary(samples.floor),
    augment: summary(samples.augment),
    ratio: summary(pairRatios(samples.augment, samples.floor)),
  };
}
