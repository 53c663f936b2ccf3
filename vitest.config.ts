import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'docs/test/**/*.test.ts',
      'test/consumer/**/*.test.ts',
    ],
    setupFiles: ['packages/core/test/setup/no-warnings.ts'],
    // Generous, for a machine whose cores are busy with other work: a test
    // that spawns Node processes may take several times as long there. Tests
    // wait for events, never for a fixed time, so a long limit only slows a
    // failing test down. Child processes get less (core's runHost: 45 s), so
    // that a hang fails with the child's output; heavier tests set their own.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: {
      deps: {
        // Built packages and plugin fixtures are imported by Node itself, not by
        // Vite's module runner: the loader under test must see real `import()`.
        external: [/\/dist\//, /augment-fixture/],
      },
    },
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: {
        'packages/core/src/**': { lines: 80, branches: 80 },
      },
    },
  },
});
