import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from '../../src/util/timeout.js';

class TimeoutError extends Error {}

const onTimeout = (): Error => new TimeoutError('too slow');

/** A promise with its settle functions exposed. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('resolves with the value when the work settles in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, onTimeout)).resolves.toBe(42);
  });

  it('rejects with the work’s own error when it fails in time', async () => {
    const error = new Error('boom');
    await expect(withTimeout(Promise.reject(error), 1000, onTimeout)).rejects.toBe(error);
  });

  it('rejects with onTimeout() when the work does not settle in time', async () => {
    const work = new Promise<never>(() => undefined);
    await expect(withTimeout(work, 20, onTimeout)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('clears its timer once the work settles', async () => {
    vi.useFakeTimers();
    const work = deferred<number>();
    const result = withTimeout(work.promise, 5000, onTimeout);
    expect(vi.getTimerCount()).toBe(1);
    work.resolve(1);
    await expect(result).resolves.toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timer when the work rejects', async () => {
    vi.useFakeTimers();
    const work = deferred<number>();
    const result = withTimeout(work.promise, 5000, onTimeout);
    work.reject(new Error('boom'));
    await expect(result).rejects.toThrow('boom');
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    'sets no timer for %s (no limit)',
    async (ms) => {
      vi.useFakeTimers();
      const work = deferred<string>();
      const result = withTimeout(work.promise, ms, onTimeout);
      expect(vi.getTimerCount()).toBe(0);
      work.resolve('done');
      await expect(result).resolves.toBe('done');
    },
  );

  it('reports a late fulfilment to onLate', async () => {
    const work = deferred<string>();
    const onLate = vi.fn();
    await expect(withTimeout(work.promise, 10, onTimeout, onLate)).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(onLate).not.toHaveBeenCalled();
    work.resolve('late');
    await vi.waitFor(() => {
      expect(onLate).toHaveBeenCalledWith({ status: 'fulfilled', value: 'late' });
    });
  });

  it('swallows a late rejection and reports it to onLate', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', listener);
    try {
      const work = deferred<string>();
      const onLate = vi.fn();
      await expect(withTimeout(work.promise, 10, onTimeout, onLate)).rejects.toBeInstanceOf(
        TimeoutError,
      );
      const error = new Error('late failure');
      work.reject(error);
      await vi.waitFor(() => {
        expect(onLate).toHaveBeenCalledWith({ status: 'rejected', reason: error });
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('survives a throwing onLate and a late rejection without onLate', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', listener);
    try {
      const first = deferred<string>();
      const second = deferred<string>();
      const throwing = vi.fn(() => {
        throw new Error('listener bug');
      });
      await expect(withTimeout(first.promise, 5, onTimeout, throwing)).rejects.toThrow();
      await expect(withTimeout(second.promise, 5, onTimeout)).rejects.toThrow();
      first.reject(new Error('late 1'));
      second.reject(new Error('late 2'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(throwing).toHaveBeenCalledOnce();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
