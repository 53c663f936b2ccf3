import { createRequire } from 'node:module';
import { getManifestJsonSchema, type ManifestJsonSchema } from '@augment/core';
import { distance } from 'fastest-levenshtein';
import type { JsonLocations } from './json-locations.js';

let known: readonly string[] | undefined;

/**
 * The top-level keys of `plugin.manifest.json`, from core's JSON Schema (the
 * schema editors use): `$schema`, `name`, `version`, `entryPoint`, ... Read
 * on the first call from the schema file core's build writes: generating the
 * schema instead loads zod, which a manifest core's fast path accepts never
 * needs (about 5 ms of a 220 ms `augment build --no-typecheck`; most of the
 * work ran beside esbuild).
 */
export function knownManifestKeys(): readonly string[] {
  known ??= Object.keys(publishedSchema().properties ?? {});
  return known;
}

/** Core's published schema file, or the schema generated when the file cannot be read. */
function publishedSchema(): ManifestJsonSchema {
  try {
    const require = createRequire(import.meta.url);
    const schema: unknown = require('@augment/core/plugin.manifest.schema.json');
    if (typeof schema === 'object' && schema !== null && 'properties' in schema) {
      return schema as ManifestJsonSchema;
    }
  } catch {
    // generated below
  }
  return getManifestJsonSchema();
}

/**
 * The known key a mistyped one most likely meant, as tsc suggests names: at
 * most a third of its length (and at least 2) edits away, letter case aside;
 * undefined when none is that close.
 *
 * @param key - the unknown key
 * @param known - the keys to choose from
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(key.length * 0.34));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    if (Math.abs(candidate.length - key.length) > limit) continue;
    const edits =
      candidate.toLowerCase() === key.toLowerCase()
        ? 0.5
        : distance(key.toLowerCase(), candidate.toLowerCase());
    if (edits <= limit && edits < bestDistance) {
      best = candidate;
      bestDistance = edits;
    }
  }
  return best;
}

/**
 * One problem line per top-level key core's schema does not define:
 * `plugin.manifest.json:6:3: descripton: unknown key; did you mean "description"?`
 *
 * @param json - the parsed manifest
 * @param locations - where its keys are
 * @param label - the file name the lines start with
 */
export function unknownKeyProblems(
  json: unknown,
  locations: JsonLocations,
  label: string,
): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const known = knownManifestKeys();
  return Object.keys(json)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const nearest = nearestKey(key, known);
      const hint =
        nearest === undefined
          ? `the keys are ${known.map((k) => `"${k}"`).join(', ')}`
          : `did you mean "${nearest}"?`;
      return `${locations.label(label, [key], 'key')}: ${key}: unknown key; ${hint}`;
    });
}
