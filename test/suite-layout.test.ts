// The layout vitest.config.ts gives the test files: a file that mocks modules but shares a
// worker's modules would leak its mocks into the next file, and an end-to-end file missing from
// the longest-first list would start after the unit files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_LONGEST_FIRST, longestFirst, MOCKING_FILES, replacesModules } from './suite-layout.ts';

const ROOT = join(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

const files = testFiles(join(ROOT, 'test'));

describe('test suite layout', () => {
  it('runs isolated exactly the test files that replace modules', () => {
    const mocking = files.filter((f) => replacesModules(readFileSync(join(ROOT, f), 'utf8')));
    expect(mocking.length).toBeGreaterThan(0);
    expect([...MOCKING_FILES].sort()).toEqual(mocking.sort());
  });

  it('tells vi.mock and vi.doMock from other vi calls', () => {
    // Spelt in two parts, so this file does not count as one that mocks.
    expect(replacesModules('vi.' + "mock('../x.ts', () => ({}))")).toBe(true);
    expect(replacesModules('vi.' + "doMock('../x.ts')")).toBe(true);
    expect(replacesModules('vi.fn(); vi.useFakeTimers(); vi.mocked(f)')).toBe(false);
  });

  it('lists every end-to-end file in the longest-first order, and nothing else', () => {
    expect([...E2E_LONGEST_FIRST].sort()).toEqual(files.filter((f) => f.startsWith('test/e2e/')).sort());
  });

  it('puts the listed files first in list order and keeps the order of the rest', () => {
    const given = ['/r/test/a.test.ts', '/r/test/e2e/l2.test.ts', '/r/test/b.test.ts', '/r/test/e2e/scenarios.test.ts', '/r/test/e2e/lifecycle.test.ts'];
    expect(longestFirst(given, (f) => f)).toEqual(['/r/test/e2e/scenarios.test.ts', '/r/test/e2e/lifecycle.test.ts', '/r/test/e2e/l2.test.ts', '/r/test/a.test.ts', '/r/test/b.test.ts']);
  });
});
