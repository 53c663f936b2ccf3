import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportGate, type ImportGateTuning } from '../../src/load/import-gate.js';

// A tick far away: these tests feed the gate's observations by hand.
const TUNING: ImportGateTuning = {
  start: 4,
  min: 2,
  max: 64,
  growth: 0.125,
  rampUp: 0.5,
  tickMs: 60_000,
  longMs: 20,
  shortMs: 10,
};

/** Takes `n` slots; returns how many were granted at once and the promises of the others. */
function take(gate: ImportGate, n: number): { now: number; later: Promise<void>[] } {
  let now = 0;
  const later: Promise<void>[] = [];
  for (let i = 0; i < n; i += 1) {
    const waited = gate.acquire();
    if (waited === undefined) now += 1;
    else later.push(waited);
  }
  return { now, later };
}

describe('ImportGate', () => {
  it('admits up to its bound at once and queues the rest', () => {
    const gate = new ImportGate(TUNING);
    const { now, later } = take(gate, 10);
    expect(now).toBe(4);
    expect(later).toHaveLength(6);
    expect(gate.inFlight).toBe(4);
  });

  it('grows by half per round of imports that complete in short stretches, then by an eighth', () => {
    const gate = new ImportGate(TUNING);
    take(gate, 1000);
    gate.observe(1);
    for (let i = 0; i < 4; i += 1) gate.release();
    expect(gate.limit).toBe(6); // ramping up: half a slot per completed import
    expect(gate.inFlight).toBe(6);
    for (let i = 0; i < 6; i += 1) gate.release();
    expect(gate.limit).toBe(9);
    gate.observe(30); // the first long stretch ends the ramp and halves
    expect(gate.limit).toBe(4);
    gate.observe(1);
    for (let i = 0; i < 16; i += 1) gate.release(); // an eighth of a slot per import
    expect(gate.limit).toBe(6);
  });

  it('does not grow while stretches are neither short nor long', () => {
    const gate = new ImportGate(TUNING);
    take(gate, 100);
    gate.observe(15);
    for (let i = 0; i < 40; i += 1) gate.release();
    expect(gate.limit).toBe(4);
  });

  it('halves once per long stretch while the imports above the new bound drain', () => {
    const gate = new ImportGate({ ...TUNING, start: 32 });
    take(gate, 100);
    expect(gate.inFlight).toBe(32);
    gate.observe(50);
    expect(gate.limit).toBe(16);
    gate.observe(50); // 32 still in flight: the first decrease has not shown yet
    expect(gate.limit).toBe(16);
    for (let i = 0; i < 16; i += 1) gate.release();
    expect(gate.inFlight).toBe(16);
    gate.observe(50);
    expect(gate.limit).toBe(8);
  });

  it('never goes below min or above max', () => {
    const gate = new ImportGate({ ...TUNING, start: 8 });
    take(gate, 10_000);
    for (let i = 0; i < 20; i += 1) {
      while (gate.inFlight > gate.limit) gate.release();
      gate.observe(100);
    }
    expect(gate.limit).toBe(TUNING.min);
    for (let i = 0; i < 5000; i += 1) {
      gate.observe(0);
      gate.release();
    }
    expect(gate.limit).toBe(TUNING.max);
  });

  it('does not grow while nothing completes, nor when no import waits', () => {
    const gate = new ImportGate(TUNING);
    take(gate, 100);
    for (let i = 0; i < 100; i += 1) gate.observe(0); // all in flight waiting on the disk
    expect(gate.limit).toBe(4);
    const idle = new ImportGate(TUNING);
    take(idle, 3);
    for (let i = 0; i < 3; i += 1) idle.release();
    expect(idle.limit).toBe(4);
  });

  it('hands every queued slot over, in order, whatever the observations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant('release' as const), fc.integer({ min: 0, max: 80 })), {
          maxLength: 400,
        }),
        fc.integer({ min: 1, max: 300 }),
        async (events, count) => {
          const gate = new ImportGate(TUNING);
          const order: number[] = [];
          const slots = Array.from({ length: count }, (_, i) => {
            const waited = gate.acquire();
            if (waited === undefined) {
              order.push(i);
              return Promise.resolve();
            }
            return waited.then(() => order.push(i));
          });
          let released = 0;
          const releaseOne = async (): Promise<void> => {
            await Promise.resolve();
            if (released < order.length) {
              released += 1;
              gate.release();
            }
          };
          for (const event of events) {
            if (event === 'release') await releaseOne();
            else gate.observe(event);
            expect(gate.limit).toBeGreaterThanOrEqual(TUNING.min);
            expect(gate.limit).toBeLessThanOrEqual(TUNING.max);
            expect(gate.inFlight).toBeLessThanOrEqual(Math.max(gate.limit, released + 64));
          }
          while (released < count) {
            await releaseOne();
            await new Promise((resolve) => setImmediate(resolve));
          }
          await Promise.all(slots);
          expect(order).toEqual(Array.from({ length: count }, (_, i) => i));
          expect(gate.inFlight).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('starts afresh once nothing is in flight or waiting', async () => {
    const gate = new ImportGate({ ...TUNING, tickMs: 1 });
    take(gate, 50);
    gate.observe(0);
    while (gate.inFlight > 0) gate.release();
    expect(gate.limit).toBeGreaterThan(4);
    const deadline = Date.now() + 5000;
    while (gate.limit !== 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(gate.limit).toBe(4);
  });
});
