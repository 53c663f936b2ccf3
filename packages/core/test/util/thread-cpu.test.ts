import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ThreadCpuClock } from '../../src/util/thread-cpu.js';

const LINUX = existsSync('/proc/thread-self/schedstat');

describe('ThreadCpuClock', () => {
  it.runIf(LINUX)("counts the calling thread's own work, not time it waits", async () => {
    const clock = new ThreadCpuClock();
    const before = clock.now();
    expect(before).toBeTypeOf('number');
    const end = performance.now() + 30;
    while (performance.now() < end) {
      // spin: 30 ms of this thread's CPU
    }
    const busy = (clock.now() as number) - (before as number);
    expect(busy).toBeGreaterThan(10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const idle = (clock.now() as number) - (before as number) - busy;
    expect(idle).toBeLessThan(30);
    clock.close();
    expect(clock.now()).toBeTypeOf('number'); // opens again after close()
    clock.close();
  });

  it.runIf(!LINUX)('tells callers to use the wall clock where the thread clock is unknown', () => {
    expect(new ThreadCpuClock().now()).toBeUndefined();
  });
});
