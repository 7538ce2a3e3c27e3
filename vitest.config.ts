import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests drive real FRR in namespaces; two cores cannot take them all at once.
    fileParallelism: true,
    maxWorkers: 2,
    // Concurrent tests (the shipped scenarios, each on its own lab) run two at a time.
    maxConcurrency: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
