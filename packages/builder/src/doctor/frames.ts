// Runs in doctor's child process: the first stack frame inside the plugin's
// folder, read from V8's call sites (not from a formatted stack, which a
// host's source-map hook may have rewritten).
import { fileURLToPath } from 'node:url';
import { sep } from 'node:path';
import type { RawFrame } from './protocol.js';

/** Frames deep enough to get from `net.Server.listen`'s internals to the plugin. */
const STACK_DEPTH = 40;

type PrepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => unknown;

/** The raw call sites of the current stack, above this function. */
function callSites(): NodeJS.CallSite[] {
  const previousPrepare: unknown = Reflect.get(Error, 'prepareStackTrace');
  const previousLimit = Error.stackTraceLimit;
  const prepare: PrepareStackTrace = (_error, sites) => sites;
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = STACK_DEPTH;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callSites);
    return Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : [];
  } finally {
    Reflect.set(Error, 'prepareStackTrace', previousPrepare);
    Error.stackTraceLimit = previousLimit;
  }
}

/**
 * The path of a frame's file: an ES module's URL (with core's cache-busting
 * query) or a CommonJS path; undefined for anything else (`node:` frames).
 */
export function framePath(fileName: string | null | undefined): string | undefined {
  if (typeof fileName !== 'string') return undefined;
  if (fileName.startsWith('file:')) {
    const url = new URL(fileName);
    url.search = '';
    return fileURLToPath(url);
  }
  return fileName.startsWith(sep) || /^[A-Za-z]:[\\/]/u.test(fileName) ? fileName : undefined;
}

/**
 * The innermost frame of the current stack whose file is inside `dir`.
 *
 * @param dir - the plugin folder's real path
 */
export function captureFrame(dir: string): RawFrame | undefined {
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  for (const site of callSites()) {
    const file = framePath(site.getFileName());
    if (file === undefined || !file.startsWith(prefix)) continue;
    return {
      file,
      position: site.getPosition(),
      functionName: site.getFunctionName() ?? site.getMethodName(),
    };
  }
  return undefined;
}
