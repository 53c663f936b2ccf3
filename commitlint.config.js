// Commit messages follow Conventional Commits; `npm run lint:commits` checks
// the branch (scripts/commitlint.mjs), `npx commitlint --edit` one message.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const { workspaces } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));

// A scope names a workspace by its folder (`core`, `builder`, `host`), a short
// name for one (`example` for example-plugin, `demo` for the demo host), or an
// area of the repo (`docs`, `bench`, `ci`, `deps`).
const SCOPES = [
  ...workspaces.map((dir) => basename(dir)),
  'example',
  'demo',
  'docs',
  'bench',
  'ci',
  'deps',
];

export default {
  extends: ['@commitlint/config-conventional'],
  rules: {
    'scope-enum': [2, 'always', SCOPES],
    // Our headers say what changed and why in one line; a few run past 100.
    'header-max-length': [2, 'always', 110],
    // Bodies quote output, paths and URLs: long lines are fine there.
    'body-max-line-length': [0],
    'footer-max-line-length': [0],
  },
};
