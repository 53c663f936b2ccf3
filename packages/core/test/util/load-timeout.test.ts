import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isAugmentError } from '../../src/errors.js';
import { resolveHostOptions } from '../../src/options.js';
import { MAX_TIMER_MS, loadTimeoutError, withLoadTimeout } from '../../src/util/timeout.js';

describe('the one AUG_LOAD_TIMEOUT', () => {
  it('names the plugin, the phase, the limit and the option, whatever the phase', () => {
    for (const what of ['onLoad', 'onUnload', 'the validator', 'the integrity function']) {
      const error = loadTimeoutError({ plugin: 'greeter', what }, 250);
      expect(error.code).toBe(ERROR_CODES.LOAD_TIMEOUT);
      expect(error.plugin).toBe('greeter');
      expect(error.message).toContain(`"greeter": ${what} did not settle within 250 ms`);
      expect(error.message).toContain('raise loadTimeoutMs');
    }
  });

  it('carries the file and the fix of a phase that has them', () => {
    const error = loadTimeoutError(
      {
        plugin: 'p',
        what: 'the top-level code of /x/index.js',
        fix: 'Move it.',
        file: '/x/index.js',
      },
      5,
    );
    expect(error.file).toBe('/x/index.js');
    expect(error.message).toMatch(/\(loadTimeoutMs\)\. Move it\.$/u);
  });

  it('is what withLoadTimeout rejects with when the work does not settle', async () => {
    const never = new Promise<never>(() => undefined);
    const error: unknown = await withLoadTimeout(never, 20, { plugin: 'p', what: 'onLoad' }).catch(
      (reason: unknown) => reason,
    );
    expect(isAugmentError(error) && error.code).toBe(ERROR_CODES.LOAD_TIMEOUT);
  });

  it('shares its timer ceiling with the options check', () => {
    expect(resolveHostOptions({ folder: '.', loadTimeoutMs: MAX_TIMER_MS }).loadTimeoutMs).toBe(
      MAX_TIMER_MS,
    );
    expect(() => resolveHostOptions({ folder: '.', loadTimeoutMs: MAX_TIMER_MS + 1 })).toThrow(
      /loadTimeoutMs/u,
    );
  });
});
