import { ArchiveError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { RefusedFileError } from '../util/read-limited.js';
import { findNameProblem } from './zip-checks.js';

/** The usual fix: the archive itself is wrong. */
export const REBUILD = 'Rebuild the plugin with `augment build --zip`.';

/**
 * Builds an {@link ArchiveError} whose message names the archive, the entry
 * (quoted with escapes, so control characters stay visible) and the rule it
 * broke, then what to do.
 *
 * @param code - an `AUG_ARCHIVE_…` code
 * @param archive - path of the `.zip`
 * @param entry - the offending entry, if the problem is about one
 * @param rule - what is wrong, as a clause
 * @param fix - what to do; defaults to rebuilding the plugin
 * @param cause - the underlying error
 */
export function archiveError(
  code: ErrorCode,
  archive: string,
  entry: string | undefined,
  rule: string,
  fix: string = REBUILD,
  cause?: unknown,
): ArchiveError {
  const where = entry === undefined ? '' : `, entry ${quoteName(entry)}`;
  return new ArchiveError(code, `Archive ${archive}${where}: ${rule}. ${fix}`, {
    file: archive,
    entry,
    cause,
  });
}

/** Quotes an entry name for a message, escaping control characters. */
export function quoteName(name: string): string {
  return JSON.stringify(name);
}

// yauzl reports these name problems itself, with the name after the prefix.
const YAUZL_NAME_ERRORS = [
  'invalid characters in fileName: ',
  'absolute path: ',
  'invalid relative path: ',
];

/**
 * Turns an error yauzl raised while reading the central directory into an
 * {@link ArchiveError} with the right code and entry.
 *
 * @param error - what yauzl emitted
 * @param archive - path of the `.zip`
 * @param entry - the entry being read when it failed, if known
 */
export function wrapReadError(
  error: unknown,
  archive: string,
  entry: string | undefined,
): ArchiveError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RefusedFileError) {
    // a FIFO or a device: reading it could block or never end
    return archiveError(
      ERROR_CODES.ARCHIVE_UNREADABLE,
      archive,
      undefined,
      `it ${message}, so it was not read`,
      'Replace it with a regular .zip file, or remove it from the plugin folder.',
      error,
    );
  }
  if (hasSystemCode(error)) {
    return archiveError(
      ERROR_CODES.ARCHIVE_UNREADABLE,
      archive,
      undefined,
      `it could not be read (${message})`,
      'Check that the file exists and that the host may read it.',
      error,
    );
  }
  for (const prefix of YAUZL_NAME_ERRORS) {
    if (!message.startsWith(prefix)) continue;
    const name = message.slice(prefix.length);
    const rule = findNameProblem(name) ?? message;
    return archiveError(
      ERROR_CODES.ARCHIVE_UNSAFE_NAME,
      archive,
      name,
      `unsafe name: ${rule}`,
      REBUILD,
      error,
    );
  }
  if (message.startsWith('strong encryption')) {
    return archiveError(
      ERROR_CODES.ARCHIVE_UNSUPPORTED_ENTRY,
      archive,
      entry,
      'it is encrypted',
      REBUILD,
      error,
    );
  }
  let rule = `it is not a valid zip archive (${message.replace(/\.$/, '')})`;
  if (message.startsWith('compressed/uncompressed size mismatch for stored file')) {
    rule = `it is stored (not compressed) but its compressed and uncompressed sizes differ (${message})`;
  } else if (message === 'unexpected EOF') {
    rule = 'it is truncated: its headers point past the end of the file';
  }
  return archiveError(ERROR_CODES.ARCHIVE_INVALID, archive, entry, rule, REBUILD, error);
}

/** Tells whether an error came from the operating system (`ENOENT`, `EACCES`…). */
export function hasSystemCode(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code);
}
