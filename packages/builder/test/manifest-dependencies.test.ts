// The manifest fields pluginDependencies and optionalPluginDependencies (issue
// 14): `augment validate` and `augment build` accept valid ones without a
// word, and report each broken rule at the exact line:col of its key or value.
// Each test runs the real built CLI on a real project in a temp folder.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAugment } from './helpers/augment.js';
import { ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';

const COMMANDS = [['validate'], ['build', '--no-typecheck']];

/** A manifest of hello-plugin 1.2.3 whose lines from line 5 on are `lines`. */
function manifestText(lines: readonly string[]): string {
  return [
    '{',
    '  "name": "hello-plugin",',
    '  "version": "1.2.3",',
    '  "entryPoint": "./dist/index.js",',
    ...lines,
    '}',
    '',
  ].join('\n');
}

let dir: string;

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('manifest-dependencies');
});

afterEach(async () => {
  await removeDir(dir);
});

describe('valid plugin dependencies', () => {
  it('pass validate and build without a warning, and reach dist/ unchanged', async () => {
    const text = manifestText([
      '  "pluginDependencies": { "greeter-core": "^1.2.0", "@acme/x.y": ">=1 <3" },',
      '  "optionalPluginDependencies": { "extras": "*", "tools": "1.x" },',
      '  "meta": {}',
    ]);
    await createProject(dir, { manifest: text });
    for (const args of COMMANDS) {
      const run = await runAugment(args, dir);
      expect(run.stderr, args[0]).toBe('');
      expect(run.code, args[0]).toBe(0);
    }
    const built = JSON.parse(
      await readFile(join(dir, 'dist/plugin.manifest.json'), 'utf8'),
    ) as Record<string, Record<string, string>>;
    expect(built.pluginDependencies).toEqual({ 'greeter-core': '^1.2.0', '@acme/x.y': '>=1 <3' });
    expect(Object.keys(built.optionalPluginDependencies ?? {})).toEqual(['extras', 'tools']);
  });

  it('empty objects are fine', async () => {
    const text = manifestText([
      '  "pluginDependencies": {},',
      '  "optionalPluginDependencies": {}',
    ]);
    await createProject(dir, { manifest: text });
    for (const args of COMMANDS) {
      const run = await runAugment(args, dir);
      expect(run.stderr, args[0]).toBe('');
      expect(run.code, args[0]).toBe(0);
    }
  });
});

describe('broken plugin dependencies', () => {
  it('each rule broken fails validate and build at its key or value, naming the key', async () => {
    const text = manifestText([
      '  "pluginDependencies": {',
      '    "Other-Plugin": "^1.0.0",',
      '    "@acme/x.y": "latest",',
      '    "hello-plugin": "^1.0.0",',
      '    "shared": "^1.0.0",',
      '    "count": 2',
      '  },',
      '  "optionalPluginDependencies": {',
      '    "shared": "1.x",',
      '    "__proto__": "*"',
      '  }',
    ]);
    await createProject(dir, { manifest: text });
    for (const args of COMMANDS) {
      const run = await runAugment(args, dir);
      expect(run.code, args[0]).toBe(1);
      const expected = [
        /plugin\.manifest\.json:6:5: pluginDependencies\.Other-Plugin: "Other-Plugin" is not a valid plugin name: it must be lower-case/u,
        /plugin\.manifest\.json:7:18: pluginDependencies\.@acme\/x\.y: "latest" \(for "@acme\/x\.y"\) is not a semver range/u,
        /plugin\.manifest\.json:8:5: pluginDependencies\.hello-plugin: "hello-plugin" is this plugin's own name/u,
        /plugin\.manifest\.json:10:14: pluginDependencies\.count: the range of "count" must be a string/u,
        /plugin\.manifest\.json:13:5: optionalPluginDependencies\.shared: "shared" is also in pluginDependencies: list it in one of them/u,
        /plugin\.manifest\.json:14:5: optionalPluginDependencies\.__proto__: "__proto__" is not a valid plugin name/u,
      ];
      for (const line of expected) expect(run.stderr, args[0]).toMatch(line);
      // in the file's order, each with a code frame under it
      const order = expected.map((line) => run.stderr.search(line));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(run.stderr).toMatch(/ 8 │ {5}"hello-plugin": "\^1\.0\.0",\n\s+╵ {5}\^/u);
      expect(run.stderr).toContain('has 6 problems');
    }
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('a field that is not an object fails at its value', async () => {
    await createProject(dir, {
      manifest: manifestText(['  "optionalPluginDependencies": ["other-plugin"]']),
    });
    for (const args of COMMANDS) {
      const run = await runAugment(args, dir);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr).toMatch(
        /plugin\.manifest\.json:5:33: optionalPluginDependencies: must be an object mapping plugin names to semver ranges/u,
      );
    }
  });
});
