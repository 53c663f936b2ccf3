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

  it('runs waiting callers in the order they came, and wakes only those whose turn it is', async () => {
    let checks = 0;
    class CountingPacer extends Pacer {
      override spent(): boolean {
        checks += 1;
        return super.spent();
      }
    }
    const pacer = new CountingPacer(2);
    const order: number[] = [];
    const callers = 400;
    // 400 callers of 0.5 ms: about 100 turns with 4 calls each
    await Promise.all(
      Array.from({ length: callers }, (_, i) =>
        Promise.resolve(
          pacer.run(() => {
            work(0.5);
            order.push(i);
          }),
        ),
      ),
    );
    expect(order).toEqual(Array.from({ length: callers }, (_, i) => i));
    // a caller is looked at when it comes and when it runs, plus one check per turn:
    // waking every waiter at every turn would be some 20,000 checks
    expect(checks).toBeLessThanOrEqual(callers * 3);
  });

  it('rejects with what the work threw, and keeps running the others', async () => {
    const pacer = new Pacer(1);
    pacer.spent();
    work(2);
    const results = await Promise.allSettled([
      pacer.run(() => 1),
      pacer.run(() => {
        throw new Error('boom');
      }),
      pacer.run(() => Promise.resolve(3)),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      1,
      'Error: boom',
      3,
    ]);
  });

  it('queues a newcomer behind the callers already waiting, even when its slice has time', async () => {
    const pacer = new Pacer(1);
    const order: string[] = [];
    pacer.spent();
    work(2);
    const first = pacer.run(() => order.push('waiting'));
    await new Promise((resolve) => setImmediate(resolve));
    // the loop turned, but the waiting caller ran in the same turn
    const second = pacer.run(() => order.push('newcomer'));
    await Promise.all([first, second]);
    expect(order).toEqual(['waiting', 'newcomer']);
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
