import validRange from 'semver/ranges/valid.js';
import * as z from 'zod/mini';
import { pluginNameChecks } from './plugin-name.js';

/** The two manifest fields that name other plugins, in the order the schema lists them. */
export const DEPENDENCY_FIELDS = ['pluginDependencies', 'optionalPluginDependencies'] as const;

/** One of {@link DEPENDENCY_FIELDS}. */
export type DependencyField = (typeof DEPENDENCY_FIELDS)[number];

/** A problem of a rule that spans fields, as zod would report it. */
export interface CrossFieldIssue {
  /** From the manifest's root: `['pluginDependencies', 'other-plugin']`. */
  readonly path: readonly [DependencyField, string];
  /** What is wrong, naming the key, then what to do. */
  readonly message: string;
}

const DESCRIPTIONS: Readonly<Record<DependencyField, string>> = {
  pluginDependencies:
    'Plugins this one needs, each a plugin name (the "name" in that plugin\'s plugin.manifest.json, not an npm package) mapped to a semver range of its versions. The plugin is loaded after them, and not at all without them.',
  optionalPluginDependencies:
    'Plugins this one uses when they are there, each a plugin name (the "name" in that plugin\'s plugin.manifest.json, not an npm package) mapped to a semver range of its versions. Loaded before it when present; when missing or failed, they are left out.',
};

const keyOf = (path: readonly PropertyKey[]): string => JSON.stringify(String(path.at(-1) ?? ''));

/**
 * The zod schema of one dependency field: an object mapping plugin names
 * (the rules of `name`) to semver ranges (`semver.validRange` must accept
 * them, as for `engines.host`). Keys keep their order. A `__proto__` key is
 * skipped by zod: {@link crossFieldIssues} reports it.
 */
export function createDependenciesSchema(field: DependencyField) {
  const name = z.string().check(...pluginNameChecks());
  z.globalRegistry.add(name, {
    description: 'A plugin name: the "name" in the other plugin\'s manifest, not an npm package.',
  });
  const range = z
    .string({
      error: (issue) => `the range of ${keyOf(issue.path ?? [])} must be a string like "^1.0.0"`,
    })
    .check(
      z.refine((value: string) => validRange(value) !== null, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} (for ${keyOf(issue.path ?? [])}) is not a semver range: use one like "^1.2.0", ">=1 <3", "1.x" or "*"`,
      }),
    );
  z.globalRegistry.add(range, {
    description: 'A semver range of the versions of that plugin this one works with.',
    examples: ['^1.2.0', '>=1 <3', '*'],
  });
  const schema = z.optional(
    z.record(name, range, {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? `${JSON.stringify(issue.input)} is not a valid plugin name: it ${issue.issues?.[0]?.message ?? 'breaks the rules of "name"'}`
          : `must be an object mapping plugin names to semver ranges, like {"other-plugin": "^1.0.0"} ({} for none)`,
    }),
  );
  z.globalRegistry.add(schema, {
    description: DESCRIPTIONS[field],
    examples: [{ 'other-plugin': '^1.2.0', '@acme/tools': '>=1 <3' }],
  });
  return schema;
}

/**
 * The dependency rules zod cannot see: a plugin may not depend on itself,
 * a name may not be in both fields, and a `__proto__` key (an own key of
 * what `JSON.parse` returns; zod skips it) is not a plugin name. Pure; reads
 * only own enumerable keys (a proxy that throws is the caller's to catch).
 *
 * @param json - the parsed manifest, any value
 */
export function crossFieldIssues(json: unknown): CrossFieldIssue[] {
  if (!isObject(json)) return [];
  const name: unknown = Reflect.get(json, 'name');
  const [required, optional] = DEPENDENCY_FIELDS.map((field) => {
    const value: unknown = Object.hasOwn(json, field) ? Reflect.get(json, field) : undefined;
    return isObject(value) ? value : undefined;
  });
  const issues: CrossFieldIssue[] = [];
  DEPENDENCY_FIELDS.forEach((field, index) => {
    const map = index === 0 ? required : optional;
    if (map === undefined) return;
    for (const key of Object.keys(map)) {
      const quoted = JSON.stringify(key);
      if (key === '__proto__') {
        issues.push({
          path: [field, key],
          message: `${quoted} is not a valid plugin name: it must not start with "." or "_"`,
        });
      } else if (key === name) {
        issues.push({
          path: [field, key],
          message: `${quoted} is this plugin's own name: a plugin cannot depend on itself; remove it`,
        });
      } else if (index === 1 && required !== undefined && Object.hasOwn(required, key)) {
        issues.push({
          path: [field, key],
          message: `${quoted} is also in pluginDependencies: list it in one of them (pluginDependencies if the plugin needs it, optionalPluginDependencies if not)`,
        });
      }
    }
  });
  return issues;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
