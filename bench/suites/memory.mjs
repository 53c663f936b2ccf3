// 6. Heap retained after 1000 reloads of a changed 100 KB plugin, CommonJS
// and ESM, against the floor's reload loops on the same Node: this Node and,
// in a full run, Node 22 and 24 (V8's compilation cache differs by version).
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { interleave, runProbe } from '../lib/child.mjs';
import { bytesText, ratioText, verdict } from '../lib/report.mjs';
import { pairRatios, summary } from '../lib/stats.mjs';
import { probe } from '../lib/workspace.mjs';
import { nodesToMeasure } from '../lib/nodes.mjs';

const CJS_LIMIT = 5e6;
/** Augment may retain at most this much more per ESM reload than the bare loop. */
const ESM_SLACK = 1.05;

/**
 * @param {import('./context.mjs').Context} ctx
 * @returns {Promise<{ section: import('../lib/report.mjs').Section }>}
 */
export async function memory(ctx) {
  const reloads = ctx.smoke ? 20 : 1000;
  /** @type {string[][]} */
  const rows = [];
  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  /** @type {string[]} */
  const notes = [];
  /** @type {number[]} */
  const majors = [];
  let moduleBytes = 0;
  for (const node of nodesToMeasure(ctx, notes)) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const measured = await measureOn(ctx, node, version, reloads);
    rows.push(...measured.rows);
    checks.push(...measured.checks);
    majors.push(Number(version.slice(1).split('.')[0]));
    moduleBytes ||= measured.moduleBytes;
  }
  const plan = ctx.plan(2, 0);
  return {
    section: {
      id: 'memory',
      title: `6. Memory under reload (${reloads} reloads of a changed 100 KB plugin)`,
      intro: [
        `Each run is a fresh \`node --expose-gc\` process: a plugin of ${bytesText(moduleBytes)} of ` +
          "code (the shape of core's memory integration test: 1,600 small functions, all " +
          'reachable from its export, so a version that stays in memory keeps all of them) is ' +
          `changed (a new file renamed into place) and reloaded ${reloads} times after 10 warm-up ` +
          'reloads; the result is the heap used after `gc()` at the end minus the heap used ' +
          'after `gc()` before the loop. Both measurements hold exactly one loaded version.',
        `Runs: ${ctx.smoke ? '1 (smoke test)' : `${plan.runs} per row (heap figures barely vary; the median is shown)`}, ` +
          `on ${majors.map((m) => `Node ${m}`).join(', ')} (others installed as the test matrix does).`,
      ],
      tables: [
        {
          columns: ['Node.js', 'loop', 'heap retained', 'per reload', 'target', 'result'],
          rows,
        },
      ],
      notes: [
        'Node cannot unload an ES module, so every ESM version stays: the bare loop shows what ' +
          'one version of this module costs in the heap (its source and its 1,600 live ' +
          'closures, several times the file size), and Augment must keep no more than that: no ' +
          'extra copy of a module, a URL or a report per reload. A CommonJS version can be freed ' +
          "once nothing points at it; the naive loop shows what the parent module's `children` " +
          'array keeps alive when only `require.cache` is cleared.' +
          (majors.some((m) => m > 20)
            ? " On Node 22 and later V8's compilation cache keeps about the module's size per " +
              'reload whatever the loader does, so CommonJS is judged against the floor on the same Node.'
            : ''),
        ...notes,
      ],
      checks,
    },
  };
}

/**
 * The rows and checks of one Node.
 *
 * @param {import('./context.mjs').Context} ctx
 * @param {string} node - executable
 * @param {string} version - its `--version`
 * @param {number} reloads
 */
