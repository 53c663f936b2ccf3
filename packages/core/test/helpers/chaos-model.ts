// The model of the reload state machine (docs/reload.md, "Last known good"
// and "Sticky failures"): from what the folder holds and what the host served
// after the last scan, what the next scan must report and serve. Names are
// unique per slot, so the conflict rule never applies.

import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ChaosFolder } from './chaos-folder.js';

/** A plugin version the model says the host serves. */
export interface ServedModel {
  readonly name: string;
  readonly slot: number;
  /** Its source path when it was loaded. */
  readonly source: string;
  /** The slot's `rev` when it was loaded. */
  readonly rev: number;
  readonly version: string;
  readonly token: string;
}

/** What the model remembers between scans. */
export interface ModelState {
  readonly served: ReadonlyMap<string, ServedModel>;
  /** Digests of the archives the last scan saw (their extractions stay in the cache). */
  readonly digests: ReadonlySet<string>;
}

/** What one scan must do. Lists are sorted; paths are base names in the folder. */
export interface ExpectedScan {
  readonly added: string[];
  readonly updated: string[];
  readonly removed: string[];
  readonly unchanged: string[];
  readonly kept: string[];
  readonly extracted: string[];
  /** `<base name> <stage>` of each failure. */
  readonly failed: string[];
  readonly next: ModelState;
}

/** The state before the first scan. */
export const EMPTY_MODEL: ModelState = { served: new Map(), digests: new Set() };

const digest = (bytes: Buffer | undefined): string =>
  createHash('sha256')
    .update(bytes ?? Buffer.alloc(0))
    .digest('hex');

/** The outcome of scanning `folder` now, after a scan that left `state`. */
export function expectScan(folder: ChaosFolder, state: ModelState): ExpectedScan {
  const next = new Map<string, ServedModel>();
  const added: string[] = [];
  const updated: string[] = [];
  const unchanged: string[] = [];
  const kept: string[] = [];
  const failed: string[] = [];
  const extracted: string[] = [];
  const digests = new Set<string>();
  // sources still there whose manifest cannot be read: their version keeps serving
  const unreadable = new Set<string>();

  for (const slot of folder.slots.values()) {
    const source = folder.source(slot);
    if (slot.kind.origin === 'zip') {
      const hash = digest(slot.bytes);
      digests.add(hash);
      if (!state.digests.has(hash)) extracted.push(slot.path);
    }
    const { content } = slot;
    if (content.kind === 'corrupt-manifest') {
      failed.push(`${slot.path} manifest`);
      unreadable.add(source);
      continue;
    }
    const previous = state.served.get(slot.name);
    if (previous !== undefined && previous.source === source && previous.rev === slot.rev) {
      next.set(slot.name, previous);
      unchanged.push(slot.name);
    } else if (content.kind === 'good') {
      next.set(slot.name, {
        name: slot.name,
        slot: slot.index,
        source,
        rev: slot.rev,
        version: content.version,
        token: content.token,
      });
      (previous === undefined ? added : updated).push(slot.name);
    } else {
      failed.push(`${slot.path} ${content.stage}`);
      // the last known good version serves on, wherever it was loaded from
      if (previous !== undefined) {
        next.set(slot.name, previous);
        kept.push(slot.name);
      }
    }
  }
  const removed: string[] = [];
  for (const [name, served] of state.served) {
    if (next.has(name)) continue;
    if (unreadable.has(served.source)) {
      next.set(name, served);
      kept.push(name);
    } else {
      removed.push(name);
    }
  }
  return {
    added: added.sort(),
    updated: updated.sort(),
    removed: removed.sort(),
    unchanged: unchanged.sort(),
    kept: kept.sort(),
    extracted: extracted.sort(),
    failed: failed.sort(),
    next: { served: next, digests },
  };
}

/** `<base name> <stage>` of a failure, as {@link ExpectedScan.failed} lists them. */
export function failureLabel(failure: { readonly source: string; readonly stage: string }): string {
  return `${basename(failure.source)} ${failure.stage}`;
}
