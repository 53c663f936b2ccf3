// 5. Call overhead: a plugin method called through the host's registry
// against the same function imported directly, with mitata.
import { interleave, runProbe } from '../lib/child.mjs';
import { num, ratioText, verdict } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';

const TOLERANCE = 0.05;

/** @type {Record<string, string>} */
const WHY = {
  getAll:
    '`getAll()` hands each caller a new array it owns (a copy of the published one, so that ' +
    "one caller's `sort()` or `length = 0` cannot change what another sees), and each step " +
    'reads `e.plugin` from a frozen entry: one short copy per loop and one property load ' +
    'more than the floor per element.',
  held: "The call goes to the module's own function: any difference is noise.",
  get: '`host.get()` is a Map lookup (see the `add(1, 2)` row for its absolute cost).',
};

/**
 * Each case: the key of the floor's measurement, and of Augment's (`augmentKey`, when the
 * row compares Augment's measurement of another case with a variant of the floor).
 *
 * @type {{ key: string, augmentKey?: string, augment: string, floor: string, judged: boolean }[]}
 */
const CASES = [
  {
    key: 'held',
    augment: '`plugin.summarize(order)`, `plugin` taken once from `host.get(name).plugin`',
    floor: '`plugin.summarize(order)`, `plugin` the default export imported from the entry point',
    judged: true,
  },
  {
    key: 'get',
    augment: '`host.get(name).plugin.summarize(order)` on every call',
    floor: '`plugin.summarize(order)`, `plugin` imported',
    judged: true,
  },
  {
    key: 'getAll',
    augment: '`for (const e of host.getAll()) e.plugin.greet(…)`, 10 plugins',
    floor: '`for (const p of plugins) p.greet(…)` over the 10 imported default exports',
    judged: true,
  },
  {
    key: 'getTrivial',
    augment: '`host.get(name).plugin.add(1, 2)` on every call',
    floor: '`plugin.add(1, 2)`, `plugin` imported',
    judged: false,
  },
];

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function calls(ctx) {
  const folder = await ctx.ws.pluginFolder('esm-10', { count: 10, format: 'esm' });
  // 30 runs: on a shared machine one process's call times differ from the next one's
  // by tens of per cent (noisy neighbours, JIT decisions), in both directions
  const plan = ctx.plan(30, 1);
  const cpuMs = ctx.smoke ? '30' : '300';
  ctx.log(`calls: ${CASES.length} cases, ${plan.runs} runs per side (+${plan.warmup} discarded)`);
  const samples = await interleave(
    {
      floor: () => runProbe(probe('calls.mjs'), ['floor', folder, cpuMs]),
      augment: () => runProbe(probe('calls.mjs'), ['augment', folder, cpuMs]),
    },
    plan,
  );
  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  for (const c of CASES) {
    const floor = summary(samples.floor.map((r) => r[c.key]));
    const augmentKey = c.augmentKey ?? c.key;
    const augment = summary(samples.augment.map((r) => r[augmentKey]));
    const ratio = summary(
      pairRatios(
        samples.augment.map((r) => r[augmentKey]),
        samples.floor.map((r) => r[c.key]),
      ),
    );
    const pass = c.judged && !ctx.smoke ? Math.abs(ratio.median - 1) <= TOLERANCE : null;
    rows.push([
      c.augment,
      `${c.floor}: ${num(floor.median)} ns`,
      `${num(augment.median)} ns`,
      ratioText(ratio),
      c.judged
        ? `1.00 ± ${TOLERANCE}`
        : `— (the lookup: +${num(augment.median - floor.median)} ns)`,
      verdict(pass),
    ]);
    if (c.judged) {
      checks.push({
        name: `call overhead: ${c.augment}`,
        target: `1.00 ± ${TOLERANCE}`,
        value: ratio.median.toFixed(2),
        pass,
        group: c.key === 'getAll' ? '§5 Iterating `getAll()`' : '§5 Call overhead',
        why: WHY[c.key],
      });
    }
  }
  return {
    section: {
      id: 'calls',
      title: '5. Call overhead',
      intro: [
        'mitata 1 (`measure()` with `do_not_optimize`), one side per fresh process: Augment ' +
          'loads the 10-plugin ESM folder and calls through its registry; the floor imports the ' +
          'same entry points and calls the same methods on their default exports. `summarize(order)` is the ' +
          "plugin's realistic method (validates an order, sums it in a small ledger class: a few " +
          'hundred ns); `greet(name)` builds a string; `add(1, 2)` is trivial, so its row shows ' +
          'the cost of the `host.get()` lookup itself. Each process reports, per case, the fastest ' +
          "of mitata's samples (each a mean over a batch of calls); the table shows " +
          'the median over the runs.',
        `Runs: ${ctx.smoke ? '1 per side (smoke test)' : `${plan.runs} per side, interleaved, after one discarded round`}; ` +
          `${cpuMs} ms of sampling per case.`,
      ],
      tables: [{ columns: ['call', 'floor', 'Augment', 'ratio', 'target', 'result'], rows }],
      notes: [],
      checks,
    },
  };
}
