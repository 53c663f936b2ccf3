import { findSourceMap, type SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { registeredFileOf, sourceMapOf, type SourceMapRegistry } from './source-map-registry.js';

type CallSite = NodeJS.CallSite;

/** Where a frame was in the original source (1-based line and column). */
interface OriginalPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The trace with the frames of registered plugin files mapped to their
 * original sources; other frames are the same objects. Never throws: a frame
 * that cannot be mapped stays as it is.
 */
export function mapCallSites(registry: SourceMapRegistry, trace: CallSite[]): CallSite[] {
  let mapped: CallSite[] | undefined;
  for (let index = 0; index < trace.length; index += 1) {
    const site = mapCallSite(registry, trace, index);
    if (site === undefined) continue;
    mapped ??= [...trace];
    mapped[index] = site;
  }
  return mapped ?? trace;
}

function mapCallSite(
  registry: SourceMapRegistry,
  trace: CallSite[],
  index: number,
): CallSite | undefined {
  try {
    const site = trace[index];
    const fileName = site?.getFileName();
    if (site === undefined || typeof fileName !== 'string') return undefined;
    const file = registeredFileOf(registry, fileName);
    // Node maps the files it holds a map for itself (process-wide source maps on)
    if (file === undefined || nodeMapsFile(fileName)) return undefined;
    const map = sourceMapOf(registry, file);
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (map === undefined || line === null || column === null) return undefined;
    const original = originalPosition(map, line, column);
    if (original === undefined) return undefined;
    const text = describeSite(
      site,
      fileName,
      line,
      column,
      original,
      symbolName(map, trace, index),
    );
    return text === undefined ? undefined : wrapCallSite(site, original, text);
  } catch {
    return undefined;
  }
}

function nodeMapsFile(fileName: string): boolean {
  return process.sourceMapsEnabled && findSourceMap(fileName) !== undefined;
}

function originalPosition(
  map: SourceMap,
  line: number,
  column: number,
): OriginalPosition | undefined {
  const entry = map.findEntry(line - 1, column - 1) as Record<string, unknown>;
  const source = entry['originalSource'];
  const originalLine = entry['originalLine'];
  const originalColumn = entry['originalColumn'];
  if (typeof source !== 'string' || typeof originalLine !== 'number') return undefined;
  if (typeof originalColumn !== 'number') return undefined;
  const file = source.startsWith('file:') ? fileURLToPath(source) : source;
  return { file, line: originalLine + 1, column: originalColumn + 1 };
}

/**
 * The original name of the frame's function, as Node finds it: the name the
 * map gives the function's start, else the name at the call in the next
 * frame of the same file.
 */
function symbolName(map: SourceMap, trace: CallSite[], index: number): string | undefined {
  const site = trace[index];
  if (site === undefined) return undefined;
  const enclosing = nameAt(map, site.getEnclosingLineNumber(), site.getEnclosingColumnNumber());
  if (enclosing !== undefined) return enclosing;
  const next = trace[index + 1];
  if (next === undefined || next.getFileName() !== site.getFileName()) return undefined;
  return nameAt(map, next.getLineNumber(), next.getColumnNumber());
}

function nameAt(map: SourceMap, line: number | null, column: number | null): string | undefined {
  if (line === null || column === null) return undefined;
  const entry = map.findEntry(line - 1, column - 1) as Record<string, unknown>;
  const name = entry['name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * The frame as V8 prints it, with the original file, line and column in
 * place of the generated ones, and the original function name in place of
 * a minified one. Undefined when V8's text does not hold the location.
 */
function describeSite(
  site: CallSite,
  fileName: string,
  line: number,
  column: number,
  original: OriginalPosition,
  name: string | undefined,
): string | undefined {
  const text = callSiteText(site);
  const shown = site.getScriptNameOrSourceURL() ?? fileName;
  let generated = `${shown}:${line}:${column}`;
  let at = text.lastIndexOf(generated);
  if (at === -1 && shown !== fileName) {
    generated = `${fileName}:${line}:${column}`;
    at = text.lastIndexOf(generated);
  }
  if (at === -1) return undefined;
  let head = text.slice(0, at);
  const functionName = site.getFunctionName();
  if (name !== undefined && functionName !== null && functionName !== '' && name !== functionName) {
    head = renameFunction(head, functionName, name);
  }
  const location = `${original.file}:${original.line}:${original.column}`;
  return `${head}${location}${text.slice(at + generated.length)}`;
}

/** V8's text of a call site (its `toString`, which @types/node does not declare). */
export function callSiteText(site: CallSite): string {
  return (site as unknown as { toString(): string }).toString();
}

/** Replaces the function name in the part of V8's frame text before its location. */
function renameFunction(head: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return head.replace(new RegExp(`(^|[ .])${escaped}(?= \\(| \\[)`, 'u'), `$1${to}`);
}

/**
 * A stand-in for a call site: every method of the original, except the
 * location (and `toString`), which give the original source's.
 */
function wrapCallSite(site: CallSite, original: OriginalPosition, text: string): CallSite {
  const wrapper: Record<string, unknown> = {};
  const prototype = Object.getPrototypeOf(site) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const method = prototype[key];
    if (key === 'constructor' || typeof method !== 'function') continue;
    wrapper[key] = (...args: unknown[]): unknown => Reflect.apply(method, site, args) as unknown;
  }
  Object.assign(wrapper, {
    getFileName: () => original.file,
    getScriptNameOrSourceURL: () => original.file,
    getLineNumber: () => original.line,
    getColumnNumber: () => original.column,
    toString: () => text,
  });
  return wrapper as unknown as CallSite;
}
