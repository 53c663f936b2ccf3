// Checks the commit messages of the branch against commitlint.config.js
// (`npm run lint:commits`): every commit of HEAD, oldest first, from the first
// one whose header follows Conventional Commits. Merge and revert commits that
// git wrote are skipped, as commitlint does by default.
//
//   node scripts/commitlint.mjs [<rev>]   (default HEAD)
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lint from '@commitlint/lint';
import load from '@commitlint/load';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONVENTIONAL = /^[a-z]+(\([\w./-]+\))?!?: \S/;

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

/** Lists the commits of `rev`, oldest first, as `{ hash, message }`. */
function readCommits(rev) {
  return git('log', '--reverse', '--format=%H%x00%B%x1e', rev)
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.includes('\0'))
    .map((record) => {
      const [hash, message] = record.split('\0');
      return { hash, message: message.trimEnd() + '\n' };
    });
}

const rev = process.argv[2] ?? 'HEAD';
const all = readCommits(rev);
const start = all.findIndex((commit) => CONVENTIONAL.test(commit.message));
if (start === -1) {
  console.error(`lint:commits: no commit of ${rev} follows Conventional Commits`);
  process.exit(1);
}
if (git('rev-parse', '--is-shallow-repository').trim() === 'true') {
  console.warn('lint:commits: shallow clone, only the commits fetched are checked');
}

const config = await load({}, { cwd: root });
const options = {
  parserOpts: config.parserPreset?.parserOpts ?? {},
  plugins: config.plugins,
  ignores: config.ignores,
  defaultIgnores: config.defaultIgnores,
  helpUrl: config.helpUrl,
};

const commits = all.slice(start);
let failed = 0;
let warned = 0;
for (const { hash, message } of commits) {
  const report = await lint(message, config.rules, options);
  if (report.errors.length === 0 && report.warnings.length === 0) continue;
  if (report.errors.length > 0) failed++;
  else warned++;
  console.log(`${hash.slice(0, 8)} ${message.split('\n')[0]}`);
  for (const problem of report.errors) console.log(`  ✖ ${problem.message} [${problem.name}]`);
  for (const problem of report.warnings) console.log(`  ⚠ ${problem.message} [${problem.name}]`);
}

const first = commits[0].hash.slice(0, 8);
console.log(
  `lint:commits: ${commits.length} commits from ${first} checked, ${failed} with errors, ${warned} with warnings only`,
);
process.exitCode = failed > 0 ? 1 : 0;
