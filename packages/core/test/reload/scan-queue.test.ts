// The scan queue: one scan at a time, one shared follow-up that a targeted
// call widens by its name and a full call makes full.
import { describe, expect, it } from 'vitest';
import { ScanQueue, type ScanScope } from '../../src/reload/scan-queue.js';
import type { ReloadReason } from '../../src/events.js';
import type { ReloadReport } from '../../src/types.js';

function queue(): {
  queue: ScanQueue;
  scans: { reason: ReloadReason; only: string[] | 'all'; finish: () => void }[];
} {
  const scans: { reason: ReloadReason; only: string[] | 'all'; finish: () => void }[] = [];
  const run = (reason: ReloadReason, only: ScanScope): Promise<ReloadReport> =>
    new Promise((resolve) => {
      scans.push({
        reason,
        only: only === undefined ? 'all' : [...only].sort(),
        finish: () => {
          resolve({ durationMs: scans.length } as unknown as ReloadReport);
        },
      });
    });
  return { queue: new ScanQueue(run, () => false), scans };
}

describe('ScanQueue', () => {
  it('widens a targeted follow-up by each name, shared by every call until it starts', async () => {
    const { queue: q, scans } = queue();
    const first = q.schedule('dev', 'a');
    const second = q.schedule('dev', 'b');
    const third = q.schedule('manual', 'c');
    expect(second).toBe(third);
    expect(scans.map((s) => s.only)).toEqual([['a']]);
    scans[0]?.finish();
    await first;
    await Promise.resolve();
    expect(scans.map((s) => [s.reason, s.only])).toEqual([
      ['dev', ['a']],
      ['dev', ['b', 'c']],
    ]);
    scans[1]?.finish();
    await expect(second).resolves.toBeDefined();
  });

  it('makes the follow-up a full scan when any call asks for one', async () => {
    const { queue: q, scans } = queue();
    const first = q.schedule('manual');
    const targeted = q.schedule('dev', 'a');
    const full = q.schedule('watch');
    const after = q.schedule('dev', 'b');
    expect(new Set([targeted, full, after]).size).toBe(1);
    scans[0]?.finish();
    await first;
    await Promise.resolve();
    expect(scans.map((s) => s.only)).toEqual(['all', 'all']);
    scans[1]?.finish();
    await targeted;
    expect(scans).toHaveLength(2);
  });
});
