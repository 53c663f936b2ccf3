import { getManifestJsonSchema } from '@augment/core';
import { distance } from 'fastest-levenshtein';
import type { JsonLocations } from './json-locations.js';

/**
 * The top-level keys of `plugin.manifest.json`, from core's JSON Schema (the
 * schema editors use): `$schema`, `name`, `version`, `entryPoint`, … Built on
 * the first call.
 */
export function knownManifestKeys(): readonly string[] {
  return Object.keys(getManifestJsonSchema().properties ?? {});
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
