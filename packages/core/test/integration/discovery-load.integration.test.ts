import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { IS_GREETER, cjsPlugin, esmPlugin, inFolder } from '../helpers/plugins.js';

interface Outcome {
  names: string[];
  greetings: Record<string, string>;
  formats: Record<string, string>;
  failures: { name?: string; stage: string; code: string; source: string; message: string }[];
  alive: boolean;
}

let root: string;

beforeAll(async () => {
  root = await makeTempDir('mixed');
  const plugins = join(root, 'plugins');
  await writeFiles(plugins, {
    ...inFolder('esm', esmPlugin('esm-plugin')),
    ...inFolder('cjs', cjsPlugin('cjs-plugin')),
    ...inFolder(
      'js-module',
      esmPlugin('js-module', `export const greet = (who) => 'js-module greets ' + who;\n`, {
        entryPoint: './lib/main.js',
        files: { 'package.json': { type: 'module' } },
      }),
    ),
    ...inFolder(
      'default-export',
      esmPlugin(
        'default-export',
        `export default { greet: (w) => 'default greets ' + w };\nexport const other = 1;\n`,
      ),
    ),
    ...inFolder('bad-json', { 'plugin.manifest.json': '{ "name": "bad-json", ' }),
    ...inFolder('missing-fields', { 'plugin.manifest.json': { name: 'missing-fields' } }),
    ...inFolder('escape', esmPlugin('escape', undefined, { entryPoint: '../outside.mjs' })),
    ...inFolder('throws', esmPlugin('throws', `throw new Error('boom at import');\n`)),
    ...inFolder('syntax', cjsPlugin('syntax', `module.exports = { greet( };\n`)),
    ...inFolder('invalid', esmPlugin('invalid', `export default { hello: () => 'no greet' };\n`)),
    ...inFolder('hangs', esmPlugin('hangs', `await new Promise(() => {});\nexport default {};\n`)),
    ...inFolder('dup-a', esmPlugin('dup', undefined, { version: '1.0.0' })),
    ...inFolder('dup-b', cjsPlugin('dup', undefined, { version: '2.0.0' })),
    'not-a-plugin/readme.txt': 'just a folder',
    'loose-file.txt': 'ignored',
    'outside.mjs': 'export default { greet: () => "escaped" };',
  });
  // a symlinked plugin folder, as `npm link` makes
  await writeFiles(root, inFolder('linked-src', esmPlugin('linked')));
  await symlink(join(root, 'linked-src'), join(plugins, 'linked'), 'dir');
});

afterAll(async () => {
  await removeDir(root);
});

// 'hangs' must time out; every other plugin must load within the limit, even on a busy machine
const SCRIPT = `
const host = new core.PluginHost({ folder: 'plugins', validator: ${IS_GREETER}, loadTimeoutMs: 5000, logger: false });
const report = await host.reload();
const greetings = {};
const formats = {};
for (const { manifest, plugin, format } of host.getAll()) {
  greetings[manifest.name] = plugin.greet('you');
  formats[manifest.name] = format;
}
done({
  names: host.getAll().map((e) => e.manifest.name),
  greetings,
  formats,
  failures: host.getFailures().map(({ name, stage, code, source, message }) => ({ name, stage, code, source, message })),
  reportFailed: report.failed.length,
  alive: true,
});
await host.close();
`;

describe.each<HostKind>(['esm', 'cjs'])('a folder of good and broken plugins (%s host)', (kind) => {
  let outcome: Outcome;
  let stderr: string;

  beforeAll(async () => {
    const run = await runHost(root, SCRIPT, { kind });
    stderr = run.stderr;
    expect(run.code, run.stderr).toBe(0);
    outcome = run.result as Outcome;
  });

  it('loads the good plugins and they work', () => {
    expect(outcome.names).toEqual([
      'cjs-plugin',
      'default-export',
      'dup',
      'esm-plugin',
      'js-module',
      'linked',
    ]);
    expect(outcome.greetings).toEqual({
      'cjs-plugin': 'cjs-plugin greets you',
      'default-export': 'default greets you',
      dup: 'dup greets you',
      'esm-plugin': 'esm-plugin greets you',
      'js-module': 'js-module greets you',
      linked: 'linked greets you',
    });
    expect(outcome.formats).toMatchObject({ 'cjs-plugin': 'cjs', dup: 'cjs', 'js-module': 'esm' });
  });

  it('reports each broken plugin once, with its stage and code, and stays alive', () => {
    const byDir = new Map(
      outcome.failures.map((f) => [f.source.split(/[\\/]/).pop() ?? '', [f.stage, f.code]]),
    );
    expect(Object.fromEntries(byDir)).toEqual({
      'bad-json': ['manifest', 'AUG_MANIFEST_PARSE'],
      'missing-fields': ['manifest', 'AUG_MANIFEST_INVALID'],
      escape: ['manifest', 'AUG_MANIFEST_INVALID'],
      throws: ['import', 'AUG_LOAD_IMPORT'],
      syntax: ['import', 'AUG_LOAD_IMPORT'],
      invalid: ['validate', 'AUG_VALIDATE_REJECTED'],
      hangs: ['timeout', 'AUG_LOAD_TIMEOUT'],
      'dup-a': ['conflict', 'AUG_CONFLICT_DUPLICATE'],
    });
    expect(outcome.alive).toBe(true);
    expect(stderr).not.toContain('NODE-WARNING');
  });

  it('names the plugin and the file in each message', () => {
    for (const failure of outcome.failures) {
      expect(failure.message).toContain(failure.source.split(/[\\/]/).pop());
      if (failure.name !== undefined) expect(failure.message).toContain(failure.name);
    }
    const conflict = outcome.failures.find((f) => f.stage === 'conflict');
    expect(conflict?.message).toContain('dup-b');
  });
});
