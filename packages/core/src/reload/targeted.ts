import type { Collected } from './collect.js';
import type { PluginCandidate, PluginSource } from '../sources/source.js';

/**
 * The candidates of a targeted scan (`host.reloadPlugin()`, `augment dev`):
 * those of the last scan as they were, except the plugins named, which their
 * sources inspect again, alone. The rest of the folder is not looked at, so
 * a plugin whose files changed meanwhile stays as it is until the next full
 * scan; the plugins loaded against a named one still follow it, as in a full
 * scan (their candidates are the last scan's, loaded again against the new
 * version).
 *
 * @param last - what the last scan collected, if there was one
 * @param names - the plugins to look at again
 * @returns the scan's candidates, or undefined when only a full scan can tell:
 *   no scan before, a source that could not be listed, a name the last scan
 *   did not find (a plugin linked for the first time) or found twice (a
 *   conflict), a source that cannot inspect one plugin alone (an archive), or
 *   a plugin that is gone or changed its name
 */
export async function collectTargeted(
  last: Collected | undefined,
  names: ReadonlySet<string>,
): Promise<Collected | undefined> {
  if (last === undefined || last.incomplete.size > 0) return undefined;
  const replaced = new Map<PluginCandidate, PluginCandidate>();
  const origins = new Map(last.origins);
  for (const name of names) {
    const matches = last.candidates.filter((c) => c.manifest?.name === name);
    const old = matches.length === 1 ? matches[0] : undefined;
    const from: PluginSource | undefined = old === undefined ? undefined : last.origins.get(old);
    if (old === undefined || from?.inspect === undefined) return undefined;
    const fresh = await from.inspect(old);
    if (fresh === undefined) return undefined;
    if (fresh.manifest !== undefined && fresh.manifest.name !== name) return undefined;
    replaced.set(old, fresh);
    origins.delete(old);
    origins.set(fresh, from);
  }
  return {
    candidates: last.candidates.map((c) => replaced.get(c) ?? c),
    problems: last.problems,
    skipped: [],
    origins,
    incomplete: new Set(),
  };
}
