// `npm run bench`: Augment side by side with the floor, in one run. Writes
// bench/RESULTS.md and bench/results/*.svg. See bench/README.md.
//
//   node run.mjs                   every benchmark, full sizes (~10 minutes)
//   node run.mjs --smoke           every benchmark once at its smallest size
//   node run.mjs --only cold,calls some benchmarks (cold, reload, archives, calls, memory,
//                                  builder, authoring, built)
// A partial run (--smoke, --only) writes its Markdown into the bench's cache
// folder unless --out says where, so the committed RESULTS.md stays.
//   node run.mjs --out FILE        where the Markdown goes (charts beside it, in results/)
//   node run.mjs --json FILE       also write the checks as JSON
//   node run.mjs --skip-profiles   do not CPU-profile the benchmarks that miss their target
//   node run.mjs --workspace DIR   generate plugins and projects there (default:
//                                  node_modules/.cache/augment-bench; DIR must lie
//                                  inside the repository, so projects resolve its packages)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { coreOverride } from './lib/core.mjs';
import { profile, profileMarkdown } from './lib/profile.mjs';
import { sectionMarkdown, markdownTable, verdict } from './lib/report.mjs';
import { BENCH_DIR, REPO_DIR, Workspace } from './lib/workspace.mjs';
import { archives } from './suites/archives.mjs';
import { authoringLoop } from './suites/authoring.mjs';
import { builder } from './suites/builder.mjs';
import { builtPlugins } from './suites/built.mjs';
import { calls } from './suites/calls.mjs';
import { coldLoad } from './suites/cold.mjs';
import { dependencies } from './suites/dependencies.mjs';
import { devLoop } from './suites/dev.mjs';
import { memory } from './suites/memory.mjs';
import { reloads } from './suites/reload.mjs';
import { installSize } from './suites/size.mjs';
import { serving } from './suites/serving.mjs';
import { watchTypecheck } from './suites/watch-typecheck.mjs';

/** @type {Record<string, (ctx: import('./suites/context.mjs').Context) => Promise<{ section: import('./lib/report.mjs').Section, chart?: string }>>} */
const SUITES = {
  cold: coldLoad,
  reload: reloads,
  archives,
  calls,
  memory,
  builder,
  authoring: authoringLoop,
  built: builtPlugins,
  dependencies,
  size: installSize,
  watchtsc: watchTypecheck,
  serving,
  dev: devLoop,
};

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'string' },
    workspace: { type: 'string' },
    'skip-profiles': { type: 'boolean', default: false },
  },
});
const smoke = values.smoke ?? false;
const only = values.only?.split(',').map((name) => name.trim());
for (const name of only ?? []) {
  if (!(name in SUITES))
    throw new Error(`unknown benchmark "${name}": ${Object.keys(SUITES).join(', ')}`);
}
const partial = smoke || only !== undefined;
const ws =
  values.workspace === undefined
    ? Workspace.forRun(smoke)
    : new Workspace(resolve(values.workspace));
// A partial run never overwrites the committed RESULTS.md and charts.
const out = resolve(
  values.out ?? (partial ? ws.path('RESULTS.md') : join(BENCH_DIR, 'RESULTS.md')),
);
const resultsDir = join(dirname(out), 'results');

for (const file of ['packages/core/dist/index.js', 'packages/builder/dist/cli.js']) {
  if (!existsSync(join(REPO_DIR, file))) {
    throw new Error(
      `${file} is missing: run npm install (or npm run build) at the repository root first`,
    );
  }
}

const started = Date.now();
/** @param {string} message */
const log = (message) => {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
};
/** @type {import('./suites/context.mjs').Context} */
const ctx = {
  smoke,
  ws,
  log,
  plan: (runs, warmup = 1) => (smoke ? { runs: 1, warmup: 0 } : { runs, warmup }),
  resultsDir,
};

