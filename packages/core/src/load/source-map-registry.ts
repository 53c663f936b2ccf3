import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readLimitedSync } from '../util/read-limited.js';

/**
 * The source maps of loaded plugins, by generated file, read only when a
 * stack trace needs one.
 *
 * Loading a plugin records its entry file and the path of its map (two
 * strings): nothing is read or parsed then. The first stack trace with a
 * frame in that file reads and parses the map (Node's `SourceMap`), which is
 * then kept for the next traces. Registering the file again (the plugin was
 * reloaded) drops the parsed map, so frames map through the new version's.
 *
 * The registry lives on `globalThis` under a registered symbol, shared by
 * every copy of `@augment/core` in the process (the ESM and the CJS build, or
 * two versions), like the loader state. Fields are only ever added.
 */
export interface SourceMapRegistry {
  /** Map path of each registered generated file (a real path). */
  readonly files: Map<string, string>;
  /** Parsed maps by generated file; `null` for a map that could not be read or parsed. */
  readonly parsed: Map<string, SourceMap | null>;
  /** Whether the stack-trace hook is installed in this process. */
  hookInstalled: boolean;
}

/**
 * The largest map read (64 MiB): it is read synchronously, while a stack is
 * formatted. A map that is not a regular file (a FIFO swapped in) is not read.
 */
const MAX_MAP_BYTES = 64 * 1024 * 1024;

/** Parsed maps kept at most: the oldest parsed goes first beyond this. */
const MAX_PARSED = 64;

const REGISTRY_KEY = Symbol.for('augment.sourceMaps');

/** Returns the process-wide registry, creating it on first use. */
export function getSourceMapRegistry(): SourceMapRegistry {
  const store = globalThis as unknown as Record<symbol, unknown>;
  const existing = store[REGISTRY_KEY];
  if (typeof existing === 'object' && existing !== null) return existing as SourceMapRegistry;
  const registry: SourceMapRegistry = { files: new Map(), parsed: new Map(), hookInstalled: false };
  Object.defineProperty(store, REGISTRY_KEY, { value: registry, enumerable: false });
  return registry;
}

/**
 * The registered generated file a stack frame's file name stands for: a
 * CommonJS frame gives the path, an ES module frame its `file:` URL, with
 * the cache-busting query of a fresh import.
 *
 * @returns the registered path, or undefined when the frame is not from one
 */
export function registeredFileOf(
  registry: SourceMapRegistry,
  fileName: string,
): string | undefined {
  if (registry.files.has(fileName)) return fileName;
  if (!fileName.startsWith('file:')) return undefined;
  const end = fileName.search(/[?#]/);
  let path: string;
  try {
    path = fileURLToPath(end === -1 ? fileName : fileName.slice(0, end));
  } catch {
    return undefined;
  }
  return registry.files.has(path) ? path : undefined;
}

/**
 * The parsed map of a registered file, read and parsed on first use. Never
 * throws: a map that is missing, unreadable or malformed gives undefined
 * (and is not tried again until the file is registered again).
 */
export function sourceMapOf(registry: SourceMapRegistry, file: string): SourceMap | undefined {
  const cached = registry.parsed.get(file);
  if (cached !== undefined) return cached ?? undefined;
  const mapPath = registry.files.get(file);
  const map = mapPath === undefined ? null : readSourceMap(mapPath);
  if (registry.parsed.size >= MAX_PARSED) {
    const oldest = registry.parsed.keys().next();
    if (oldest.done !== true) registry.parsed.delete(oldest.value);
  }
  registry.parsed.set(file, map);
  return map ?? undefined;
}

/**
 * Reads a map file and resolves its `sources` against the map's own URL
 * (and `sourceRoot`), as Node does for the maps it caches.
 */
function readSourceMap(mapPath: string): SourceMap | null {
  try {
    const payload: unknown = JSON.parse(readLimitedSync(mapPath, MAX_MAP_BYTES));
    if (!isObject(payload)) return null;
    const base = pathToFileURL(mapPath).href;
    const absolute = Array.isArray(payload['sections'])
      ? {
          ...payload,
          sections: payload['sections'].map((section: unknown) =>
            isObject(section) && isObject(section['map'])
              ? { ...section, map: withAbsoluteSources(section['map'], base) }
              : section,
          ),
        }
      : withAbsoluteSources(payload, base);
    return new SourceMap(absolute as unknown as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return null;
  }
}

function withAbsoluteSources(
  payload: Record<string, unknown>,
  base: string,
): Record<string, unknown> {
  const sources = payload['sources'];
  if (!Array.isArray(sources)) return payload;
  const root = typeof payload['sourceRoot'] === 'string' ? payload['sourceRoot'] : '';
  return {
    ...payload,
    sourceRoot: '',
    sources: sources.map((source: unknown) =>
      typeof source === 'string' ? resolveSource(root + source, base) : source,
    ),
  };
}

function resolveSource(source: string, base: string): string {
  try {
    return new URL(source, base).href;
  } catch {
    return source;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
