// The upstream CRDs (../shared/upstream/crds, never copied into pelab) as ajv validators, to
// prove pelab's own schemas agree with them. Kubernetes extensions are mapped to JSON Schema:
// int-or-string becomes integer|string, and objects reject unknown fields (kubectl's strict
// field validation) unless they preserve unknown fields. CEL rules are not evaluated.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { isCIDR } from '../../../src/net/ip.ts';
import { sharedDir } from './cluster.ts';

const crdDir = path.join(sharedDir, 'upstream', 'crds');

type Schema = Record<string, unknown>;

/** OpenAPI v3 (structural, with x-kubernetes-*) -> JSON Schema ajv understands. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, toJsonSchema(pv)]));
    } else {
      out[k] = toJsonSchema(v);
    }
  }
  if (src['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const preserve = src['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !preserve) out.additionalProperties = false;
  return out;
}

interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly file: string;
  /** The raw openAPIV3Schema, x-kubernetes-* included. */
  readonly openAPIV3Schema: Schema;
}

function loadCrds(): CrdVersion[] {
  const out: CrdVersion[] = [];
  for (const dir of readdirSync(crdDir)) {
    for (const f of readdirSync(path.join(crdDir, dir))) {
      const file = path.join(crdDir, dir, f);
      const crd = parse(readFileSync(file, 'utf8')) as { spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
      for (const v of crd.spec.versions) {
        out.push({ group: crd.spec.group, version: v.name, kind: crd.spec.names.kind, file, openAPIV3Schema: v.schema.openAPIV3Schema });
      }
    }
  }
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let cache: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (cache) return cache;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('cidr', { type: 'string', validate: (s: string) => isCIDR(s) });
  cache = new Map();
  for (const c of loadCrds()) cache.set(`${c.group}/${c.version} ${c.kind}`, ajv.compile(toJsonSchema(c.openAPIV3Schema) as Schema));
  return cache;
}

function upstreamValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  return validators().get(`${apiVersion} ${kind}`);
}

/** Upstream's verdict on a document: errors (empty = valid), or undefined when no CRD defines it. */
export function validateUpstream(body: Record<string, unknown>): ErrorObject[] | undefined {
  const v = upstreamValidator(String(body.apiVersion), String(body.kind));
  if (!v) return undefined;
  return v(body) ? [] : [...(v.errors ?? [])];
}

/** The upstream openAPI schema of a kind (for walking properties). */
export function upstreamSchema(apiVersion: string, kind: string): Schema | undefined {
  const [group, version] = apiVersion.split('/');
  return loadCrds().find((c) => c.group === group && c.version === version && c.kind === kind)?.openAPIV3Schema;
}