await mkdir(resultsDir, { recursive: true });
/** @type {import('./lib/report.mjs').Section[]} */
const sections = [];
let crashed = 0;
for (const [name, suite] of Object.entries(SUITES)) {
  if (only !== undefined && !only.includes(name)) continue;
  log(`— ${name}`);
  try {
    const { section, chart } = await suite(ctx);
    sections.push(section);
    if (chart !== undefined) await writeFile(join(resultsDir, `${section.id}.svg`), chart);
  } catch (error) {
    crashed += 1;
    log(
      `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    sections.push({
      id: name,
      title: `${name}: the benchmark failed`,
      intro: ['```text', String(error instanceof Error ? error.message : error), '```'],
      tables: [],
      notes: [],
      checks: [{ name, target: 'runs', value: 'crashed', pass: false }],
    });
  }
}

/** @returns {string} the commit measured, and whether core's sources differed from it */
function revision() {
  const git = (/** @type {string[]} */ args) =>
    spawnSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']);
  if (commit === '') return 'unknown (not a git checkout)';
  const dirty = git(['status', '--porcelain', '--', 'packages/core', 'packages/builder']) !== '';
  return dirty
    ? `${commit}, with uncommitted changes in packages/core or packages/builder`
    : commit;
}

const checks = sections.flatMap((section) =>
  section.checks.map((check) => ({ ...check, section })),
);

// The misses, grouped by cause: why, what to change, and CPU profiles of
// Augment's side (one per recipe).
const misses = checks.filter((check) => check.pass === false);
/** @type {Map<string, typeof misses>} */
const groups = new Map();
for (const miss of misses) {
  const title = miss.group ?? miss.name;
  groups.set(title, [...(groups.get(title) ?? []), miss]);
}
const groupTitles = [...groups.keys()];
/** @type {string[]} */
const missParts = [];
/** @type {Set<string>} */
const profiled = new Set();
for (const [index, [title, members]] of [...groups].entries()) {
  missParts.push(
    `<a id="miss-${index + 1}"></a>\n\n### ${title}`,
    members
      .map((m) => `- ${m.name}: ${m.value}, target ${m.target} ([section](#${m.section.id}))`)
      .join('\n'),
  );
  const why = members.find((m) => m.why !== undefined)?.why;
  if (why !== undefined) missParts.push(why);
  if (values['skip-profiles'] === true) continue;
  for (const recipe of members.map((m) => m.profile)) {
    if (recipe === undefined || profiled.has(recipe.key)) continue;
    profiled.add(recipe.key);
    log(`profiling: ${recipe.label}`);
    try {
      missParts.push(profileMarkdown(recipe, await profile(recipe, ws.path('profiles'))));
    } catch (error) {
      missParts.push(`Profiling failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const seconds = Math.round((Date.now() - started) / 1000);
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const command = smoke
  ? 'npm run bench -- --smoke'
  : only !== undefined
    ? `npm run bench -- --only ${only.join(',')}`
    : 'npm run bench';
const held = checks.filter((c) => c.pass === true).length;
const missed = checks.filter((c) => c.pass === false).length;
const markdown = [
  '# Benchmark results',
  `Written by \`${command}\` (bench/run.mjs); do not edit by hand. How the benchmarks work: [README.md](README.md).`,
  markdownTable({
    columns: ['', ''],
    rows: [
      ['date', new Date(started).toISOString().replace(/\.\d+Z$/, 'Z')],
      [
        'machine',
        `${cpu}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform} ${process.arch}`,
      ],
      ['Node.js', process.version],
      [
        '@augment/core',
        coreOverride() === undefined
          ? 'packages/core/dist (the workspace build)'
          : `**${coreOverride()}** (AUGMENT_BENCH_CORE)`,
      ],
      ['commit', revision()],
      ['command', `\`${command}\``],
      ['duration', `${Math.floor(seconds / 60)} min ${seconds % 60} s`],
    ],
  }),
  'The machine is shared and its absolute times are noise: every result is a **ratio** of ' +
    'Augment to the floor (the cheapest code that does the same job without Augment), both ' +
    'measured in the same run, interleaved (floor, Augment, floor, Augment, …), each run in a ' +
    'fresh child process, the first round discarded. Times are medians ± half the interquartile range.',
  '## Summary',
  `${held} of ${held + missed} targets hold${missed > 0 ? `, ${missed} missed` : ''}.`,
  markdownTable({
    columns: ['benchmark', 'target', 'measured', 'result'],
    rows: checks.map((c) => [
      `[${c.name}](#${c.section.id})`,
      c.target,
      c.value,
      c.pass === false
        ? `[${verdict(c.pass)}](#miss-${groupTitles.indexOf(c.group ?? c.name) + 1})`
        : verdict(c.pass),
    ]),
  }),
  ...sections.map((section) => `<a id="${section.id}"></a>\n\n${sectionMarkdown(section)}`),
  ...(misses.length === 0
    ? []
    : [
        '## Misses: why, and what to change',
        'For each missed target: what the profile shows, the change proposed in Augment, and a ' +
          "CPU profile of Augment's side, one run under `node --cpu-prof` (sampled every 0.2 ms; " +
          `the .cpuprofile files are in \`${relative(REPO_DIR, ws.path('profiles'))}\`). ` +
          "Self time is time in the frame itself (native frames such as `lstat` are Node's " +
          "bindings: the time to issue the call); inclusive time is time in one of Augment's " +
          'functions and everything it called.',
        ...missParts,
      ]),
  '',
].join('\n\n');
// Formatted like every Markdown file of the repository (`npm run format:check`).
const prettier = await import('prettier');
const style = (await prettier.resolveConfig(out)) ?? {};
await writeFile(
  out,
  await prettier.format(markdown.replace(/\n{3,}/g, '\n\n'), { ...style, filepath: out }),
);
if (values.json !== undefined) {
  await writeFile(
    resolve(values.json),
    `${JSON.stringify(
      { crashed, sections: sections.map((s) => ({ id: s.id, title: s.title, checks: s.checks })) },
      null,
      2,
    )}\n`,
  );
}
log(
  `wrote ${relative(process.cwd(), out)}: ${held} targets hold, ${missed} missed, ${crashed} benchmarks crashed`,
);
process.exitCode = crashed > 0 ? 1 : 0;
