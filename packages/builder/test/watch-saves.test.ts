// `augment watch` never loses a save: chokidar reports one `change` per file
// per 50 ms (longer on a busy machine), so a save that comes after the rebuild
// of the previous one began, but inside that window, gets no event. Two saves
// a few ms apart are both read by the one debounced rebuild; the saves here
// come right after that rebuild, the case that lost them.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { makeTempDir, removeDir, waitFor, writeFiles } from './helpers/project.js';
import { Watching, stopWatching } from './helpers/watching.js';

vi.setConfig({ testTimeout: 180_000 });
beforeAll(ensureBuilt, 120_000);

/** How long a save may take to reach dist/ on a busy machine. */
const SAVE_WAIT_MS = 20_000;
/** Double saves per test: any one lost fails it. */
const ROUNDS = 8;

const PROJECT = {
  'package.json': { name: 'saves', version: '1.0.0', private: true, type: 'module' },
  'plugin.manifest.json': { name: 'saves', version: '1.0.0', entryPoint: './dist/index.js' },
  'assets/note.txt': 'note-0',
  'src/index.ts': 'export const version = "v-0";\n',
};

let dir: string;
let watching: Watching | undefined;

beforeEach(async () => {
  dir = await makeTempDir('watch-saves');
  await writeFiles(dir, PROJECT);
});

afterEach(async () => {
  await stopWatching(watching);
  watching = undefined;
  await removeDir(dir);
});

/** Resolves as soon as the output written after this call matches `pattern` (no polling delay). */
function outputAfterNow(running: Watching, pattern: RegExp): Promise<void> {
  const start = running.output.length;
  return new Promise((done, fail) => {
    const check = (): void => {
      if (!pattern.test(running.output.slice(start))) return;
      running.child.stdout.off('data', check);
      running.child.stderr.off('data', check);
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      running.child.stdout.off('data', check);
      running.child.stderr.off('data', check);
      fail(new Error(`no ${pattern} within ${SAVE_WAIT_MS} ms:\n${running.output}`));
    }, SAVE_WAIT_MS);
    // listeners added after Watching's own: `output` already has the chunk
    running.child.stdout.on('data', check);
    running.child.stderr.on('data', check);
  });
}

/** Waits until `file` (relative to the project) contains `text`; dist/ may be missing while it is replaced. */
async function untilContains(file: string, text: string): Promise<void> {
  await waitFor(
    `${file} to contain ${text}`,
    async () => (await readFile(join(dir, file), 'utf8').catch(() => '')).includes(text),
    SAVE_WAIT_MS,
  );
}

async function start(): Promise<Watching> {
  const running = new Watching(['--no-typecheck'], dir);
  await running.next(/watching src\//u);
  return running;
}

it('a save right after the rebuild of the previous one reaches dist/index.js', async () => {
  watching = await start();
  for (let round = 1; round <= ROUNDS; round += 1) {
    const rebuilt = outputAfterNow(watching, /rebuilt in \d+ ms\n/u);
    writeFileSync(join(dir, 'src/index.ts'), `export const version = "first-${round}";\n`);
    await rebuilt;
    // at once: within the throttle window of the first save's change event
    writeFileSync(join(dir, 'src/index.ts'), `export const version = "second-${round}";\n`);
    await untilContains('dist/index.js', `"second-${round}"`);
  }
  expect(watching.alive).toBe(true);
});

it('a save of an asset right after the rebuild of the previous one reaches dist/assets/', async () => {
  watching = await start();
  for (let round = 1; round <= ROUNDS; round += 1) {
    const updated = outputAfterNow(watching, /assets: dist\/assets\/ updated/u);
    writeFileSync(join(dir, 'assets/note.txt'), `note-first-${round}`);
    await updated;
    writeFileSync(join(dir, 'assets/note.txt'), `note-second-${round}`);
    await untilContains('dist/assets/note.txt', `note-second-${round}`);
  }
});

it('a save of plugin.manifest.json right after the rebuild of the previous one reaches dist/', async () => {
  watching = await start();
  const manifest = (description: string): string =>
    JSON.stringify({ ...PROJECT['plugin.manifest.json'], description });
  for (let round = 1; round <= ROUNDS; round += 1) {
    const rebuilt = outputAfterNow(watching, /rebuilt in \d+ ms\n/u);
    writeFileSync(join(dir, 'plugin.manifest.json'), manifest(`first-${round}`));
    await rebuilt;
    writeFileSync(join(dir, 'plugin.manifest.json'), manifest(`second-${round}`));
    await untilContains('dist/plugin.manifest.json', `second-${round}`);
  }
});
