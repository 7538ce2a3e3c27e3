// Layers that need each other cannot be understood, tested or replaced one at a time: src/ has
// no import cycle between files, nor between its top-level folders.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, fileGraph, folderGraph } from './imports.ts';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

describe('import graph of src/', () => {
  const files = fileGraph(SRC);

  it('reads the imports it should (static, type-only and dynamic)', () => {
    expect(files.get('runtime/registry.ts')).toContain('runtime/netns/provider.ts');
    expect(files.get('runtime/provider.ts')).toContain('runtime/runtime.ts');
    expect(files.size).toBeGreaterThan(50);
  });

  it('finds a cycle where there is one', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('has no file cycle', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('has no folder cycle', () => {
    expect(cycles(folderGraph(files))).toEqual([]);
  });
});
