// A host that follows dist/ through `augment dev --link` may read it at any
// moment: during many rebuilds of the real `augment watch`, a reader polling
// in another process never finds dist/, its manifest or index.js missing.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { makeTempDir, removeDir, waitFor, writeFiles } from './helpers/project.js';
import { BUILT, REBUILT, WATCHED_PLUGIN, Watching, stopWatching } from './helpers/watching.js';

vi.setConfig({ testTimeout: 180_000 });
beforeAll(ensureBuilt, 120_000);

/** Rebuilds made while the reader polls. */
const REBUILDS = 40;

/** Polls the files as fast as it can until stdin closes, then prints what it saw. */
const READER = `
const fs = require('node:fs');
const path = require('node:path');
const dist = process.argv[2];
const files = [dist, path.join(dist, 'plugin.manifest.json'), path.join(dist, 'index.js')];
const missing = new Set();
let reads = 0;
let open = true;
process.stdin.on('end', () => { open = false; }).resume();
const poll = () => {
  const until = Date.now() + 20;
  while (Date.now() < until) {
    for (const file of files) {
      reads += 1;
      if (!fs.existsSync(file)) missing.add(path.relative(dist, file) || 'dist');
    }
  }
  if (open) setImmediate(poll);
  else process.stdout.write(JSON.stringify({ reads, missing: [...missing] }));
};
process.stdout.write('polling\\n');
poll();
`;

let dir: string;
let watching: Watching | undefined;

beforeEach(async () => {
  dir = await makeTempDir('dist');
  await writeFiles(dir, {
    ...WATCHED_PLUGIN,
    'src/index.ts': 'export const version = 0;\n',
    'assets/logo.txt': 'logo',
    'reader.cjs': READER,
  });
});
afterEach(async () => {
  await stopWatching(watching);
  watching = undefined;
  await removeDir(dir);
});

describe('dist/ during rebuilds', () => {
  it('never goes missing, nor its manifest or index.js', async () => {
    watching = new Watching(['--no-typecheck'], dir);
    await watching.next(BUILT);
    await watching.next(/watching /u);

    const reader = spawn(process.execPath, [join(dir, 'reader.cjs'), join(dir, 'dist')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let report = '';
    reader.stdout.setEncoding('utf8').on('data', (chunk: string) => (report += chunk));
    const ended = new Promise((done) => reader.on('exit', done));
    await waitFor('the reader to start', () => report.includes('polling'));

    for (let version = 1; version <= REBUILDS; version += 1) {
      await writeFile(join(dir, 'src/index.ts'), `export const version = ${version};\n`);
      await watching.next(REBUILT);
    }
    reader.stdin.end();
    await ended;
    const { reads, missing } = JSON.parse(report.slice(report.indexOf('{'))) as {
      reads: number;
      missing: string[];
    };
    expect(reads).toBeGreaterThan(1000);
    expect(missing).toEqual([]);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain(`${REBUILDS}`);
    expect(await readFile(join(dir, 'dist/assets/logo.txt'), 'utf8')).toBe('logo');
  });
});
