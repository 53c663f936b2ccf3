// 10. Plugin dependencies at scale: the cold load of 5,000 plugins that depend
// on each other (chains, and a wide fan-in) against the cold load of the
// very same plugins without dependencies, in one run.
import { interleave, runProbe } from '../lib/child.mjs';
import { CHAIN_LENGTH } from '../lib/plugins.mjs';
import { ratioText, verdict, withSpread } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';

/**
 * "No measurable cost": within the run-to-run noise of a cold load, for a
 * fan-in. A chain costs what its order promises: each plugin is imported
 * only once the one it requires is loaded and published, so 500 chains of 10
 * load in ten waves of 500 rather than in one stream of 5,000, and each wave
 * boundary leaves the loader's pipeline (file reads beside compilation) part
 * empty for a moment.
 */
const TARGETS = { 'fan-in': 1.05, chains: 1.15 };

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function dependencies(ctx) {
  const n = ctx.smoke ? 20 : 5000;
  const format = 'esm';
  const plain = await ctx.ws.pluginFolder(`${format}-${n}`, { count: n, format });
  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  for (const links of /** @type {const} */ (['chains', 'fan-in'])) {
    const linked = await ctx.ws.pluginFolder(`${format}-${n}-${links}`, {
      count: n,
      format,
      links,
    });
    const plan = ctx.plan(10, 1);
    ctx.log(`dependencies, ${links}, N=${n}: ${plan.runs} runs (+${plan.warmup} discarded)`);
    const args = (/** @type {string} */ folder) => ['augment', folder, format, String(n)];
    const samples = await interleave(
      {
        plain: async () => (await runProbe(probe('cold.mjs'), args(plain))).ms,
        linked: async () => (await runProbe(probe('cold.mjs'), args(linked))).ms,
      },
      plan,
    );
    const ratio = summary(pairRatios(samples.linked, samples.plain));
    const label =
      links === 'chains'
        ? `${n / CHAIN_LENGTH} chains of ${CHAIN_LENGTH}`
        : `fan-in: ${n - 1} plugins requiring one`;
    const target = TARGETS[links];
    const pass = ctx.smoke ? null : ratio.median <= target;
    rows.push([
      label,
      withSpread(summary(samples.plain)),
      withSpread(summary(samples.linked)),
      ratioText(ratio),
      `≤ ${target}`,
      verdict(pass),
    ]);
    if (!ctx.smoke) {
      checks.push({
        name: `cold load with dependencies, ${label}`,
        target: `≤ ${target}`,
        value: ratio.median.toFixed(2),
        pass,
        group: '§10 Plugin dependencies',
        why:
          'Resolving dependencies is linear (Tarjan for cycles, counters for the order, ' +
          'union-find for publication groups); what a chain adds is waiting: a plugin is ' +
          'imported only once the one it requires is published.',
        profile: {
          key: `dependencies-${links}`,
          label: `cold load, ${label}`,
          script: probe('cold.mjs'),
          args: args(linked),
          match: 'packages/core/dist',
        },
      });
    }
  }
  return {
    section: {
      id: 'dependencies',
      title: '10. Plugin dependencies at scale',
      intro: [
        `A fresh process per run: \`new PluginHost\` + \`reload()\` over ${n} ES module plugins ` +
          '(the cold-load plugins of §1), once as they are and once with `pluginDependencies` ' +
          `in their manifests: chains of ${CHAIN_LENGTH} (each plugin requires the one before ` +
          'it), or every plugin requiring the first. Both sides are Augment; the ratio is what ' +
          'the dependencies cost. A fan-in should cost nothing measurable (≤ 1.05); a chain ' +
          'loads in waves, one per link, because a plugin is imported only once the one it ' +
          'requires is loaded and published (≤ 1.15).',
        `Runs: ${ctx.smoke ? '1 (smoke test)' : '10 per row after one discarded round'}, sides interleaved.`,
      ],
      tables: [
        {
          columns: ['plugins', 'no dependencies', 'with dependencies', 'ratio', 'target', 'result'],
          rows,
        },
      ],
      notes: [],
      checks,
    },
  };
}
