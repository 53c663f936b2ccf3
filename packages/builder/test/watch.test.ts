// End-to-end tests of `augment watch`: each spawns the real built bin
// (packages/builder/dist/cli.js) in a temp project and edits files under it.
// `npm test` builds first; when dist/cli.js is missing (a bare `npx vitest`),
// beforeAll builds core and the builder once.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TYPESCRIPT, ensureBuilt } from './helpers/cli.js';
import {
  WAIT_MS,
  linkSlowTypeScript,
  makeTempDir,
  removeDir,
  waitFor,
  writeFiles,
} from './helpers/project.js';
import {
  BUILT,
  REBUILT,
  WATCHED_COMPILER_OPTIONS,
  WATCHED_PLUGIN,
  Watching,
  stopWatching,
} from './helpers/watching.js';

/** tsc takes seconds, several times more on a loaded machine. */
const TYPES_WAIT_MS = 90_000;
const posix = process.platform !== 'win32';

const PROJECT = {
  ...WATCHED_PLUGIN,
  'tsconfig.json': {
    compilerOptions: WATCHED_COMPILER_OPTIONS,
    include: ['src'],
  },
  'src/index.ts': 'export const version: string = "one";\n',
};

let dir: string;
let watching: Watching | undefined;

/** Writes a file of the project. */
async function edit(file: string, content: string): Promise<void> {
  await writeFile(join(dir, file), content);
}

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('watch');
  await writeFiles(dir, PROJECT);
});

afterEach(async () => {
  await stopWatching(watching);
  watching = undefined;
  await removeDir(dir);
});

