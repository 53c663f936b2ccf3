import { StrictModeError } from '../errors.js';
import type { ReloadReport } from '../types.js';

/**
 * Strict mode's view of scans: a scan's promise that rejects with a
 * {@link StrictModeError} when the scan had failures. Calls that share a scan
 * share its strict promise too.
 */
export class StrictScans {
  readonly #strict = new WeakMap<Promise<ReloadReport>, Promise<ReloadReport>>();

  /** @param strict - whether the host is strict; when not, scans pass through */
  constructor(private readonly strict: boolean) {}

  /** The promise to give a caller for a scan. */
  of(scan: Promise<ReloadReport>): Promise<ReloadReport> {
    if (!this.strict) return scan;
    let strict = this.#strict.get(scan);
    if (strict === undefined) {
      strict = scan.then((report) => {
        if (report.failed.length > 0) throw new StrictModeError(report);
        return report;
      });
      this.#strict.set(scan, strict);
    }
    return strict;
  }
}
