// Reads a lab file: schema, cross-references, allocation, duplicate addresses. Any problem is an
// InputError that names the file, the path in the document and the line.
import { resolve } from 'node:path';
import { InputErrors } from '../errors.ts';
import { readSingleYamlDocument, parseYamlDocuments, type LocatedDocument } from '../yaml/located.ts';
import { inputErrorAt, parseWith } from '../yaml/validate.ts';
import { labFileSchema } from './schema.ts';
import { allocate } from './allocate.ts';
import { findDuplicateAddresses, validateReferences, type Problem } from './validate.ts';
import type { Lab } from './model.ts';

function fail(doc: LocatedDocument, problems: readonly Problem[]): never {
  throw new InputErrors(problems.map((p) => inputErrorAt(doc, p.path, p.expected)));
}

function labFromDocument(doc: LocatedDocument): Lab {
  const file = parseWith(labFileSchema, doc);
  const problems = validateReferences(file);
  if (problems.length > 0) fail(doc, problems);
  const { lab, origins } = allocate(file, doc.file);
  const duplicates = findDuplicateAddresses(origins);
  if (duplicates.length > 0) fail(doc, duplicates);
  return lab;
}

export function parseLab(text: string, file: string): Lab {
  const docs = parseYamlDocuments(text, file);
  if (docs.length !== 1) fail({ file, index: 0, line: 1, data: null, lineOf: () => 1 }, [{ path: [], expected: `exactly one YAML document (found ${docs.length})` }]);
  return labFromDocument(docs[0]!);
}

export async function loadLab(path: string): Promise<Lab> {
  return labFromDocument(await readSingleYamlDocument(resolve(path)));
}

/** The lab commands use when none is given. */
export const DEFAULT_LAB = 'singlecluster';

/** Finds a lab by name under labs/ (or takes a path as is). */
export function labPath(nameOrPath: string, root: string): string {
  return nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') ? resolve(nameOrPath) : resolve(root, 'labs', `${nameOrPath}.yaml`);
}
