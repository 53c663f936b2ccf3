// The expectations of the Windows smoke test: what smoke.mjs must report for
// each scenario (see scripts/windows-smoke.mjs).
import { isDeepStrictEqual } from 'node:util';

const ALL = ['cjs-greeter', 'esm-greeter', 'zip-greeter'];
const FORMATS = { 'cjs-greeter': 'cjs', 'esm-greeter': 'esm', 'zip-greeter': 'esm' };

const greetings = (names, version) =>
  Object.fromEntries(names.map((name) => [name, `${name} ${version} greets windows`]));

/** What a snapshot of smoke.mjs holds, reduced to what we compare. */
function summarize(snapshot) {
  const byName = Object.fromEntries(snapshot.plugins.map((p) => [p.name, p]));
  return {
    added: [...snapshot.added].sort(),
    updated: [...snapshot.updated].sort(),
    removed: [...snapshot.removed].sort(),
    unchanged: [...snapshot.unchanged].sort(),
    kept: snapshot.kept,
    failed: snapshot.failed,
    extracted: snapshot.extracted,
    greetings: Object.fromEntries(snapshot.plugins.map((p) => [p.name, p.greeting])),
    formats: Object.fromEntries(snapshot.plugins.map((p) => [p.name, p.format])),
    byName,
  };
}

/** The checks of one scenario: `[description, actual, expected]`. */
function scenarioChecks(s) {
  const zip = `${s.folder}\\zip-greeter.zip`;
  const first = summarize(s.first);
  const changed = summarize(s.changed);
  const unchanged = summarize(s.unchanged);
  const removed = summarize(s.removed);
  const zipEntry = first.byName['zip-greeter'];
  return [
    ['first reload: added', first.added, ALL],
    ['first reload: no failure', first.failed, []],
    ['first reload: greetings', first.greetings, greetings(ALL, 'v1')],
    ['first reload: module formats', first.formats, FORMATS],
    ['first reload: extracted the zip', first.extracted, [zip]],
    ['ESM plugin dir', first.byName['esm-greeter']?.dir, `${s.folder}\\esm-greeter`],
    ['CJS plugin dir', first.byName['cjs-greeter']?.dir, `${s.folder}\\cjs-greeter`],
    ['zip plugin source', zipEntry?.source, zip],
    ['zip plugin origin', zipEntry?.origin, 'archive'],
    ['zip plugin extracted into cacheDir', zipEntry?.dir.startsWith(`${s.cacheDir}\\`), true],
    ['reload after changes: updated', changed.updated, ALL],
    ['reload after changes: no failure', changed.failed, []],
    ['reload after changes: greetings', changed.greetings, greetings(ALL, 'v2')],
    ['reload after changes: extracted the new zip', changed.extracted, [zip]],
    ['reload without changes: unchanged', unchanged.unchanged, ALL],
    [
      'reload without changes: nothing else',
      [unchanged.added, unchanged.updated, unchanged.extracted],
      [[], [], []],
    ],
    ['reload after removing cjs-greeter: removed', removed.removed, ['cjs-greeter']],
    [
      'reload after removing cjs-greeter: greetings',
      removed.greetings,
      greetings(['esm-greeter', 'zip-greeter'], 'v2'),
    ],
  ];
}

/**
 * Checks the result file of smoke.mjs against the scenarios it was given.
 * Returns one `{ name, ok, detail }` per check.
 */
export function checkResult(result, scenarios) {
  const checks = [];
  const expect = (name, actual, expected) => {
    const ok = isDeepStrictEqual(actual, expected);
    const detail = ok ? '' : `got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`;
    checks.push({ name, ok, detail });
  };
  expect('runs on Windows', result.platform, 'win32');
  expect('runs Node.js 22', result.node?.split('.')[0], 'v22');
  for (const scenario of scenarios) {
    const s = result.scenarios?.find((candidate) => candidate.name === scenario.name);
    expect(`${scenario.name}: ran without error`, s?.error, undefined);
    if (s === undefined || s.error !== undefined) continue;
    for (const [name, actual, expected] of scenarioChecks(s)) {
      expect(`${scenario.name}: ${name}`, actual, expected);
    }
  }
  return checks;
}
