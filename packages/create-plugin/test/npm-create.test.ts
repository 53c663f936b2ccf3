/**
 * `npm create @augment/plugin` and `npm init @augment/plugin`, resolved by
 * npm itself as a user's npm will once the packages are published: npm maps
 * the initializer `@augment/plugin` to the package `@augment/create-plugin`,
 * fetches it (and @augment/boilerplate, @augment/core) from the @augment
 * registry, and runs its bin. The registry is a local one serving the
 * tarballs of scripts/pack.mjs (reused from dist-packages/ while fresh);
 * third-party dependencies come from the npm registry. npm's cache is a
 * fresh folder, so no earlier `npm exec` install is reused.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePacked } from '../../../scripts/pack.mjs';
import { startRegistry } from './helpers/registry.js';
import type { LocalRegistry } from './helpers/registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const NPM_MS = 180_000;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let temp: string;
let registry: LocalRegistry | undefined;
let env: NodeJS.ProcessEnv;
let version: string;

/** The environment of a user's npm: without what npm run and Vitest set, npm's cache in `cache`. */
function cleanEnv(registryUrl: string, cache: string): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|vitest)/iu.test(key)) continue;
    if (['INIT_CWD', 'NODE_OPTIONS', 'NODE_ENV', 'TEST', 'NO_COLOR', 'FORCE_COLOR'].includes(key)) {
      continue;
    }
    clean[key] = value;
  }
  clean['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes(`node_modules${sep}.bin`))
    .join(delimiter);
  return {
    ...clean,
    'npm_config_@augment:registry': registryUrl,
    npm_config_cache: cache,
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

function npm(args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      args,
      { cwd, env, timeout: NPM_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

describe('@augment/create-plugin', () => {
  it('is released with @augment/boilerplate: same version, and depends on that version', async () => {
    const own = await readJson(join(ROOT, 'packages/create-plugin/package.json'));
    const boilerplate = await readJson(join(ROOT, 'packages/boilerplate/package.json'));
    expect(own['version']).toBe(boilerplate['version']);
    expect(own['dependencies']).toEqual({
      '@augment/boilerplate': `^${String(boilerplate['version'])}`,
    });
    expect(own['bin']).toEqual({ 'create-plugin': './bin/create-plugin.js' });
  });
});

describe.skipIf(process.platform === 'win32')('npm create @augment/plugin', () => {
  beforeAll(async () => {
    const { packs } = await ensurePacked();
    version = packs.find((p) => p.name === '@augment/create-plugin')?.version ?? 'missing';
    registry = await startRegistry(packs, ROOT);
    temp = await mkdtemp(join(tmpdir(), 'augment-npm-create-'));
    await mkdir(join(temp, 'cache'));
    await mkdir(join(temp, 'work'));
    env = cleanEnv(registry.url, join(temp, 'cache'));
  }, NPM_MS);

  afterAll(async () => {
    await registry?.close();
    if (temp !== undefined) await rm(temp, { recursive: true, force: true, maxRetries: 3 });
  });

  it(
    'npm init @augment/plugin runs @augment/create-plugin from the registry',
    async () => {
      const run = await npm(['init', '@augment/plugin', 'my-plugin'], join(temp, 'work'));
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`create-augment-plugin v${version}`);
      expect(run.stdout).toContain('created my-plugin (esm) in my-plugin');
      expect(run.stdout).toContain('npm run watch');
      const dir = join(temp, 'work', 'my-plugin');
      expect(existsSync(join(dir, 'src', 'index.ts'))).toBe(true);
      expect(await readJson(join(dir, 'plugin.manifest.json'))).toMatchObject({
        name: 'my-plugin',
      });
      // npm asked for the package named by npm's rule, and got it with its dependencies
      expect(registry?.requests).toEqual(
        expect.arrayContaining([
          '/@augment%2fcreate-plugin',
          '/@augment%2fboilerplate',
          '/@augment%2fcore',
          `/tarballs/augment-create-plugin-${version}.tgz`,
        ]),
      );
    },
    NPM_MS,
  );

  it(
    'npm create @augment/plugin@latest passes the flags after -- to the generator',
    async () => {
      const args = ['create', '@augment/plugin@latest', 'reports', '--', '--format', 'cjs'];
      const run = await npm(args, join(temp, 'work'));
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('created reports (cjs) in reports');
      expect(await readJson(join(temp, 'work', 'reports', 'package.json'))).toMatchObject({
        name: 'reports',
        type: 'commonjs',
      });
    },
    NPM_MS,
  );
});
