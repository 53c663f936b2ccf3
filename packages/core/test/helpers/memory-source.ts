// A plugin source that is neither a directory nor an archive of the host's
// folder: it serves plugin directories it is told about, from memory. It
// shows that a third source plugs into the reloader without changing it.
import type { PluginCandidate, PluginSource, SourceScan } from '../../src/sources/source.js';
import { isAugmentError } from '../../src/errors.js';
import { readManifestSync } from '../../src/manifest/manifest.js';

/** A plugin directory served from memory, under a name of the caller's choosing. */
export class MemorySource implements PluginSource {
  readonly #plugins = new Map<string, { dir: string; version: number }>();
  /** Calls to each method, in order, so a test can see the protocol. */
  readonly calls: string[] = [];
  /** What the last endScan() was told its plugins serve from. */
  lastKept: ReadonlySet<string> = new Set();

  /** Serves (or serves again, as a new version) the plugin directory `dir` as `memory:<key>`. */
  put(key: string, dir: string): void {
    const version = (this.#plugins.get(key)?.version ?? 0) + 1;
    this.#plugins.set(key, { dir, version });
  }

  /** Stops serving `memory:<key>`. */
  delete(key: string): void {
    this.#plugins.delete(key);
  }

  beginScan(): void {
    this.calls.push('beginScan');
  }

  candidates(): Promise<SourceScan> {
    this.calls.push('candidates');
    const candidates = [...this.#plugins].map(([key, { dir, version }]): PluginCandidate => {
      const found = {
        source: `memory:${key}`,
        dir,
        origin: 'directory',
        fingerprint: `v${version}`,
      } as const;
      try {
        return { ...found, manifest: readManifestSync(dir), error: undefined };
      } catch (error) {
        return { ...found, manifest: undefined, error: isAugmentError(error) ? error : undefined };
      }
    });
    return Promise.resolve({ candidates, problems: [], skipped: [], complete: true });
  }

  endScan(kept: ReadonlySet<string>): Promise<void> {
    this.calls.push('endScan');
    this.lastKept = kept;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.calls.push('close');
    return Promise.resolve();
  }
}
