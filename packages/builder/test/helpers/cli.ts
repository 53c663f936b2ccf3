// Helpers of the end-to-end tests that spawn the built `augment` CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The built CLI. */
export const CLI = join(REPO, 'packages/builder/dist/cli.js');
/** The repository's TypeScript, linked into test projects that type-check. */
export const TYPESCRIPT = join(REPO, 'node_modules/typescript');

/** This process's environment without the variables that change colors or Node's flags. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const drop = new Set(['NO_COLOR', 'FORCE_COLOR', 'CLICOLOR_FORCE', 'NODE_OPTIONS']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !drop.has(key)));
}

/** Builds core, cli-kit and the builder once when dist/cli.js is missing; a lock keeps test files from racing. */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(CLI)) return;
  const lock = join(tmpdir(), 'augment-builder-test-build.lock');
  try {
    await mkdir(lock);
  } catch {
    // another test file is building: wait for it (bounded), then use its build
    for (let waited = 0; existsSync(lock); waited += 200) {
      if (waited > 110_000) throw new Error(`${lock} is still there: remove it if no build runs`);
      await sleep(200);
    }
    return;
  }
  try {
    const npm = (workspace: string): void => {
      const run = spawnSync('npm', ['run', 'build', '-w', workspace], {
        cwd: REPO,
        encoding: 'utf8',
        shell: process.platform === 'win32',
      });
      if (run.status !== 0) throw new Error(`building ${workspace} failed:\n${run.stderr}`);
    };
    if (!existsSync(join(REPO, 'packages/core/dist/index.js'))) npm('@augment/core');
    // the CLI helpers the builder bundles in
    if (!existsSync(join(REPO, 'packages/cli-kit/dist/index.js'))) npm('@augment/cli-kit');
    npm('@augment/builder');
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