async function measureOn(ctx, node, version, reloads) {
  const NODE_MAJOR = Number(version.slice(1).split('.')[0]);
  const plan = ctx.plan(2, 0);
  /** @type {(mode: string, format: string) => () => Promise<Record<string, number>>} */
  const side = (mode, format) => async () => {
    const work = ctx.ws.path('scratch', `memory-${mode}-${format}`);
    await rm(work, { recursive: true, force: true });
    const result = /** @type {Record<string, number>} */ (
      await runProbe(probe('memory.mjs'), [mode, format, work, String(reloads)], {
        node,
        nodeArgs: ['--expose-gc'],
        timeoutMs: 600_000,
      })
    );
    await rm(work, { recursive: true, force: true });
    return result;
  };

  ctx.log(`memory, ${version}, CommonJS, ${reloads} reloads: ${plan.runs} runs`);
  const cjs = await interleave(
    { naive: side('naive', 'cjs'), floor: side('floor', 'cjs'), augment: side('augment', 'cjs') },
    plan,
  );
  ctx.log(`memory, ${version}, ESM, ${reloads} reloads: ${plan.runs} runs`);
  const esm = await interleave(
    { floor: side('floor', 'esm'), augment: side('augment', 'esm') },
    plan,
  );

  const retained = (/** @type {Record<string, number>[]} */ runs) =>
    summary(runs.map((r) => r.retained));
  const perReload = (/** @type {Record<string, number>[]} */ runs) =>
    summary(runs.map((r) => r.perReload));
  const moduleBytes = cjs.augment[0]?.moduleBytes ?? 0;
  const cjsAugment = retained(cjs.augment);
  const cjsFloor = retained(cjs.floor);
  const cjsNaive = retained(cjs.naive);

  /** @type {import('../lib/report.mjs').Check[]} */
  const checks = [];
  /** @type {string[][]} */
  const rows = [];
  const judged = !ctx.smoke;
  // Node 20: an absolute limit. Node 22 and later keep about the module's size per
  // reload in V8's compilation cache whatever the loader does: judge against the floor.
  const cjsTarget =
    NODE_MAJOR <= 20 ? `< ${bytesText(CJS_LIMIT)} in all` : '≤ the floor + 5 MB (same Node)';
  const cjsPass = !judged
    ? null
    : NODE_MAJOR <= 20
      ? cjsAugment.median < CJS_LIMIT
      : cjsAugment.median <= cjsFloor.median + CJS_LIMIT;
  rows.push(
    [
      version,
      'CommonJS: naive `delete require.cache[file]` + `require()`',
      bytesText(cjsNaive.median),
      bytesText(perReload(cjs.naive).median),
      '— (what Augment avoids)',
      '—',
    ],
    [
      version,
      "CommonJS: floor (delete, and drop the module from its parent's `children`)",
      bytesText(cjsFloor.median),
      bytesText(perReload(cjs.floor).median),
      '—',
      '—',
    ],
    [
      version,
      'CommonJS: Augment `reload()`',
      bytesText(cjsAugment.median),
      bytesText(perReload(cjs.augment).median),
      cjsTarget,
      verdict(cjsPass),
    ],
  );
  checks.push({
    name: `memory, ${reloads} reloads of a changed 100 KB CommonJS plugin (Node ${NODE_MAJOR})`,
    target: cjsTarget,
    value: bytesText(cjsAugment.median),
    pass: cjsPass,
  });

  const esmRatio = summary(
    pairRatios(
      esm.augment.map((r) => r.retained),
      esm.floor.map((r) => r.retained),
    ),
  );
  const esmPass = judged ? esmRatio.median <= ESM_SLACK : null;
  rows.push(
    [
      version,
      'ESM: floor (bare `import(url + "?v=" + i)`)',
      bytesText(retained(esm.floor).median),
      bytesText(perReload(esm.floor).median),
      '—',
      '—',
    ],
    [
      version,
      'ESM: Augment `reload()`',
      bytesText(retained(esm.augment).median),
      bytesText(perReload(esm.augment).median),
      `≤ ${ESM_SLACK} × the floor (ratio ${ratioText(esmRatio)})`,
      verdict(esmPass),
    ],
  );
  checks.push({
    name: `memory, ESM bytes retained per reload / bare cache-busting import (Node ${NODE_MAJOR})`,
    target: `≤ ${ESM_SLACK}`,
    value: esmRatio.median.toFixed(3),
    pass: esmPass,
  });

  return { rows, checks, moduleBytes };
}
