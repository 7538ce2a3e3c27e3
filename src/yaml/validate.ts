// Turns zod issues into InputErrors that point at the file, the path and the line.
import type { z } from 'zod';
import { InputError, InputErrors } from '../errors.ts';
import type { LocatedDocument } from './located.ts';
import { formatPath, type PathSegment } from './path.ts';

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${issue.message.includes('received') ? ` (${issue.message.replace(/^Invalid input: /, '')})` : ''}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

export function inputErrorAt(doc: LocatedDocument, path: readonly PathSegment[], expected: string): InputError {
  return new InputError(doc.file, formatPath(path), expected, doc.lineOf(path));
}

/** Parses `doc.data` with `schema`, or throws InputErrors naming every problem. */
export function parseWith<T>(schema: z.ZodType<T>, doc: LocatedDocument, basePath: readonly PathSegment[] = []): T {
  const result = schema.safeParse(doc.data);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => {
    const path = [...basePath, ...(issue.path as PathSegment[])];
    const keyPath = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...path, issue.keys[0]!] : path;
    return inputErrorAt(doc, keyPath, describeIssue(issue));
  });
  throw errors.length === 1 ? errors[0]! : new InputErrors(errors);
}
