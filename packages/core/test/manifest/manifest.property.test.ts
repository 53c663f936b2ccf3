import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAugmentError } from '../../src/errors.js';
import { parseManifest, validateManifest } from '../../src/manifest/manifest.js';

/** Runs `run` and checks that it returns, or throws a manifest error and nothing else. */
function returnsOrThrowsManifestError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(isAugmentError(error)).toBe(true);
    if (isAugmentError(error)) expect(error.code).toMatch(/^AUG_MANIFEST_/);
  }
}

const manifestLike = fc.record(
  {
    name: fc.anything(),
    version: fc.anything(),
    entryPoint: fc.anything(),
    meta: fc.anything(),
    description: fc.anything(),
    engines: fc.oneof(fc.record({ host: fc.anything() }), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('manifest readers never throw anything but a ManifestError', () => {
  it('parseManifest(any string)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        returnsOrThrowsManifestError(() => parseManifest(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseManifest(any JSON text, possibly cut short)', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), (text, cut) => {
        returnsOrThrowsManifestError(() => parseManifest(text));
        returnsOrThrowsManifestError(() => parseManifest(text.slice(0, cut % (text.length + 1))));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseManifest(deeply nested JSON)', () => {
    for (const depth of [1_000, 100_000]) {
      returnsOrThrowsManifestError(() => parseManifest('['.repeat(depth)));
      returnsOrThrowsManifestError(() => parseManifest(`${'['.repeat(depth)}${']'.repeat(depth)}`));
    }
  });

  it('validateManifest(any JSON value)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        returnsOrThrowsManifestError(() => validateManifest(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('validateManifest(anything, including manifest-shaped objects)', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(fc.oneof(anything, manifestLike), (value) => {
        returnsOrThrowsManifestError(() => validateManifest(value));
      }),
      { numRuns: 1000 },
    );
  });
});
