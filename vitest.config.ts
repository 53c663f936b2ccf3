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
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
