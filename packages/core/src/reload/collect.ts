import { compareStrings } from '../util/compare-strings.js';
import type { PluginCandidate, PluginSource, ScanProblem } from '../sources/source.js';

/** What every source of a host found in one scan, together. */
export interface Collected {
  /** Every candidate, sorted by source path. */
  readonly candidates: readonly PluginCandidate[];
  /** Problems, in the order of the sources. */
  readonly problems: readonly ScanProblem[];
  /** Entries that are not plugins. */
  readonly skipped: readonly string[];
  /** The source each candidate came from. */
  readonly origins: ReadonlyMap<PluginCandidate, PluginSource>;
  /** Sources that could not tell what they hold this time: their plugins keep serving. */
  readonly incomplete: ReadonlySet<PluginSource>;
}

/**
 * Starts a scan on every source, then asks each for its candidates (in
 * parallel: a source that waits on I/O lets the others work).
 */
export async function collectCandidates(sources: readonly PluginSource[]): Promise<Collected> {
  for (const source of sources) source.beginScan();
  const scans = await Promise.all(
    sources.map(async (source) => ({ source, scan: await source.candidates() })),
  );
  const candidates: PluginCandidate[] = [];
  const problems: ScanProblem[] = [];
  const skipped: string[] = [];
  const origins = new Map<PluginCandidate, PluginSource>();
  const incomplete = new Set<PluginSource>();
  for (const { source, scan } of scans) {
    for (const candidate of scan.candidates) {
      candidates.push(candidate);
      origins.set(candidate, source);
    }
    problems.push(...scan.problems);
    skipped.push(...scan.skipped);
    if (!scan.complete) incomplete.add(source);
  }
  candidates.sort((a, b) => compareStrings(a.source, b.source));
  return { candidates, problems, skipped, origins, incomplete };
}
