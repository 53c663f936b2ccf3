import semverCompare from 'semver/functions/compare.js';
import { compareStrings } from '../util/compare-strings.js';
import type { Manifest, PluginOrigin } from '../types.js';

/** What the conflict rule compares: a candidate's manifest, origin and source path. */
export interface Contender {
  /** Name and version from the manifest. */
  readonly manifest: Pick<Manifest, 'name' | 'version'>;
  /** Directory or archive. */
  readonly origin: PluginOrigin;
  /** Path in the host's folder. */
  readonly source: string;
}

/**
 * Orders two plugins of the same name: the higher semver precedence wins; on a
 * tie a directory beats an archive (the development override), then the
 * lexically first path. Returns a negative number when `a` wins.
 */
export function compareContenders(a: Contender, b: Contender): number {
  const byVersion = semverCompare(b.manifest.version, a.manifest.version);
  if (byVersion !== 0) return byVersion;
  if (a.origin !== b.origin) return a.origin === 'directory' ? -1 : 1;
  return compareStrings(a.source, b.source);
}

/**
 * Groups contenders by name and picks one winner per name, in one pass.
 *
 * @returns the winners, and each loser with the winner it lost to
 */
export function resolveConflicts<C extends Contender>(
  contenders: readonly C[],
): { winners: C[]; losers: { loser: C; winner: C }[] } {
  const best = new Map<string, C>();
  for (const contender of contenders) {
    const current = best.get(contender.manifest.name);
    if (current === undefined || compareContenders(contender, current) < 0) {
      best.set(contender.manifest.name, contender);
    }
  }
  const losers: { loser: C; winner: C }[] = [];
  for (const contender of contenders) {
    const winner = best.get(contender.manifest.name);
    if (winner !== undefined && winner !== contender) losers.push({ loser: contender, winner });
  }
  return { winners: [...best.values()], losers };
}
