// 13. Loads that never stall the host or time out from queueing: a host
// serving HTTP while it cold-loads and reloads 5,000 plugins, against the
// idle host, a floor with 64 imports in flight and the unbounded floor of
// section 1 (for the total time); and loads at scale with
// no timeouts: 10,000 plugins at the default loadTimeoutMs, 5,000 at 1000.
import { interleave, runProbe } from '../lib/child.mjs';
import { num, verdict } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';

/** The longest stall of the loop a scan may cause (issue 15 §2). */
const MAX_STALL_MS = 50;
/** A cold load's time while serving, against the unbounded floor's (issue 15 §2). */
const MAX_TIME_RATIO = 1.1;

const TIME_WHY =
  'Two costs, measured apart. (1) The bound itself: `node bench/in-flight.mjs` loads the ' +
  "floor's 1000 plugins with at most K imports in flight: 64 or more cost no more main-thread " +
  'CPU than every import at once (longest stall ~30-40 ms, against ~300-500 ms), 32 a little ' +
  'more, 16 and 8 5-25% more, because each completed read then wakes the loop alone. The gate ' +
  'keeps the stall under the 50 ms target by halving the bound after a 20 ms stretch, so it ' +
  'spends much of a load at 16-48 in flight. In A/B runs of this probe over builds of core ' +
  'with other tunings (5 rounds, 2 cores): the gate 1.32x the unbounded floor with 38 ms ' +
  'stalls; 64 fixed 1.31x, 56 ms; starting at 64 and halving after 40 ms 1.23x, 59 ms; 128 ' +
  'fixed 1.16x, 88 ms. No tuning held both targets: the stall target was kept. (2) What ' +
  "Augment does per plugin beyond the floor's import (section 1's miss): about ten " +
  'synchronous system calls (the walk for the fingerprint, the manifest, `package.json` ' +
  "for the format) in the same turns as Node's compilation, which is what makes a turn " +
  "with 64 imports longer than the floor's. Next: read the manifest and package.json with " +
  "the sizes the walk already has (no `fstat`), and skip the walk's directory `stat` for " +
  'plugin roots.';

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function serving(ctx) {
  const n = ctx.smoke ? 20 : 5000;
  // its own folder: the reload phase changes the entry points' mtimes
  const folder = await ctx.ws.pluginFolder(`esm-${n}-serving`, { count: n, format: 'esm' });
  const plan = ctx.plan(3, 0);
  ctx.log(`serving HTTP while loading, N=${n}: ${plan.runs} runs`);
  const samples = await interleave(
    {
      augment: () => runProbe(probe('http.mjs'), ['augment', folder, String(n)]),
      floor: () => runProbe(probe('http.mjs'), ['floor', folder, String(n)]),
      unbounded: () => runProbe(probe('http.mjs'), ['unbounded', folder, String(n)]),
    },
    plan,
  );
  /** @param {Record<string, any>[]} runs @param {string} phase @param {string} key */
  const med = (runs, phase, key) => median(runs.map((r) => r[phase][key]));
  /** @param {string} label @param {Record<string, any>[]} runs @param {string} phase */
  const row = (label, runs, phase) => [
    label,
    `${num(med(runs, phase, 'ms'))} ms`,
    `${num(med(runs, phase, 'p50'))} ms`,
    `${num(med(runs, phase, 'p99'))} ms`,
    `${num(med(runs, phase, 'max'))} ms`,
    `${num(med(runs, phase, 'stallMs'))} ms`,
    runs[0][phase].cpuStallMs === undefined ? '—' : `${num(med(runs, phase, 'cpuStallMs'))} ms`,
  ];
  const rows = [
    row('idle host (Augment)', samples.augment, 'idle'),
    row('idle host (floor)', samples.floor, 'idle'),
    row(`Augment, cold load of ${n}`, samples.augment, 'cold'),
    row(`floor, 64 imports in flight, cold load of ${n}`, samples.floor, 'cold'),
    row(`floor, every import at once, cold load of ${n}`, samples.unbounded, 'cold'),
    row(`Augment, reload of ${n} changed`, samples.augment, 'reload'),
  ];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  for (const phase of ['cold', 'reload']) {
    const stall = med(samples.augment, phase, 'stallMs');
    const pass = ctx.smoke ? null : stall <= MAX_STALL_MS;
    checks.push({
      name: `longest event-loop stall while serving HTTP, ${phase} load of ${n}`,
      target: `≤ ${MAX_STALL_MS} ms`,
      value: `${num(stall)} ms`,
      pass,
      group: '§13 Serving while loading',
    });
  }
  const coldRatio = med(samples.augment, 'cold', 'ms') / med(samples.floor, 'cold', 'ms');
  // per round: both sides ran back to back, so a busy moment of the machine weighs on both
  const timeRatio = median(
    samples.augment.map((run, i) => run.cold.ms / samples.unbounded[i].cold.ms),
  );
  checks.push({
    name: `cold load of ${n} while serving HTTP / the unbounded floor's`,
    target: `≤ ${MAX_TIME_RATIO}`,
    value: timeRatio.toFixed(2),
    pass: ctx.smoke ? null : timeRatio <= MAX_TIME_RATIO,
    group: '§13 Serving while loading',
    why: TIME_WHY,
  });

  const timeoutRows = [];
  const big = ctx.smoke ? 20 : 10_000;
  for (const [count, timeout] of /** @type {const} */ ([
    [big, 'default'],
    [n, '1000'],
  ])) {
    const plugins = await ctx.ws.pluginFolder(`esm-${count}`, { count, format: 'esm' });
    const runs = ctx.smoke ? 1 : 3;
    ctx.log(`no timeouts from queueing: N=${count}, loadTimeoutMs ${timeout}: ${runs} runs`);
    const results = [];
    for (let i = 0; i < runs; i += 1) {
      results.push(await runProbe(probe('timeouts.mjs'), [plugins, String(count), timeout]));
    }
    const failed = Math.max(...results.map((r) => r.failed));
    const pass = ctx.smoke ? null : failed === 0;
    const label = `${count} plugins, loadTimeoutMs ${timeout === 'default' ? '10000 (default)' : timeout}`;
    timeoutRows.push([
      label,
      String(runs),
      `${num(median(results.map((r) => r.ms)))} ms`,
      String(failed),
      verdict(pass),
    ]);
    checks.push({
      name: `failures of a cold load, ${label}`,
      target: '0',
      value: String(failed),
      pass,
      group: '§13 Serving while loading',
    });
  }
  return {
    section: {
      id: 'serving',
      title: '13. Serving HTTP while loading, and no timeouts from queueing',
      intro: [
        `A fresh process per run serves HTTP on 127.0.0.1 (each answer reads \`getAll()\` and ` +
          '`get()`); a client in the same process sends one request at a time, 2 ms after ' +
          'the last answer, and a 1 ms interval records the longest gap of the event loop ' +
          '(wall clock, so a machine busy with other work shows in it; "of its own" counts ' +
          "only the main thread's CPU time within the gap, which other processes do not " +
          'inflate: Linux). Phases: 1 s idle, the ' +
          `cold load of ${n} ES module plugins, and (Augment) a reload after every entry ` +
          'point changed. One floor loads the same folder with 64 imports in flight (the ' +
          'latency a bounded load can reach), the other with every import at once (the time ' +
          `it can reach: section 1's floor). Medians of ${plan.runs} runs per side, ` +
          `interleaved. Augment's cold load takes ${coldRatio.toFixed(2)}x the 64-in-flight ` +
          `floor's time and ${timeRatio.toFixed(2)}x the unbounded floor's (median of the ` +
          'per-round ratios).',
        'Below: cold loads in a fresh process each, counting failed plugins (any failure ' +
          'fails the row).',
      ],
      tables: [
        {
          columns: [
            'phase',
            'time',
            'p50 latency',
            'p99 latency',
            'max latency',
            'longest stall',
            'of its own',
          ],
          rows,
        },
        { columns: ['load', 'runs', 'time', 'most failures', 'result'], rows: timeoutRows },
      ],
      notes: [],
      checks,
    },
  };
}
