import { basename } from 'node:path';
import { ERROR_CODES, ArchiveError, describeError } from '../../errors.js';
import { parseDigest } from '../../util/digest.js';
import { withLoadTimeout } from '../../util/timeout.js';

/** What an integrity function is asked about one archive. */
export interface ArchiveIntegrityInfo {
  /** Absolute path of the `.zip`. */
  readonly file: string;
  /** The archive's SHA-256, hex. */
  readonly sha256: string;
  /** The plugin's name from the archive's manifest. */
  readonly name: string;
}

/**
 * Pins archives to their content. A map from archive file name (`my-plugin.zip`)
 * or plugin name (`my-plugin`) to the expected SHA-256, written as the line
 * `sha256sum` prints (`<hex>  release.zip`), as bare hex, or as
 * `sha256-<base64>` (Subresource Integrity); or a function that decides.
 */
export type IntegrityOption =
  Readonly<Record<string, string>> | ((info: ArchiveIntegrityInfo) => boolean | Promise<boolean>);

/** Whether the plugin's name is needed (its manifest must be read first): a function, or pins not keyed by this file. */
export function needsName(integrity: IntegrityOption | undefined, file: string): boolean {
  if (integrity === undefined) return false;
  if (typeof integrity === 'function') return true;
  return Object.keys(integrity).length > 0 && !Object.hasOwn(integrity, basename(file));
}

/**
 * Checks an archive's digest against the host's pins before anything is extracted.
 *
 * @throws {ArchiveError} `AUG_ARCHIVE_INTEGRITY` when the digest does not match or
 *   the pin is malformed, or when `required` and there is no pin
 */
export async function checkIntegrity(
  integrity: IntegrityOption | undefined,
  required: boolean,
  info: Omit<ArchiveIntegrityInfo, 'name'> & { readonly name: string | undefined },
  timeoutMs = 0,
): Promise<void> {
  const fileName = basename(info.file);
  const plugin = info.name === undefined ? '' : ` (plugin "${info.name}")`;
  const fail = (rule: string, fix: string, cause?: unknown): ArchiveError =>
    new ArchiveError(
      ERROR_CODES.ARCHIVE_INTEGRITY,
      `Plugin archive ${info.file}${plugin} is refused: ${rule}. ${fix}`,
      { plugin: info.name, file: info.file, cause },
    );
  if (typeof integrity === 'function') {
    let accepted: boolean;
    try {
      accepted = await withLoadTimeout(
        Promise.resolve().then(() => integrity({ ...info, name: info.name ?? '' })),
        timeoutMs,
        { plugin: info.name ?? fileName, what: 'the integrity function', file: info.file },
      );
    } catch (error) {
      throw fail(
        `the host's integrity function failed: ${describeError(error).replace(/\.$/u, '')}`,
        'Fix the integrity function; the archive is retried when its bytes change or the host restarts.',
        error,
      );
    }
    if (!accepted) {
      throw fail(
        `the host's integrity function rejected its SHA-256 ${info.sha256}`,
        'Install the archive the host expects, or update the integrity function.',
      );
    }
    return;
  }
  const pins = new Map(Object.entries(integrity ?? {}));
  const key = pins.has(fileName)
    ? fileName
    : info.name !== undefined && pins.has(info.name)
      ? info.name
      : undefined;
  const pin = key === undefined ? undefined : pins.get(key);
  if (pin === undefined) {
    if (!required) return;
    const names = info.name === undefined ? `"${fileName}"` : `"${fileName}" or "${info.name}"`;
    throw fail(
      `requireIntegrity is on and no pin names ${names}`,
      `Add its SHA-256 to the host's integrity option (the builder writes it beside the archive, in release.zip.sha256): { "${fileName}": "${info.sha256}" }.`,
    );
  }
  const expected = parseDigest(pin);
  if (expected === undefined) {
    throw fail(
      `the pin for "${key ?? fileName}" is not a SHA-256 (${JSON.stringify(pin)})`,
      'Write it as 64 hex digits, a sha256sum line, or sha256-<base64>.',
    );
  }
  if (expected !== info.sha256) {
    throw fail(
      `its SHA-256 is ${info.sha256}, but the host pins ${expected}`,
      'The archive was changed or replaced: install the pinned release, or update the pin if this release is trusted.',
    );
  }
}
