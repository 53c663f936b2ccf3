import { describe, expect, it } from 'vitest';
import { resolveHostOptions } from '../../src/options.js';
import { HOST_OPTIONS } from '../../src/options/table.js';

describe('the option table', () => {
  it('is what the host accepts and resolves: one row per option', () => {
    const keys = Object.keys(HOST_OPTIONS);
    expect(Object.keys(resolveHostOptions({ folder: '.' }))).toEqual(keys);
    expect(() => resolveHostOptions({ folder: '.', nope: 1 } as never)).toThrow(
      `Known options: ${keys.join(', ')}.`,
    );
  });

  it('holds each default beside its check', () => {
    const resolved = resolveHostOptions({ folder: '.' });
    expect([resolved.loadTimeoutMs, resolved.watchDebounceMs, resolved.watch]).toEqual([
      10_000,
      100,
      false,
    ]);
    expect(resolved.limits).toEqual({ maxEntries: 10_000, maxBytes: 268_435_456, maxRatio: 100 });
    expect(HOST_OPTIONS.loadTimeoutMs.check(-1)).toBe(false);
    expect(HOST_OPTIONS.folder.required).toBe(true);
  });
});
