import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer, MOCKING_FILES } from './test/suite-layout.ts';

const E2E = 'test/e2e/**/*.test.ts';
// Each project names its own files: a project's include adds to, not replaces, the root's.

export default defineConfig({
  test: {
    // Two workers for two cores: with the end-to-end files' own concurrency below, the machine's
    // CPU is the limit (three workers and four labs per file ran slower: load 16).
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Node's on-disk compile cache for every pelab command the tests start (hundreds): it halves
    // the 0.55 CPU-s a command spends loading and stripping its TypeScript before it does anything.
    env: { NODE_COMPILE_CACHE: process.env['NODE_COMPILE_CACHE'] ?? join(import.meta.dirname, '.cache', 'node-compile') },
    // Longest end-to-end files first (test/suite-layout.ts).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      // Concurrent tests (the shipped scenarios, each on its own lab; the lifecycle and interrupt
      // tests, each on its own instance) run three at a time within a file.
      { extends: true, test: { name: 'e2e', include: [E2E], maxConcurrency: 3 } },
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [E2E, ...MOCKING_FILES], isolate: false } },
      { extends: true, test: { name: 'unit-mocks', include: [...MOCKING_FILES] } },
    ],
  },
});
