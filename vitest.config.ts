import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests each own a DuckDB file; two workers fit this 2-core machine.
    maxWorkers: 2,
    reporters: ['default', './test/summaryReporter.ts'],
  },
});
