/** Limits that keep a hostile archive from exhausting disk or memory. */
export interface ArchiveLimits {
  /**
   * Most entries (files and directories) an archive may hold.
   * @default 10_000
   */
  maxEntries: number;
  /**
   * Most bytes all entries may inflate to, together.
   * @default 268_435_456 (256 MiB)
   */
  maxBytes: number;
  /**
   * Highest uncompressed/compressed ratio of an entry larger than 1 MiB.
   * @default 100
   */
  maxRatio: number;
}

/** The limits a host uses unless it passes its own. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntries: 10_000,
  maxBytes: 256 * 1024 * 1024,
  maxRatio: 100,
});
