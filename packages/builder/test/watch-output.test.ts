// What `augment watch` prints for each rebuild: the time and the file that triggered it.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { CLI, cleanEnv, ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir, waitFor } from './helpers/project.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('watch-output');
});
afterEach(async () => {
  await removeDir(dir);
});

it('watch prints the time and the file of each rebuild, failed or not', async () => {
  await createProject(dir);
  const child = spawn(process.execPath, [CLI, 'watch', '--no-typecheck'], {
    cwd: join(dir, 'src'),
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise((done) => child.once('close', done));
  try {
    await waitFor('the watcher to start', () => out.includes('watching'));
    await writeFile(join(dir, 'src/index.ts'), 'export const y = ;\n');
    await waitFor('the failed rebuild', () => out.includes('waiting for changes'));
    expect(out).toMatch(/^\[\d{2}:\d{2}:\d{2}\] src\/index\.ts changed\nerror: Bundling /mu);
    await writeFile(join(dir, 'src/index.ts'), 'export default { y: 2 };\n');
    await waitFor('the rebuild', () => out.includes('rebuilt in'));
    expect(out).toMatch(/^\[\d{2}:\d{2}:\d{2}\] src\/index\.ts changed\nrebuilt in \d/mu);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
