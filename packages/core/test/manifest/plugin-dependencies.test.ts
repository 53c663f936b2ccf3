// The manifest fields pluginDependencies and optionalPluginDependencies:
// plugin names mapped to semver ranges, checked with every other manifest rule.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { getManifestIssues, parseManifest, validateManifest } from '../../src/manifest/manifest.js';

const base = { name: 'my-plugin', version: '1.0.0', entryPoint: './dist/index.js' };

/** The issues validateManifest throws for `json`, or fails the test when it returns. */
function issuesOf(json: unknown) {
  try {
    validateManifest(json);
  } catch (error) {
    expect(error).toMatchObject({ code: ERROR_CODES.MANIFEST_INVALID });
    return getManifestIssues(error);
  }
  throw new Error(`validateManifest accepted ${JSON.stringify(json)}`);
}

describe('plugin dependency fields', () => {
  it('accepts plugin names mapped to semver ranges, keeping their order, in a new object', () => {
    const pluginDependencies = { 'zeta-plugin': '^1.2.0', '@acme/x.y': '>=1 <3', alpha: '*' };
    const optionalPluginDependencies = { tools: '1.x', extra: '' };
    const json = { ...base, pluginDependencies, optionalPluginDependencies };
    const manifest = validateManifest(json);
    expect(manifest.pluginDependencies).toEqual(pluginDependencies);
    expect(Object.keys(manifest.pluginDependencies ?? {})).toEqual(Object.keys(pluginDependencies));
    expect(manifest.pluginDependencies).not.toBe(pluginDependencies);
    expect(manifest.optionalPluginDependencies).toEqual(optionalPluginDependencies);
  });

  it('accepts empty objects, and manifests without the fields', () => {
    const empty = validateManifest({
      ...base,
      pluginDependencies: {},
      optionalPluginDependencies: {},
    });
    expect(empty).toMatchObject({ pluginDependencies: {}, optionalPluginDependencies: {} });
    expect(validateManifest(base)).not.toHaveProperty('pluginDependencies');
  });

  it('names the key of each broken name, at the key', () => {
    const issues = issuesOf({
      ...base,
      pluginDependencies: { 'Other-Plugin': '^1.0.0', _private: '1', '@acme/': '1' },
      optionalPluginDependencies: { ['x'.repeat(215)]: '1', '': '1' },
    });
    expect(issues.map((issue) => [issue.segments, issue.part])).toEqual([
      [['pluginDependencies', 'Other-Plugin'], 'key'],
      [['pluginDependencies', '_private'], 'key'],
      [['pluginDependencies', '@acme/'], 'key'],
      [['optionalPluginDependencies', 'x'.repeat(215)], 'key'],
      [['optionalPluginDependencies', ''], 'key'],
    ]);
    expect(issues[0]?.message).toMatch(/"Other-Plugin" is not a valid plugin name.*lower-case/u);
    expect(issues[1]?.message).toMatch(/"_private" .*must not start with "\." or "_"/u);
    expect(issues[4]?.message).toMatch(/"" .*must not be empty/u);
  });

  it('names the key of each value that is not a semver range, at the value', () => {
    const issues = issuesOf({
      ...base,
      pluginDependencies: { '@acme/x.y': 'latest', other: 2 },
    });
    expect(issues.map((issue) => [issue.segments, issue.part])).toEqual([
      [['pluginDependencies', '@acme/x.y'], 'value'],
      [['pluginDependencies', 'other'], 'value'],
    ]);
    expect(issues[0]?.path).toBe('pluginDependencies.@acme/x.y');
    expect(issues[0]?.message).toMatch(/"latest" \(for "@acme\/x\.y"\) is not a semver range/u);
    expect(issues[1]?.message).toMatch(/range of "other" must be a string/u);
  });

  it('refuses a field that is not an object', () => {
    for (const value of [[], 'other-plugin', null, 1]) {
      const issues = issuesOf({ ...base, optionalPluginDependencies: value });
      expect(issues).toEqual([
        expect.objectContaining({
          path: 'optionalPluginDependencies',
          message: expect.stringContaining('must be an object mapping plugin names') as unknown,
        }),
      ]);
    }
  });

  it('refuses a plugin that depends on itself, in either field', () => {
    for (const field of ['pluginDependencies', 'optionalPluginDependencies']) {
      const issues = issuesOf({ ...base, [field]: { other: '1', 'my-plugin': '^1.0.0' } });
      expect(issues).toEqual([
        {
          path: `${field}.my-plugin`,
          segments: [field, 'my-plugin'],
          part: 'key',
          message: expect.stringMatching(/"my-plugin" is this plugin's own name/u) as unknown,
        },
      ]);
    }
  });

  it('refuses a name in both fields, at the optional one', () => {
    const issues = issuesOf({
      ...base,
      pluginDependencies: { other: '^1.0.0' },
      optionalPluginDependencies: { other: '^1.0.0' },
    });
    expect(issues).toEqual([
      expect.objectContaining({ segments: ['optionalPluginDependencies', 'other'], part: 'key' }),
    ]);
    expect(issues[0]?.message).toMatch(/"other" is also in pluginDependencies.*one of them/u);
  });

  it('reports every problem at once, with the other fields', () => {
    const issues = issuesOf({
      ...base,
      version: 'v1',
      pluginDependencies: { 'my-plugin': '1', Bad: '1', good: 'x y' },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'version',
        'pluginDependencies.Bad',
        'pluginDependencies.good',
        'pluginDependencies.my-plugin',
      ].sort(),
    );
  });

  it('refuses a "__proto__" key from JSON.parse, without changing any prototype', () => {
    const text = `{"name":"p","version":"1.0.0","entryPoint":"./a.js","pluginDependencies":{"__proto__":"^1.0.0","ok":"1"},"optionalPluginDependencies":{"__proto__":{"polluted":true}}}`;
    let error: unknown;
    try {
      parseManifest(text, 'plugin.manifest.json');
    } catch (caught) {
      error = caught;
    }
    expect(getManifestIssues(error)).toEqual([
      expect.objectContaining({ segments: ['pluginDependencies', '__proto__'], part: 'key' }),
      expect.objectContaining({
        segments: ['optionalPluginDependencies', '__proto__'],
        part: 'key',
      }),
    ]);
    expect((error as Error).message).toContain('"__proto__" is not a valid plugin name');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
