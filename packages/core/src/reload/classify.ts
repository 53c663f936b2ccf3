import { conflictFailure, isIgnored, toFailure } from './failures.js';
import { checkEngines } from './load-candidate.js';
import { resolveConflicts } from './conflicts.js';
import type { PluginCandidate, ScanProblem } from '../sources/source.js';
import type { Manifest, PluginFailure } from '../types.js';

/** A candidate whose manifest was read and validated. */
export type ValidCandidate = PluginCandidate & { readonly manifest: Manifest };

/** What {@link classifyCandidates} sorted out. */
export interface Classified {
  /** Candidates to go on with: a manifest, not ignored, made for this host. */
  readonly valid: ValidCandidate[];
  /** Problems, unreadable manifests, throwing ignore predicates, engine mismatches. */
  readonly failures: PluginFailure[];
  /**
   * Sources that are still there but could not be read or used this time:
   * the version they served keeps serving (last known good).
   */
  readonly broken: Set<string>;
}

/**
 * Turns the scan's problems into failures and sorts the candidates: those
 * without a manifest fail (or are silently not plugins), `ignore` drops a
 * plugin without a trace, and `engines.host` is matched against the host's
 * version. Never throws.
 */
export function classifyCandidates(
  candidates: readonly PluginCandidate[],
  problems: readonly ScanProblem[],
  options: {
    readonly ignore: (manifest: Manifest) => boolean;
    readonly hostVersion: string | undefined;
  },
): Classified {
  const failures = problems.map((p) => toFailure(p.source, undefined, p.stage, p.error));
  const broken = new Set(problems.map((p) => p.source));
  const valid: ValidCandidate[] = [];
  for (const candidate of candidates) {
    const { manifest, error } = candidate;
    if (manifest === undefined) {
      if (error !== undefined) {
        const stage = candidate.errorStage ?? 'manifest';
        failures.push(toFailure(candidate.source, undefined, stage, error));
      }
      broken.add(candidate.source);
      continue;
    }
    const ignored = isIgnored(options.ignore, manifest, candidate.source);
    if (ignored !== false) {
      if (ignored !== true) {
        failures.push(ignored);
        broken.add(candidate.source);
      }
      continue;
    }
    const enginesError = checkEngines(manifest, candidate.dir, options.hostVersion);
    if (enginesError !== undefined) {
      failures.push(toFailure(candidate.source, manifest.name, 'engines', enginesError));
      broken.add(candidate.source);
      continue;
    }
    valid.push(candidate as ValidCandidate);
  }
  return { valid, failures, broken };
}

/**
 * Keeps one candidate per plugin name (the conflict rule of
 * {@link resolveConflicts}); each loser becomes an `AUG_CONFLICT_DUPLICATE`
 * failure naming the winner.
 */
export function settleConflicts<C extends ValidCandidate>(
  valid: readonly C[],
): { winners: C[]; failures: PluginFailure[] } {
  const { winners, losers } = resolveConflicts(valid);
  return { winners, failures: losers.map(({ loser, winner }) => conflictFailure(loser, winner)) };
}
