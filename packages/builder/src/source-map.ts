import { relative, resolve, sep } from 'node:path';

/** The URL scheme of the sources in a built plugin's map. */
export const SOURCE_SCHEME = 'augment-plugin';

/** Which plugin a map belongs to, and where it was built. */
export interface MapOwner {
  /** The project root: sources are named relative to it. */
  readonly projectDir: string;
  /** The folder the map is written to (esbuild names sources relative to it). */
  readonly distDir: string;
  /** The manifest's `name` and `version`. */
  readonly name: string;
  readonly version: string;
}

/**
 * The URL a source is named by in a built plugin's map:
 * `augment-plugin:///<name>@<version>/<path in the project>`, for example
 * `augment-plugin:///@acme/greeter@1.2.0/src/explode.ts`. A map names its
 * sources relative to itself (`../src/explode.ts`), which points nowhere once
 * `dist/` is copied into a host's folder or shipped as a zip; this URL stays
 * true wherever the plugin goes and tells the plugins apart in a stack trace.
 * The name goes in the path (the host part stays empty) so that a scoped name
 * survives URL parsing. A file outside the project (a dependency hoisted in a
 * monorepo) is named from its `node_modules/…` part.
 *
 * @param source - a source as esbuild names it, relative to `owner.distDir`
 * @param owner - the plugin and its folders
 */
export function sourceUrl(source: string, owner: MapOwner): string {
  const path = relative(owner.projectDir, resolve(owner.distDir, source)).split(sep);
  while (path[0] === '..') path.shift();
  return `${SOURCE_SCHEME}:///${owner.name}@${owner.version}/${path.join('/')}`;
}

/**
 * Renames every source of a map to its {@link sourceUrl}; `sourcesContent`
 * and the mappings are kept as they are.
 *
 * @param map - the map file's bytes
 * @param owner - the plugin and its folders
 * @returns the new map file's bytes (the input when it is not a v3 map)
 */
export function nameMapSources(map: Uint8Array, owner: MapOwner): Uint8Array {
  const json = parseMap(map);
  const sources = json?.['sources'];
  if (json === undefined || !Array.isArray(sources)) return map;
  const named = sources.map((source: unknown) =>
    typeof source === 'string' ? sourceUrl(source, owner) : source,
  );
  const renamed: Record<string, unknown> = { ...json, sources: named };
  delete renamed['sourceRoot'];
  return Buffer.from(JSON.stringify(renamed), 'utf8');
}

/**
 * Adds `count` empty generated lines before line `at` (0-based) of a v3
 * map's `mappings`. Exact: a segment's source, line and name fields are
 * relative to the previous segment whatever line it is on, and its column
 * restarts on each line, so an empty line changes no other segment.
 *
 * @param mappings - the `mappings` string
 * @param at - the generated line the new lines go before
 * @param count - how many lines were added
 */
export function insertMappingLines(mappings: string, at: number, count: number): string {
  const lines = mappings.split(';');
  while (lines.length < at) lines.push('');
  lines.splice(at, 0, ...Array.from({ length: count }, () => ''));
  return lines.join(';');
}

function parseMap(map: Uint8Array): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(Buffer.from(map).toString('utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
