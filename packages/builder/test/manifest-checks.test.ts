// The manifest mistakes `augment build` and `augment validate` report (issue
// 12, point 5): unknown keys, the exact line:col of every problem, an
// entryPoint the build does not write, and a name or version other than
// package.json's. Each test runs the real built CLI on a real project.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `augment …args` in `cwd` (with `nodeArgs` for Node), without a TTY or color variables. */
function augment(args: string[], cwd: string, nodeArgs: string[] = []): Run {
  const run = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A manifest text, one key per line from line 2, in the order given. */
function manifestText(fields: Record<string, unknown>): string {
  return `${JSON.stringify(fields, null, 2)}\n`;
}

const BASE = { name: 'hello-plugin', version: '1.2.3', entryPoint: './dist/index.js' };

let dir: string;

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('manifest-checks');
});

afterEach(async () => {
  await removeDir(dir);
});

describe('unknown top-level keys', () => {
  it('fail build and validate at their line:col, with the nearest known key', async () => {
    await createProject(dir, {
      manifest: manifestText({ ...BASE, descripton: 'Says hi', hooks: { a: 1 }, meta: {} }),
    });
    for (const args of [['build', '--no-typecheck'], ['validate']]) {
      const run = augment(args, dir);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr).toContain(
        'plugin.manifest.json:5:3: descripton: unknown key; did you mean "description"?',
      );
      // no key is close to "hooks": the known ones are listed, and "meta" named for free-form data
      expect(run.stderr).toMatch(
        /plugin\.manifest\.json:6:3: hooks: unknown key; the keys are "\$schema", "name", .*"meta"/u,
      );
      expect(run.stderr).toContain('Free-form data belongs in "meta"');
    }
    expect(existsSync(join(dir, 'dist'))).toBe(false);

    // "$schema" and every key core defines are known
    const manifest = {
      $schema: './node_modules/@augment/core/schema/plugin.manifest.schema.json',
      ...BASE,
      description: 'Says hi',
      engines: { host: '^1.0.0' },
      meta: { free: { form: true } },
    };
    await createProject(dir, { manifest: manifestText(manifest) });
    const run = augment(['build', '--no-typecheck'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(augment(['validate'], dir).code).toBe(0);
  });
});

describe('checking a valid manifest', () => {
  it("reads the known keys from core's schema file, without loading zod", async () => {
    await createProject(dir, { manifest: manifestText({ ...BASE, meta: {} }) });
    // reports at exit whether core's copy of zod was required
    const probe = join(dir, 'zod-probe.cjs');
    await writeFile(
      probe,
      "process.on('exit', () => process.stderr.write('zod: ' + Object.keys(require.cache).some((k) => k.endsWith('zod.cjs')) + '\\n'));\n",
    );
    const probed = (args: string[]): Run => augment(args, dir, ['--require', probe]);
    for (const args of [['build', '--no-typecheck'], ['validate']]) {
      const run = probed(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr, args[0]).toBe('zod: false\n');
    }
    // a manifest core's fast path refuses still gets zod's detailed problems
    await createProject(dir, { manifest: manifestText({ ...BASE, version: 'one', meta: {} }) });
    const run = probed(['validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('plugin.manifest.json:3:');
    expect(run.stderr).toContain('zod: true');
  });
});

describe('line:col of every manifest problem', () => {
  it('points at the offending value of each broken rule', async () => {
    const text = [
      '{',
      '  "name": "hello-plugin",',
      '  "version": "v1",',
      '  "entryPoint": "./dist/index.js",',
      '  "engines": { "host": 5 },',
      '  "meta": []',
      '}',
      '',
    ].join('\n');
    await createProject(dir, { manifest: text });
    const run = augment(['validate'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/plugin\.manifest\.json:3:14: version: must be a semantic version/u);
    expect(run.stderr).toMatch(/plugin\.manifest\.json:5:24: engines\.host: must be a string/u);
    expect(run.stderr).toMatch(/plugin\.manifest\.json:6:11: meta: must be an object/u);
  });

  it('points at the object when a required key is missing, and at a JSON syntax error', async () => {
    await createProject(dir, {
      manifest: '{\n  "name": "hello-plugin",\n  "version": "1.2.3"\n}\n',
    });
    const missing = augment(['validate'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/plugin\.manifest\.json:1:1: entryPoint: is required/u);

    await createProject(dir, { manifest: '{\n  "name": "hello-plugin",\n  oops\n}\n' });
    const syntax = augment(['validate'], dir);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/plugin\.manifest\.json:3:3: /u);
  });
});

describe('entryPoint', () => {
  it.each(['./dist/main.js', './index.js', 'dist/index.mjs'])(
    'refuses %s by name, saying what to write, and writes nothing',
    async (entryPoint) => {
      await createProject(dir, { manifest: manifestText({ ...BASE, entryPoint }) });
      const run = augment(['build', '--no-typecheck'], dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`plugin.manifest.json:4:17: entryPoint "${entryPoint}"`);
      expect(run.stderr).toContain('"entryPoint": "./dist/index.js"');
      expect(existsSync(join(dir, 'dist'))).toBe(false);
      const validate = augment(['validate'], dir);
      expect(validate.code).toBe(1);
      expect(validate.stderr).toContain(`entryPoint "${entryPoint}"`);
    },
  );

  it('refuses ../x.js at its line:col, and honours dist/index.js', async () => {
    await createProject(dir, { manifest: manifestText({ ...BASE, entryPoint: '../x.js' }) });
    const run = augment(['build', '--no-typecheck'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/plugin\.manifest\.json:4:17: entryPoint: must stay inside/u);

    // dist/index.js without "./" names the file the build writes: honoured
    await createProject(dir, { manifest: manifestText({ ...BASE, entryPoint: 'dist/index.js' }) });
    const honoured = augment(['build', '--no-typecheck'], dir);
    expect(honoured.stderr).toBe('');
    expect(honoured.code).toBe(0);
    expect(existsSync(join(dir, 'dist/index.js'))).toBe(true);
    const built: unknown = JSON.parse(
      await readFile(join(dir, 'dist/plugin.manifest.json'), 'utf8'),
    );
    expect(built).toMatchObject({ entryPoint: './index.js' });
  });
});

describe('name and version agree with package.json', () => {
  it('a mismatch fails build and validate, naming both values, both files and augment sync', async () => {
    await createProject(dir, {
      manifest: manifestText({ ...BASE, name: 'old-name', version: '1.0.0' }),
      packageJson: { name: 'new-name', version: '1.1.0' },
    });
    for (const args of [['build', '--no-typecheck'], ['validate']]) {
      const run = augment(args, dir);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr).toContain(
        'plugin.manifest.json:2:11: name "old-name" does not match "new-name" in package.json',
      );
      expect(run.stderr).toContain(
        'plugin.manifest.json:3:14: version "1.0.0" does not match "1.1.0" in package.json',
      );
      expect(run.stderr).toContain('npx augment sync');
    }
    expect(existsSync(join(dir, 'dist'))).toBe(false);

    // a scoped package may name its plugin without the scope
    await createProject(dir, {
      manifest: manifestText({ ...BASE, name: 'greeter' }),
      packageJson: { name: '@acme/greeter' },
    });
    const run = augment(['build', '--no-typecheck'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
