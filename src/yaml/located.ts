// YAML documents that remember where each value came from, so that validation errors can name
// the line a person has to fix.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { lineAtOffset, lineOfPath } from './position.ts';
import { documentData, readTextFile } from './source.ts';
import { InputError } from '../errors.ts';

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

export function parseYamlDocuments(text: string, file: string): LocatedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false }) as Document[] | { errors: unknown[] };
  if (!Array.isArray(docs)) throw new InputError(file, '', 'a YAML document');
  const out: LocatedDocument[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const line = lineAtOffset(lineCounter, err.pos[0]);
      throw new InputError(file, '', `valid YAML (${err.code}: ${err.message.split('\n')[0]})`, line);
    }
    if (doc.contents === null) return; // an empty document between separators
    const docLine = lineAtOffset(lineCounter, doc.contents.range?.[0]) ?? 1;
    out.push({
      file,
      index,
      line: docLine,
      data: documentData(doc, file, lineCounter),
      lineOf: (path) => lineOfPath(doc.contents, lineCounter, path, docLine),
    });
  });
  return out;
}

async function readYamlDocuments(file: string): Promise<LocatedDocument[]> {
  return parseYamlDocuments(await readTextFile(file), file);
}

/** Reads a file that must hold exactly one YAML document. */
export async function readSingleYamlDocument(file: string): Promise<LocatedDocument> {
  const docs = await readYamlDocuments(file);
  if (docs.length !== 1) throw new InputError(file, '', `exactly one YAML document (found ${docs.length})`);
  return docs[0]!;
}
