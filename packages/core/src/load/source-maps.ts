import { debug } from '../util/log.js';
import { callSiteText, mapCallSites } from './mapped-call-site.js';
import { getSourceMapRegistry, type SourceMapRegistry } from './source-map-registry.js';

/**
 * Turns on Node's source-map support for the whole process, once, so stack
 * traces from built plugins name their TypeScript sources. Modules imported
 * before this keep their plain stacks; that is why the host calls it before
 * the first import of a plugin that ships a map. (`sourceMaps: true`.)
 */
export function enableSourceMaps(reason: string): void {
  if (process.sourceMapsEnabled) return;
  process.setSourceMapsEnabled(true);
  debug('source maps enabled for the process (%s)', reason);
}

/**
 * Maps the stack frames of one plugin file through its source map, lazily
 * (`sourceMaps: 'auto'`): it records the file and the map's path, and
 * installs (once per process) an `Error.prepareStackTrace` that reads and
 * parses the map only when a stack with a frame in that file is first
 * formatted. Loading costs nothing more; Node's process-wide source maps
 * stay off.
 *
 * The hook chains to the `Error.prepareStackTrace` it found (Node's own by
 * default, so other frames and error headers stay exactly as Node prints
 * them), passing it the plugin frames as call sites of the original source.
 * A formatter a host installs later replaces the hook unless it calls the
 * one it found. Frames that Node maps itself (process-wide source maps on
 * when the file was loaded) are left to Node.
 *
 * @param entryPath - real path of the generated file (a plugin's entry point)
 * @param mapPath - its source map @default `${entryPath}.map`
 */
export function registerSourceMap(entryPath: string, mapPath = `${entryPath}.map`): void {
  const registry = getSourceMapRegistry();
  registry.files.set(entryPath, mapPath);
  registry.parsed.delete(entryPath);
  if (!registry.hookInstalled) installStackHook(registry);
}

type PrepareStackTrace = (error: Error, trace: NodeJS.CallSite[]) => unknown;

function installStackHook(registry: SourceMapRegistry): void {
  registry.hookInstalled = true;
  const previous: unknown = Reflect.get(Error, 'prepareStackTrace');
  let formatting = false;
  const prepareStackTrace: PrepareStackTrace = (error, trace) => {
    let sites = trace;
    // a stack formatted while mapping (reading a map threw) is left alone
    if (!formatting) {
      formatting = true;
      try {
        sites = mapCallSites(registry, trace);
      } catch {
        sites = trace;
      } finally {
        formatting = false;
      }
    }
    if (typeof previous === 'function') {
      return (previous as PrepareStackTrace).call(Error, error, sites);
    }
    return formatStack(error, sites);
  };
  Error.prepareStackTrace = prepareStackTrace;
  debug('plugin stack frames are mapped through their source maps when a stack is formatted');
}

/** V8's own format, for a process where `Error.prepareStackTrace` was unset. */
function formatStack(error: Error, trace: NodeJS.CallSite[]): string {
  const header = Error.prototype.toString.call(error);
  const frames = trace.map((site) => `\n    at ${callSiteText(site)}`);
  return `${header}${frames.join('')}`;
}
