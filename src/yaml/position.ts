// Where a value sits in a YAML file: the one walk from a document path to a 1-based line, for
// the lab and scenario loader (located.ts) and the manifest loader (src/k8s/load.ts).
import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './path.ts';

export function lineAtOffset(lines: LineCounter, offset: number | undefined): number | undefined {
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

const lineOfNode = (lines: LineCounter, node: unknown): number | undefined => lineAtOffset(lines, (node as Node | null | undefined)?.range?.[0]);

interface PathLineOptions {
  /**
   * When no key matches exactly, take one that differs only in case: the camelCase path of a
   * converted legacy manifest still finds the lowercase key its author wrote.
   */
  readonly foldCase?: boolean;
  /** The line of a mapping entry's key rather than of its value (they differ for block values). */
  readonly keyLine?: boolean;
}

/** The 1-based line of the node at `path` under `root`, or of its deepest existing ancestor (`fallback` when none has a position). */
export function lineOfPath(root: unknown, lines: LineCounter, path: readonly PathSegment[], fallback: number, options: PathLineOptions = {}): number {
  let node = root;
  let line = lineOfNode(lines, root) ?? fallback;
  const keyText = (k: unknown): string | undefined => (isScalar(k) ? String(k.value) : undefined);
  for (const seg of path) {
    let at: unknown;
    if (isMap(node)) {
      const pair =
        node.items.find((p) => keyText(p.key) === String(seg)) ??
        (options.foldCase ? node.items.find((p) => keyText(p.key)?.toLowerCase() === String(seg).toLowerCase()) : undefined);
      if (!pair) break;
      at = options.keyLine ? pair.key : (pair.value ?? pair.key);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = at = node.items[seg];
    } else {
      break;
    }
    line = lineOfNode(lines, at) ?? line;
  }
  return line;
}
