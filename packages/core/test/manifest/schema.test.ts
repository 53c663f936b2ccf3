import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import validRange from 'semver/ranges/valid.js';
import { describe, expect, it } from 'vitest';
import { PluginHost } from '../../src/host.js';
import { getManifestIssues, validateManifest } from '../../src/manifest/manifest.js';
import { getManifestJsonSchema } from '../../src/manifest/schema.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { manifestArbitrary } from '../helpers/manifest-arbitrary.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

const manifestJsonSchema = getManifestJsonSchema();

const ajv = new Ajv2020({ strict: true, allErrors: true });
const schemaAccepts = ajv.compile(manifestJsonSchema);

function validatorAccepts(manifest: unknown): boolean {
  try {
    validateManifest(manifest);
    return true;
  } catch {
    return false;
  }
}

/** The JSON paths ajv reports, written like validateManifest writes them. */
function schemaPaths(manifest: unknown): string[] {
  if (schemaAccepts(manifest)) return [];
  return (schemaAccepts.errors ?? []).map((error) => {
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
    // a missing key, or a key that breaks propertyNames (named by the rule or its parts)
    const key: unknown =
      error.params.missingProperty ?? error.params.propertyName ?? error.propertyName;
    if (typeof key === 'string') path.push(key);
    return path.length === 0 ? '(root)' : path.join('.');
  });
}

function validatorPaths(manifest: unknown): string[] {
  try {
    validateManifest(manifest);
    return [];
  } catch (error) {
    return getManifestIssues(error).map((issue) => issue.path);
  }
}

const base = { name: 'my-plugin', version: '1.0.0', entryPoint: './dist/index.js', meta: {} };
const without = (key: keyof typeof base): Record<string, unknown> =>
  Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));

const good: unknown[] = [
  base,
  without('meta'),
  { ...base, name: '@scope/plugin.x_y-z' },
  { ...base, name: 'x'.repeat(214) },
  { ...base, version: '1.2.3-beta.1+build.5' },
  { ...base, entryPoint: 'dist/index.js' },
  { ...base, entryPoint: './a/..b/c.js' },
  { ...base, description: 'Says hi' },
  { ...base, engines: {} },
  { ...base, engines: { host: '^1.0.0', node: 20 } },
  { ...base, meta: { a: [1, { b: null }] } },
  { ...base, $schema: './schema.json' },
  { ...base, pluginDependencies: {}, optionalPluginDependencies: {} },
  {
    ...base,
    pluginDependencies: { 'other-plugin': '^1.2.0', '@acme/x.y': '>=1 <3', '1': '*' },
    optionalPluginDependencies: { tools: '1.x', ['x'.repeat(214)]: '' },
  },
];

/** The keys validateManifest knows; the others it keeps without checking them. */
const KNOWN = new Set([
  'name',
  'version',
  'entryPoint',
  'meta',
  'description',
  'engines',
  'pluginDependencies',
  'optionalPluginDependencies',
]);

const DEPENDENCY_FIELDS = ['pluginDependencies', 'optionalPluginDependencies'] as const;

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The paths validateManifest reports beyond the JSON Schema: ranges semver
 * refuses, a plugin naming itself, a name in both fields.
 */
function pathsBeyondSchema(value: Record<string, unknown>): string[] {
  const paths: string[] = [];
  const host = isMap(value.engines) ? value.engines.host : undefined;
  if (typeof host === 'string' && validRange(host) === null) paths.push('engines.host');
  for (const field of DEPENDENCY_FIELDS) {
    const map = value[field];
    if (!isMap(map)) continue;
    for (const [key, range] of Object.entries(map)) {
      const other = field === 'optionalPluginDependencies' ? value.pluginDependencies : undefined;
      const twice = isMap(other) && Object.hasOwn(other, key);
      const badRange = typeof range === 'string' && validRange(range) === null;
      if (badRange || key === value.name || twice) paths.push(`${field}.${key}`);
    }
  }
  return paths;
}

/** A manifest without the keys validateManifest does not check. */
function knownKeysOf(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => KNOWN.has(key)));
}

const bad: unknown[] = [
  null,
  [],
  'manifest',
  42,
  {},
  without('name'),
  without('version'),
  without('entryPoint'),
  { ...base, name: 'MyPlugin' },
  { ...base, name: '.hidden' },
  { ...base, name: '_private' },
  { ...base, name: 'x'.repeat(215) },
  { ...base, name: '' },
  { ...base, name: '@scope/' },
  { ...base, name: 'a b' },
  { ...base, name: 7 },
  { ...base, version: '1.0' },
  { ...base, version: 'v1.0.0' },
  { ...base, version: '01.0.0' },
  { ...base, version: '1.0.0-01' },
  { ...base, entryPoint: '' },
  { ...base, entryPoint: '../x.js' },
  { ...base, entryPoint: './a/../b.js' },
  { ...base, entryPoint: '/abs.js' },
  { ...base, entryPoint: 'C:\\x.js' },
  { ...base, entryPoint: 'C:x.js' },
  { ...base, entryPoint: '\\\\server\\share\\x.js' },
  { ...base, entryPoint: '//server/share/x.js' },
  { ...base, entryPoint: 'dist\\index.js' },
  { ...base, entryPoint: 'dist/\u0000.js' },
  { ...base, entryPoint: 'a\n/../b.js' },
  { ...base, meta: [] },
  { ...base, meta: null },
  { ...base, meta: 'x' },
  { ...base, description: 1 },
  { ...base, engines: [] },
  { ...base, engines: 'x' },
  { ...base, engines: { host: 1 } },
  { ...base, pluginDependencies: [] },
  { ...base, pluginDependencies: 'other-plugin' },
  { ...base, pluginDependencies: { 'Other-Plugin': '^1.0.0' } },
  { ...base, pluginDependencies: { _other: '^1.0.0' } },
  { ...base, pluginDependencies: { '': '^1.0.0' } },
  { ...base, pluginDependencies: { ['x'.repeat(215)]: '^1.0.0' } },
  { ...base, optionalPluginDependencies: { 'a b': '^1.0.0' } },
  { ...base, optionalPluginDependencies: { other: 1 } },
  { ...base, optionalPluginDependencies: { other: null } },
  JSON.parse(
    '{"name":"p","version":"1.0.0","entryPoint":"a.js","pluginDependencies":{"__proto__":"^1.0.0"}}',
  ),
];

