// The import graph of src/: every static import, `import type` and dynamic import('...') of a
// relative module, read from the source text. Cycles are found as strongly connected components
// (Tarjan), once between files and once between the top-level folders of src/ (cli, runtime,
// report, ...), where a folder cycle means two layers that each need the other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

type Graph = ReadonlyMap<string, ReadonlySet<string>>;

const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(e.name) ? [path] : [];
  });
}

/** File -> the files it imports, both relative to `root`. */
export function fileGraph(root: string): Graph {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const deps = new Set<string>();
    for (const m of text.matchAll(IMPORT)) deps.add(relative(root, resolve(dirname(file), (m[1] ?? m[2])!)));
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** Top-level folder -> top-level folders it imports from (files directly in `root` are their own node). */
export function folderGraph(files: Graph): Graph {
  const top = (f: string): string => f.split('/')[0]!;
  const graph = new Map<string, Set<string>>();
  for (const [file, deps] of files) {
    const from = top(file);
    const set = graph.get(from) ?? new Set<string>();
    for (const d of deps) if (top(d) !== from) set.add(top(d));
    graph.set(from, set);
  }
  return graph;
}

/** Strongly connected components with more than one node (or a node importing itself). */
export function cycles(graph: Graph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1 || graph.get(v)?.has(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}
