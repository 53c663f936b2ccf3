import type { AugmentError } from '../errors.js';
import type { DirFingerprint } from './directory/fingerprint.js';
import type { FailureStage, Manifest, PluginOrigin } from '../types.js';

/** A plugin found by a source, before it is imported. */
export interface PluginCandidate {
  /** Where the plugin is: a plugin directory (or symlink to one) or an archive in the folder. */
  readonly source: string;
  /** The real path of the directory to load from. */
  readonly dir: string;
  /** `'directory'` or `'archive'`. */
  readonly origin: PluginOrigin;
  /** Changes whenever any file of the plugin changes. */
  readonly fingerprint: string;
  /** The validated manifest, or the error that kept it from being read. */
  readonly manifest: Manifest | undefined;
  /** Set when the manifest could not be read or validated, or the archive was refused. */
  readonly error: AugmentError | undefined;
  /** The stage `error` belongs to: `manifest`, or `extract` for a refused archive. */
  readonly errorStage?: FailureStage;
  /** For an archive: whether this scan extracted it (false on a cache hit). */
  readonly extracted?: boolean;
  /**
   * For a directory plugin: what the fingerprint walk saw, so the loader can
   * find the entry point (and its source map) without asking the file system
   * again.
   */
  readonly walk?: DirFingerprint;
}

/** A problem with the folder itself, or with one entry of it, found while scanning. */
export interface ScanProblem {
  /** The folder, or the entry of it, the problem is about. */
  readonly source: string;
  /** `folder` or `manifest`. */
  readonly stage: FailureStage;
  /** What went wrong. */
  readonly error: AugmentError;
}

/** What one source found in one scan. */
export interface SourceScan {
  /** The plugins found, in any order (the reloader sorts them). */
  readonly candidates: readonly PluginCandidate[];
  /** Problems with the source itself or with one of its entries. */
  readonly problems: readonly ScanProblem[];
  /** Entries that are not plugins (reported at debug level). */
  readonly skipped: readonly string[];
  /**
   * False when the source could not tell what it holds (its folder exists
   * but could not be listed): every plugin it serves keeps serving. A folder
   * that is gone is complete and empty.
   */
  readonly complete: boolean;
}

/**
 * Where plugins come from. The reloader asks each source for its candidates,
 * then loads, diffs and publishes them; what a source keeps between scans
 * (fingerprints, hashes, extractions, leases) is its own. A scan calls
 * `beginScan()` on every source before `candidates()` on any, so sources that
 * share work (one folder listing) can start afresh together.
 */
export interface PluginSource {
  /** Starts a scan. */
  beginScan(): void;
  /** The candidates of this scan. Never rejects: problems are in the result. */
  candidates(): Promise<SourceScan>;
  /**
   * Inspects one candidate of the last scan again, alone, for a targeted
   * reload (`augment dev`): the others are not looked at. A source that
   * cannot do that leaves it out, and the host scans everything instead.
   * Never rejects.
   *
   * @param candidate - the candidate as the last scan found it
   * @returns the candidate as it is now, or undefined when only a full scan
   *   can tell (it is gone, or no longer a plugin)
   */
  inspect?(candidate: PluginCandidate): Promise<PluginCandidate | undefined>;
  /**
   * Called when one of this source's candidates failed to load: a source that
   * can restore the candidate's files (an extraction someone damaged) does so.
   *
   * @returns true when the candidate is worth loading once more
   */
  repair?(candidate: PluginCandidate): Promise<boolean>;
  /**
   * Ends a scan, once the new registry is published and replaced versions
   * are unloaded. Never rejects.
   *
   * @param kept - the directories that the plugins this source served serve from now
   */
  endScan(kept: ReadonlySet<string>): Promise<void>;
  /** Lets go of what the source holds for the host (the host closes). Idempotent; never rejects. */
  close(): Promise<void>;
}
