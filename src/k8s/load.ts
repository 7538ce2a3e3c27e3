// Multi-document YAML manifest files -> Manifest[], keeping each document's YAML tree so that
// later validation can point at the exact line of a field.
import { documentData, readTextFile } from '../yaml/source.ts';
import { LineCounter, isScalar, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { lineAtOffset as lineAt, lineOfPath } from '../yaml/position.ts';
import { InputError, InputErrors } from '../errors.ts';
import type { Manifest, ObjectMeta } from './manifest.ts';

export { formatPath, parsePath, type PathSegment } from '../yaml/path.ts';
import { formatPath, parsePath, type PathSegment } from '../yaml/path.ts';

interface Origin {
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** For derived documents: path prefixes that were written elsewhere in the original. */
  readonly renames?: readonly (readonly [readonly PathSegment[], readonly PathSegment[]])[];
}

// Keyed by Manifest.body: the body object travels with the manifest even when callers copy the
// manifest with a spread, and a WeakMap keeps Manifest itself a plain data type.
const origins = new WeakMap<object, Origin>();

/**
 * The 1-based line of `path` inside the manifest's document. When the path does not exist (a
 * missing required field, or a path of a converted legacy document), the line of the deepest
 * existing ancestor. Keys are matched exactly first, then case-insensitively, so the modern
 * camelCase path of a converted legacy document still finds the old lowercase key.
 */
export function lineOf(manifest: Pick<Manifest, 'body' | 'source'>, path: string | readonly PathSegment[]): number | undefined {
  const origin = origins.get(manifest.body);
  if (!origin) return manifest.source.line;
  const segments = translate(typeof path === 'string' ? parsePath(path) : path, origin.renames ?? []);
  return lineOfPath(origin.doc.contents, origin.lines, segments, manifest.source.line, { foldCase: true, keyLine: true });
}

function translate(path: readonly PathSegment[], renames: NonNullable<Origin['renames']>): readonly PathSegment[] {
  let best: (typeof renames)[number] | undefined;
  for (const r of renames) {
    const [from] = r;
    if (from.length <= path.length && from.every((s, i) => s === path[i]) && (!best || from.length > best[0].length)) best = r;
  }
  return best ? [...best[1], ...path.slice(best[0].length)] : path;
}

/**
 * Let a derived body (a converted legacy document) report lines from the original document.
 * `renames` maps path prefixes of the derived document to where the original wrote them; keys
 * that only changed case need no entry.
 */
export function inheritOrigin(
  derivedBody: object,
  from: Pick<Manifest, 'body'>,
  renames: readonly (readonly [readonly PathSegment[], readonly PathSegment[]])[] = [],
): void {
  const origin = origins.get(from.body);
  if (origin) origins.set(derivedBody, { ...origin, renames });
}

/** An InputError located at `path` of the manifest. */
export function errorAt(manifest: Pick<Manifest, 'body' | 'source'>, path: string | readonly PathSegment[], expected: string): InputError {
  const text = typeof path === 'string' ? path : formatPath(path);
  return new InputError(manifest.source.file, text, expected, lineOf(manifest, path));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringRecord(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * Parse every document of a manifest file. Empty documents are skipped. Only the envelope
 * (apiVersion, kind, metadata.name) is checked here; the schemas check the rest.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const errors: InputError[] = [];
  const out: Manifest[] = [];
  // parseAllDocuments returns an EmptyStream (not an array) for an empty file.
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push(new InputError(file, '', `valid YAML (${e.message.split('\n')[0]})`, lineAt(lines, e.pos[0])));
      return;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    const startLine = lineAt(lines, doc.contents.range?.[0]) ?? 1;
    let body: unknown;
    try {
      body = documentData(doc, file, lines);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      errors.push(e);
      return;
    }
    if (!isRecord(body)) {
      errors.push(new InputError(file, '', 'a Kubernetes object (a YAML mapping with apiVersion, kind, metadata)', startLine));
      return;
    }
    origins.set(body, { doc, lines });
    const source = { file, document: index, line: startLine };
    const at = (path: string, expected: string) => errorAt({ body, source }, path, expected);
    let ok = true;
    if (typeof body.apiVersion !== 'string' || body.apiVersion === '') {
      errors.push(at('apiVersion', 'a string such as metallb.io/v1beta1'));
      ok = false;
    }
    if (typeof body.kind !== 'string' || body.kind === '') {
      errors.push(at('kind', 'a string such as IPAddressPool'));
      ok = false;
    }
    const meta = body.metadata;
    if (!isRecord(meta)) {
      errors.push(at('metadata', 'a mapping with at least name'));
      ok = false;
    } else if (typeof meta.name !== 'string' || meta.name === '') {
      errors.push(at('metadata.name', 'a non-empty string'));
      ok = false;
    }
    if (!ok || !isRecord(meta)) return;
    const metadata: ObjectMeta = {
      name: meta.name as string,
      ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
      ...(stringRecord(meta.labels) ? { labels: stringRecord(meta.labels) } : {}),
      ...(stringRecord(meta.annotations) ? { annotations: stringRecord(meta.annotations) } : {}),
    };
    out.push({
      apiVersion: body.apiVersion as string,
      kind: body.kind as string,
      metadata,
      ...(isRecord(body.spec) ? { spec: body.spec } : {}),
      body,
      source,
    });
  });
  if (errors.length > 0) throw new InputErrors(errors);
  return out;
}

/** Read and parse several files, in the given order; every file's problems are reported together. */
export async function loadManifestFiles(paths: readonly string[]): Promise<Manifest[]> {
  const errors: InputError[] = [];
  const out: Manifest[] = [];
  for (const path of paths) {
    try {
      out.push(...parseManifests(await readTextFile(path, 'a readable manifest file'), path));
    } catch (e) {
      if (e instanceof InputErrors) errors.push(...e.errors);
      else if (e instanceof InputError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return out;
}

/** Build a Manifest from a plain object (for code-generated objects, e.g. converted legacy ones). */
export function manifestFromBody(body: Record<string, unknown>, source: Manifest['source']): Manifest {
  const meta = (isRecord(body.metadata) ? body.metadata : {}) as Record<string, unknown>;
  return {
    apiVersion: String(body.apiVersion),
    kind: String(body.kind),
    metadata: {
      name: String(meta.name ?? ''),
      ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
      ...(stringRecord(meta.labels) ? { labels: stringRecord(meta.labels) } : {}),
      ...(stringRecord(meta.annotations) ? { annotations: stringRecord(meta.annotations) } : {}),
    },
    ...(isRecord(body.spec) ? { spec: body.spec } : {}),
    body,
    source,
  };
}
