// How `make test` lays out the test files on its workers (vitest.config.ts reads this module).
//
// Measured on the shared 2-core machine (2026-12-01, FRR 8.4.4 and FRR 10.3): the end-to-end
// files are long and mostly wait on BGP timers and `for:` holds; the unit files are short and
// CPU-bound. vitest's own order (cached durations, else the largest file first) started
// scenarios.test.ts, 110 s alone, at 71 s of a 182 s run. So the end-to-end files start first,
// longest first, and the unit files fill the workers around them.
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/** The end-to-end files, longest first (seconds alone on the quiet machine in the comment). */
export const E2E_LONGEST_FIRST: readonly string[] = [
  'test/e2e/scenarios.test.ts', // 110: every shipped scenario on two FRR builds
  'test/e2e/interrupt.test.ts', // 35: 10 interrupted runs one after another
  'test/e2e/lifecycle.test.ts', // 32
  'test/e2e/negative.test.ts', // 10
  'test/e2e/l2.test.ts', // 7
  'test/e2e/bench-baseline.test.ts', // 3
];

/**
 * Test files that replace modules with vi.mock: they need a module registry of their own, so they
 * run isolated. Every other unit file shares its worker's modules (isolate: false), which halved
 * the unit files' CPU (52 to 27 CPU-s: each isolated file re-imported zod, yaml and the rest).
 */
export const MOCKING_FILES: readonly string[] = ['test/scenario/run-progress.test.ts', 'test/scenario/run-teardown.test.ts'];

/** Whether a test file's source replaces a module (vi.mock or vi.doMock). */
export function replacesModules(source: string): boolean {
  return /\bvi\.(do)?[mM]ock\(/.test(source);
}

/** `files` in the order workers take them: E2E_LONGEST_FIRST first, then the rest in vitest's order. */
export function longestFirst<T>(files: readonly T[], pathOf: (file: T) => string): T[] {
  const rank = (file: T): number => {
    const path = pathOf(file);
    const i = E2E_LONGEST_FIRST.findIndex((p) => path.endsWith(`/${p}`) || path === p);
    return i === -1 ? E2E_LONGEST_FIRST.length : i;
  };
  return files
    .map((file, i) => ({ file, i, rank: rank(file) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.file);
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return longestFirst(await super.sort(files), (f) => f.moduleId);
  }
}
