const EMPTY: Readonly<Record<string, string>> = Object.freeze(
  Object.create(null) as Record<string, string>,
);

/**
 * A manifest's `pluginDependencies` or `optionalPluginDependencies` as a
 * frozen name-to-range map without a prototype. The manifest schema has
 * checked it; anything else (a manifest from a source that skipped the
 * schema) counts as no dependencies rather than as keys of a string.
 *
 * @param value - the field as the manifest has it
 */
export function dependencyMap(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return EMPTY;
  const map = Object.create(null) as Record<string, string>;
  for (const [name, range] of Object.entries(value)) {
    if (typeof range === 'string') map[name] = range;
  }
  return Object.freeze(map);
}
