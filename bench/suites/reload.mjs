// 2 and 3. Warm reload (nothing changed) and reload with one changed plugin,
// N = 1000, in the same process as a cold load.
import { interleave, runProbe } from '../lib/child.mjs';
import { num, ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';

const WARM_TARGET = 0.1;

const WARM_WHY =
  'A warm reload walks every plugin directory again (a `stat` of each directory, whose listing ' +
  'is reused while its inode, mtime and ctime are unchanged, and a `stat` per file: the ' +
  'fingerprint) and reuses everything else of a plugin whose fingerprint did not change: ' +
  'its manifest, its entry and the very same loaded object. The walk is the cost that remains.';
const FIRST_FRESH_ESM_WHY =
  'The first fresh ES module import of the process may register the resolve hook (only for a ' +
  'plugin with more than one module: a single bundle is re-imported by a new URL alone); on ' +
  "Node 20 that is `module.register()`, which starts Node's loader thread. The bench's " +
  'plugins are single bundles, so what remains is the warm part and the import itself.';
const CHANGE_WHY =
  'A changed reload is a warm reload plus the import of the changed plugin: the warm part is ' +
  'the cost here (see the warm reload), and the excess over warm + one import lies within the ' +
  "runs' spread (the interquartile range in the table).";

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function reloads(ctx) {
  const n = ctx.smoke ? 10 : 1000;
  const plan = ctx.plan(10, 1);
  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  for (const format of /** @type {const} */ (['esm', 'cjs'])) {
    // A folder of its own: the probe rewrites (and restores) one plugin.
    const folder = await ctx.ws.pluginFolder(`reload-${format}-${n}`, { count: n, format });
    const scratch = await ctx.ws.freshDir('scratch', `reload-${format}`);
    ctx.log(`reloads ${format} N=${n}: ${plan.runs} runs (+${plan.warmup} discarded)`);
    const { run } = await interleave(
      { run: () => runProbe(probe('reload.mjs'), [folder, format, String(n), scratch]) },
      plan,
    );
    const pick = (/** @type {string} */ key) => run.map((r) => /** @type {number} */ (r[key]));
    const label = format === 'esm' ? 'ESM' : 'CommonJS';
    const cold = summary(pick('cold'));
    const warm = summary(pick('warm'));
    const warmShare = summary(pairRatios(pick('warm'), pick('cold')));
    const warmPass = ctx.smoke ? null : warmShare.median <= WARM_TARGET;
    rows.push([
      `${label}: warm reload, nothing changed`,
      `cold load ${withSpread(cold)}`,
      withSpread(warm),
      ratioText(warmShare),
      `≤ ${WARM_TARGET} (of the cold load)`,
      verdict(warmPass),
    ]);
    const recipe = (/** @type {'warm' | 'change1'} */ phase) => ({
      key: `reload-${format}-${n}-${phase}`,
      label: `${label}, N = ${n}: ${phase === 'warm' ? 'three warm reloads' : 'the first changed reload'}, profiled in the probe`,
      script: probe('reload.mjs'),
      args: [folder, format, String(n), scratch],
      match: 'packages/core/dist',
      phase,
    });
    checks.push({
      name: `warm reload / cold load, ${label}, N = ${n}`,
      target: `≤ ${WARM_TARGET}`,
      value: warmShare.median.toFixed(3),
      pass: warmPass,
      group: '§2 Warm reload',
      why: WARM_WHY,
      profile: recipe('warm'),
    });
    for (const [key, importKey, what] of /** @type {const} */ ([
      ['change1', 'import', 'one plugin changed (the first fresh import of the process)'],
      ['change2', 'import2', 'the same plugin changed again'],
    ])) {
      const budget = pick('warm').map((w, i) => w + pick(importKey)[i]);
      const ratio = summary(pairRatios(pick(key), budget));
      const pass = ctx.smoke ? null : ratio.median <= 1;
      rows.push([
        `${label}: ${what}`,
        `warm + one import ${withSpread(summary(budget))} (import ${num(summary(pick(importKey)).median)} ms)`,
        withSpread(summary(pick(key))),
        ratioText(ratio),
        '≤ 1 (of warm + one import)',
        verdict(pass),
      ]);
      checks.push({
        name: `reload with ${key === 'change1' ? 'one changed plugin' : 'the same plugin changed again'} / (warm + one import), ${label}, N = ${n}`,
        target: '≤ 1',
        value: ratio.median.toFixed(2),
        pass,
        group:
          key === 'change1' && format === 'esm'
            ? '§3 The first changed ES module plugin of the process'
            : '§3 Reload with one changed plugin',
        why: key === 'change1' && format === 'esm' ? FIRST_FRESH_ESM_WHY : CHANGE_WHY,
        profile: recipe('change1'),
      });
    }
  }
  return {
    section: {
      id: 'reloads',
      title: `2–3. Warm reload and reload with one changed plugin (N = ${n})`,
      intro: [
        `Each run is a fresh process that cold-loads ${n} plugins, then calls \`reload()\` with ` +
          'nothing changed three times (the median of the three is kept), then rewrites the entry ' +
          'of one plugin (a new file renamed into place, as editors and builders do) and reloads, ' +
          'twice. The probe fails unless a warm reload evaluates no module and keeps every plugin ' +
          'as the very same object, and a changed reload evaluates exactly one module. "One ' +
          'import" is the floor\'s cost of loading one more plugin (read its manifest, `import()` ' +
          'or `require()` it) from a path the process has not seen, measured in the same process ' +
          'just before the change (and once more after it, when any resolve hook is in place).',
        `Runs: ${ctx.smoke ? '1 (smoke test)' : `${plan.runs} per format, after one discarded run`}. ` +
          'Ratios are medians of the per-run ratios.',
      ],
      tables: [
        {
          columns: ['reload', 'reference', 'Augment', 'ratio', 'target', 'result'],
          rows,
        },
      ],
      notes: [],
      checks,
    },
  };
}
