import validRange from 'semver/ranges/valid.js';
import { DEPENDENCY_FIELDS, crossFieldIssues } from './plugin-dependencies.js';
import { isPluginName } from './plugin-name.js';
import { NO_CONTROL_CHARACTERS, NO_DOTDOT_SEGMENT, SEMVER_PATTERN } from './schema.js';
import type { Manifest } from '../types.js';

/** The keys of the schema, in the order its output lists them. */
const KNOWN_KEYS = new Set([
  'name',
  'version',
  'entryPoint',
  'meta',
  'description',
  'engines',
  ...DEPENDENCY_FIELDS,
]);

/**
 * The manifest the zod schema would return for `json`, computed by hand for
 * the common case, or `undefined` whenever this function is not certain: then
 * the caller asks the schema, which also explains what is wrong.
 *
 * Why: building the schema and its first parse cost several milliseconds
 * (about a tenth of a cold load of 100 plugins) and each parse tens of
 * microseconds; a well-formed manifest needs a few regular-expression tests.
 * The rules are the schema's own patterns, imported from it, and a property
 * test checks that every manifest accepted here is accepted there with an
 * equal result (same keys in the same order, same values).
 *
 * The dependency fields are checked here too (the same name rules, the same
 * `semver.validRange`, the same `crossFieldIssues`), so that a folder of
 * plugins that depend on each other stays on this path.
 *
 * Left to the schema: anything but a plain object, `engines`, `__proto__`
 * keys, symbol or non-enumerable keys, a known key present with the value
 * `undefined`, and every invalid value.
 *
 * @param json - the parsed contents of `plugin.manifest.json`, any value
 */
export function fastManifest(json: unknown): Manifest | undefined {
  try {
    return check(json);
  } catch {
    // a getter or proxy that throws: the schema reports it
    return undefined;
  }
}

function check(json: unknown): Manifest | undefined {
  if (!isPlainRecord(json) || Object.hasOwn(json, 'engines')) return undefined;
  const { name, version, entryPoint, meta, description } = json;
  if (typeof name !== 'string' || !isPluginName(name)) return undefined;
  if (typeof version !== 'string' || !SEMVER_PATTERN.test(version)) return undefined;
  if (typeof entryPoint !== 'string' || !isSafeEntryPoint(entryPoint)) return undefined;
  let metaCopy: Record<string, unknown>;
  if (!Object.hasOwn(json, 'meta')) metaCopy = {};
  else if (isPlainRecord(meta)) metaCopy = { ...meta };
  else return undefined;
  const hasDescription = Object.hasOwn(json, 'description');
  if (hasDescription && typeof description !== 'string') return undefined;

  const manifest: Record<string, unknown> = { name, version, entryPoint, meta: metaCopy };
  if (hasDescription) manifest['description'] = description;
  for (const field of DEPENDENCY_FIELDS) {
    if (!Object.hasOwn(json, field)) continue;
    const dependencies = copyDependencies(json[field]);
    if (dependencies === undefined) return undefined;
    manifest[field] = dependencies;
  }
  if (crossFieldIssues(json).length > 0) return undefined;
  for (const key of Object.keys(json)) {
    if (!KNOWN_KEYS.has(key)) manifest[key] = json[key];
  }
  return manifest as unknown as Manifest;
}

/** A copy of a dependency field when every key is a plugin name and every value a range. */
function copyDependencies(value: unknown): Record<string, string> | undefined {
  if (!isPlainRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    const range = value[key];
    if (!isPluginName(key) || typeof range !== 'string' || !isRange(range)) return undefined;
  }
  // a spread keeps the key order, and copies a JSON.parse object fastest
  return { ...value } as Record<string, string>;
}

/** Ranges `semver.validRange` accepted: most plugins repeat a few (`^1.0.0`). */
const validRanges = new Set<string>();

function isRange(range: string): boolean {
  if (validRanges.has(range)) return true;
  if (validRange(range) === null) return false;
  if (validRanges.size >= 1000) validRanges.clear();
  validRanges.add(range);
  return true;
}

function isSafeEntryPoint(entryPoint: string): boolean {
  return (
    entryPoint.length > 0 &&
    NO_CONTROL_CHARACTERS.test(entryPoint) &&
    !/^[/\\]/u.test(entryPoint) &&
    !/^[A-Za-z]:/u.test(entryPoint) &&
    NO_DOTDOT_SEGMENT.test(entryPoint) &&
    !entryPoint.includes('\\')
  );
}

/**
 * An object with `Object.prototype` as its prototype, no `__proto__` own key,
 * and only enumerable string keys: what `JSON.parse` returns for `{…}`.
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  if (Object.hasOwn(value, '__proto__')) return false;
  const keys = Reflect.ownKeys(value);
  if (keys.length !== Object.keys(value).length) return false;
  return true;
}
