import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/util/pacer.js';

/** Busy-waits `ms` milliseconds: synchronous work of a known length. */
function work(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('Pacer', () => {
  it('runs work at once, in the same step, while the slice lasts', () => {
    const pacer = new Pacer(1000);
    let ran = false;
    const result = pacer.run(() => {
      ran = true;
      return 42;
    });
    expect(ran).toBe(true);
    expect(result).toBe(42);
  });

  it('runs many waiting callers a slice at a time, not all in one turn', async () => {
    const pacer = new Pacer(5);
    let turn = 0;
    let counting = true;
    const tick = (): void => {
      turn += 1;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const turns: number[] = [];
    // 40 callers of 2 ms each: 80 ms of work, at most ~7 ms of it per turn
    await Promise.all(
      Array.from({ length: 40 }, () =>
        Promise.resolve(
          pacer.run(() => {
            work(2);
            turns.push(turn);
          }),
        ),
      ),
    );
    counting = false;
    const perTurn = new Map<number, number>();
    for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(turns).toHaveLength(40);
    // a slice of 5 ms holds at most 3 calls of 2 ms (the check precedes each call)
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(4);
    expect(perTurn.size).toBeGreaterThanOrEqual(10);
  });

  it('counts a slice from its first check until the loop turns', async () => {
    const pacer = new Pacer(5);
    expect(pacer.spent()).toBe(false);
    work(10);
    expect(pacer.spent()).toBe(true);
    await pacer.turn();
    expect(pacer.spent()).toBe(false);
  });
});
