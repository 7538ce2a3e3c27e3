// YAML documents that remember where each value came from, so that validation errors can name
// the line a person has to fix.
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { documentData, readTextFile } from './source.ts';
import { InputError } from '../errors.ts';

export { formatPath, type PathSegment } from './path.ts';
import type { PathSegment } from './path.ts';

export interface LocatedDocument {
  readonly file: string;
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly data: unknown;
  /** 1-based line of the value at `path`, or of its deepest existing ancestor. */
  lineOf(path: readonly PathSegment[]): number;
}

function childOf(node: unknown, seg: PathSegment): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
    return (pair?.value ?? pair?.key) as Node | undefined;
  }
  if (isSeq(node) && typeof seg === 'number') return node.items[seg] as Node | undefined;
  return undefined;
}

export function parseYamlDocuments(text: string, file: string): LocatedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false }) as Document[] | { errors: unknown[] };
  if (!Array.isArray(docs)) throw new InputError(file, '', 'a YAML document');
  const out: LocatedDocument[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const line = lineCounter.linePos(err.pos[0]).line;
      throw new InputError(file, '', `valid YAML (${err.code}: ${err.message.split('\n')[0]})`, line);
    }
    if (doc.contents === null) return; // an empty document between separators
    const lineAt = (n: Node | undefined): number | undefined => (n?.range ? lineCounter.linePos(n.range[0]).line : undefined);
    const docLine = lineAt(doc.contents as Node) ?? 1;
    out.push({
      file,
      index,
      line: docLine,
      data: documentData(doc, file, lineCounter),
      lineOf(path) {
        let node: Node | undefined = doc.contents as Node;
        let line = docLine;
        for (const seg of path) {
          node = childOf(node, seg);
          const l = lineAt(node);
          if (l === undefined) break;
          line = l;
        }
        return line;
      },
    });
  });
  return out;
}

export async function readYamlDocuments(file: string): Promise<LocatedDocument[]> {
  return parseYamlDocuments(await readTextFile(file), file);
}

/** Reads a file that must hold exactly one YAML document. */
export async function readSingleYamlDocument(file: string): Promise<LocatedDocument> {
  const docs = await readYamlDocuments(file);
  if (docs.length !== 1) throw new InputError(file, '', `exactly one YAML document (found ${docs.length})`);
  return docs[0]!;
}