describe('manifestJsonSchema', () => {
  it('is a draft 2020-12 schema with an id, a title and help for each property', () => {
    expect(manifestJsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(manifestJsonSchema.$id).toBe('urn:augment:plugin-manifest:1');
    expect(manifestJsonSchema.title).toBeTypeOf('string');
    expect(manifestJsonSchema.description).toBeTypeOf('string');
    const properties = manifestJsonSchema.properties ?? {};
    expect(Object.keys(properties).sort()).toEqual(
      [
        '$schema',
        'description',
        'engines',
        'entryPoint',
        'meta',
        'name',
        'version',
        'pluginDependencies',
        'optionalPluginDependencies',
      ].sort(),
    );
    for (const property of Object.values(properties)) {
      expect(property).toHaveProperty('description');
    }
    for (const field of DEPENDENCY_FIELDS) {
      expect(properties[field]).toMatchObject({
        type: 'object',
        description: expect.stringContaining('not an npm package') as unknown,
        propertyNames: { maxLength: 214, description: expect.any(String) as unknown },
        additionalProperties: { type: 'string', description: expect.any(String) as unknown },
      });
    }
    expect(Object.isFrozen(manifestJsonSchema)).toBe(true);
  });

  it.each(good)('accepts %j like validateManifest does', (manifest) => {
    expect(validatorAccepts(manifest)).toBe(true);
    expect(schemaAccepts(manifest)).toBe(true);
  });

  it.each(bad)('rejects %j like validateManifest does', (manifest) => {
    expect(validatorAccepts(manifest)).toBe(false);
    expect(schemaAccepts(manifest)).toBe(false);
  });

  it('leaves the semver range check of engines.host to validateManifest (documented)', () => {
    const manifest = { ...base, engines: { host: 'not a range' } };
    expect(schemaAccepts(manifest)).toBe(true);
    expect(validatorAccepts(manifest)).toBe(false);
  });

  it('leaves range checks and the rules across fields of the dependencies to validateManifest (documented)', () => {
    for (const manifest of [
      { ...base, pluginDependencies: { other: 'latest' } },
      { ...base, optionalPluginDependencies: { other: '1.2.3.4' } },
      { ...base, pluginDependencies: { 'my-plugin': '^1.0.0' } },
      { ...base, optionalPluginDependencies: { 'my-plugin': '^1.0.0' } },
      { ...base, pluginDependencies: { other: '1' }, optionalPluginDependencies: { other: '2' } },
    ]) {
      expect(schemaAccepts(manifest)).toBe(true);
      expect(validatorAccepts(manifest)).toBe(false);
    }
  });

  it('flags unknown top-level keys for editors, which validateManifest keeps (forward compatibility)', () => {
    for (const extra of [{ descripton: 'typo' }, { anything: [null] }, { hooks: {} }]) {
      const manifest = { ...base, ...extra };
      expect(schemaAccepts(manifest)).toBe(false);
      expect(schemaAccepts.errors?.[0]).toMatchObject({
        keyword: 'additionalProperties',
        params: { additionalProperty: Object.keys(extra)[0] },
      });
      expect(validateManifest(manifest)).toMatchObject(extra);
    }
    expect(schemaAccepts({ ...base, $schema: 5 })).toBe(false);
    expect(manifestJsonSchema.additionalProperties).toBe(false);
  });

  it('agrees with validateManifest on arbitrary manifests, on the keys it checks', () => {
    const manifest = manifestArbitrary().map(knownKeysOf);
    fc.assert(
      fc.property(manifest, fc.boolean(), (generated, viaJson) => {
        // a manifest read from disk is what JSON.parse returns (a "__proto__" key is an own key)
        const value = viaJson
          ? (JSON.parse(JSON.stringify(generated)) as Record<string, unknown>)
          : generated;
        const beyond = pathsBeyondSchema(value);
        expect(validatorAccepts(value)).toBe(schemaAccepts(value) && beyond.length === 0);
        // Both name the same fields (the checks beyond the schema aside).
        const expected = new Set([...schemaPaths(value), ...beyond]);
        expect(new Set(validatorPaths(value))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('unknown top-level keys at run time', () => {
  it('a PluginHost loads a plugin whose manifest has keys the schema flags', async () => {
    const root = await makeTempDir('manifest-extra');
    try {
      const manifest = { $schema: './schema.json', hooks: { onInstall: 'x' }, descripton: 'typo' };
      await writeFiles(root, inFolder('future', esmPlugin('future', undefined, { manifest })));
      expect(schemaAccepts({ ...base, ...manifest })).toBe(false);
      await using host = new PluginHost({
        folder: root,
        validator: (p: unknown): p is unknown => p !== undefined,
        logger: false,
      });
      const report = await host.reload();
      expect(report.failed).toEqual([]);
      expect(host.get('future')?.manifest).toMatchObject({ hooks: { onInstall: 'x' } });
    } finally {
      await removeDir(root);
    }
  });
});