describe('augment watch', () => {
  it('builds, rebuilds on a change, survives a syntax error and rebuilds once it is fixed', async () => {
    watching = new Watching(['--no-typecheck'], dir);
    await watching.next(BUILT);
    await watching.next(
      /watching src\/, assets\/, plugin\.manifest\.json, package\.json, tsconfig\.json/u,
    );
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('"one"');

    await edit('src/index.ts', 'export const version: string = "two";\n');
    await watching.next(REBUILT);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('"two"');

    await edit(
      'src/index.ts',
      'export const version: string = "three";\nexport const broken = ;\n',
    );
    await watching.next(/src[\\/]index\.ts:2:\d+/u);
    expect(watching.alive).toBe(true);

    // next() fails at once if the process exits: this rebuild proves it survived
    await edit('src/index.ts', 'export const version: string = "four";\n');
    await watching.next(REBUILT);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('"four"');
    expect(watching.output).not.toMatch(/^\s+at /mu);
  });

  it('rebuilds when plugin.manifest.json changes or comes back, and on a new file under src/', async () => {
    watching = new Watching(['--no-typecheck'], dir);
    await watching.next(BUILT);
    await edit(
      'plugin.manifest.json',
      JSON.stringify({ ...PROJECT['plugin.manifest.json'], description: 'first edit' }),
    );
    await watching.next(REBUILT);
    expect(await readFile(join(dir, 'dist/plugin.manifest.json'), 'utf8')).toContain('first edit');

    // deleted, then written again: still watched
    await rm(join(dir, 'plugin.manifest.json'));
    await watching.next(/error: .*plugin\.manifest\.json is missing/u);
    await edit(
      'plugin.manifest.json',
      JSON.stringify({ ...PROJECT['plugin.manifest.json'], description: 'written again' }),
    );
    await watching.next(REBUILT);
    expect(await readFile(join(dir, 'dist/plugin.manifest.json'), 'utf8')).toContain(
      'written again',
    );

    await edit('src/extra.ts', 'export const extra = "extra-value";\n');
    await edit('src/index.ts', 'export { extra } from "./extra.js";\n');
    await watching.next(REBUILT);
    // the two edits may make one rebuild or two: wait for the one that saw both
    const entry = join(dir, 'dist/index.js');
    await waitFor('the rebuild with src/extra.ts', async () =>
      (await readFile(entry, 'utf8')).includes('extra-value'),
    );
  });

  it('updates dist/assets/ when a file under assets/ is edited, added or removed', async () => {
    await writeFiles(dir, { 'assets/logo.svg': '<svg>one</svg>' });
    watching = new Watching(['--no-typecheck'], dir);
    await watching.next(BUILT);
    const built = (file: string) => join(dir, 'dist/assets', file);
    expect(await readFile(built('logo.svg'), 'utf8')).toBe('<svg>one</svg>');

    await edit('assets/logo.svg', '<svg>two</svg>');
    await watching.next(REBUILT);
    await watching.next(/assets: dist\/assets\/ updated \(assets\/logo\.svg\)\n/u);
    expect(await readFile(built('logo.svg'), 'utf8')).toBe('<svg>two</svg>');

    await writeFiles(dir, { 'assets/i18n/en.json': '{"hello":"Hello"}' });
    await watching.next(/assets: dist\/assets\/ updated \(.*assets\/i18n\/en\.json.*\)\n/u);
    await waitFor('dist/assets/i18n/en.json', () => existsSync(built('i18n/en.json')));

    await rm(join(dir, 'assets/logo.svg'));
    await watching.next(/assets: dist\/assets\/ updated \(assets\/logo\.svg\)\n/u);
    expect(existsSync(built('logo.svg'))).toBe(false);
    expect(existsSync(built('i18n/en.json'))).toBe(true);
  });

  it('publishes an asset change only with a build that succeeded', async () => {
    await writeFiles(dir, { 'assets/logo.svg': '<svg>one</svg>' });
    watching = new Watching(['--no-typecheck'], dir);
    await watching.next(BUILT);
    await edit('src/index.ts', 'export const broken = ;\n');
    await watching.next(/src[\\/]index\.ts:1:\d+/u);
    await watching.next(/waiting for changes/u);
    // the asset change rebuilds, fails on the same error, and leaves dist/ as it was
    await edit('assets/logo.svg', '<svg>two</svg>');
    await watching.next(/src[\\/]index\.ts:1:\d+/u);
    await watching.next(/waiting for changes/u);
    expect(await readFile(join(dir, 'dist/assets/logo.svg'), 'utf8')).toBe('<svg>one</svg>');

    await edit('src/index.ts', 'export const version: string = "fixed";\n');
    await watching.next(REBUILT);
    expect(await readFile(join(dir, 'dist/assets/logo.svg'), 'utf8')).toBe('<svg>two</svg>');
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('"fixed"');
  });

  it('reports type errors on a later "types:" line without blocking the rebuild', async () => {
    await mkdir(join(dir, 'node_modules'), { recursive: true });
    await symlink(TYPESCRIPT, join(dir, 'node_modules/typescript'), 'junction');
    watching = new Watching([], dir);
    await watching.next(BUILT);
    await watching.next(/types: ok\n/u, TYPES_WAIT_MS);

    await edit('src/index.ts', 'export const version: number = "not a number";\n');
    await watching.next(REBUILT);
    await watching.next(/types: 1 error\n/u, TYPES_WAIT_MS);
    await watching.next(/src[\\/]index\.ts.*TS2322/u);
    // the rebuild wrote the code even though the types are wrong
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('not a number');

    await edit('src/index.ts', 'export const version: number = 5;\n');
    await watching.next(REBUILT);
    await watching.next(/types: ok\n/u, TYPES_WAIT_MS);
  }, 300_000);

  it('says once that types are not checked when TypeScript is not installed', async () => {
    watching = new Watching([], dir);
    await watching.next(BUILT);
    await watching.next(/types: not checked \(TypeScript is not installed in this project\)\n/u);
    await edit('src/index.ts', 'export const version: string = "two";\n');
    await watching.next(REBUILT);
    // the (instant) check after a rebuild reports before the next rebuild's line
    await edit('src/index.ts', 'export const version: string = "three";\n');
    await watching.next(REBUILT);
    expect(watching.output.match(/types: not checked/gu)).toHaveLength(1);
  });

  it.runIf(posix)('exits 0 on SIGINT without hanging', async () => {
    watching = new Watching(['--no-typecheck'], dir);
    await watching.next(BUILT);
    const { code } = await watching.stop('SIGINT');
    expect(code).toBe(0);
    expect(watching.output).toContain('stopped watching');
  });

  it.runIf(posix)('exits 0 on SIGTERM, even with a type check running', async () => {
    // its tsc writes tsc.pid, then runs for a minute: the exit must not wait for it
    await linkSlowTypeScript(dir);
    const pidFile = join(dir, 'tsc.pid');
    watching = new Watching([], dir);
    await watching.next(BUILT);
    await waitFor('the type check to start', () => existsSync(pidFile));
    try {
      // stop() fails after EXIT_MS, far less than the minute of the slow tsc
      const { code } = await watching.stop('SIGTERM');
      expect(code).toBe(0);
    } finally {
      // the orphaned slow tsc would live on for a minute
      process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL');
    }
  });

  it('exits 1 in one line when the project has no manifest', async () => {
    await rm(join(dir, 'plugin.manifest.json'));
    watching = new Watching([], dir);
    const exit = await watching.exit(WAIT_MS);
    expect(exit.code).toBe(1);
    expect(watching.output.trim().split('\n')).toHaveLength(1);
    expect(watching.output).toMatch(/^error: .*plugin\.manifest\.json/u);
  });
});
