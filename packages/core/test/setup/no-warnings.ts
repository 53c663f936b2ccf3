import { afterEach, beforeEach, expect } from 'vitest';

// Any process warning (deprecation, experimental feature, MaxListeners…)
// raised while a test runs fails that test: a warning Augment causes is a bug.
const warnings: string[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(`${warning.name}: ${warning.message}`);
};

beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});

afterEach(() => {
  process.off('warning', onWarning);
  expect(warnings, 'process warnings during the test').toEqual([]);
});
