// The scenario format as a JSON Schema, so editors complete and check scenario files. Built from
// the same zod schemas the loader uses, with one branch per check kind for its parameters.
import { z } from 'zod';
import { CHECK_KINDS } from '../checks/registry.ts';
import { scenarioFileSchema } from './schema.ts';

type Json = Record<string, unknown>;

function toJson(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Json;
  return rest;
}

const TIMING = {
  name: { type: 'string', description: 'Human name of the check (defaults to a description of it).' },
  mode: { enum: ['eventually', 'consistently'] },
  within: { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m)$', description: 'eventually: give up after this long (e.g. 30s).' },
  for: { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m)$', description: 'consistently: must hold this long (e.g. 3s).' },
  every: { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m)$', description: 'interval between attempts' },
};

/** zod marks `startsWith` as a format editors do not know; the pattern it also emits is enough. */
function dropUnknownFormats(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropUnknownFormats);
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (o.format === 'starts_with' || o.format === 'ends_with' || o.format === 'includes') delete o.format;
    Object.values(o).forEach(dropUnknownFormats);
  }
}

/** One branch per check kind (and per alternative of a kind whose parameters are a union). */
function checkEntry(): Json {
  const branches: Json[] = [];
  for (const [kind, k] of Object.entries(CHECK_KINDS)) {
    const params = toJson(k.params as z.ZodType);
    dropUnknownFormats(params);
    const alternatives = ((params.anyOf ?? params.oneOf) as Json[] | undefined) ?? [params];
    for (const alt of alternatives) {
      branches.push({
        type: 'object',
        title: kind,
        required: ['check', ...((alt.required as string[] | undefined) ?? [])],
        properties: { check: { const: kind }, ...TIMING, ...((alt.properties ?? {}) as Json) },
        additionalProperties: false,
      });
    }
  }
  return { anyOf: branches };
}

export function renderScenarioJsonSchema(comment: string): string {
  const base = toJson(scenarioFileSchema);
  const check = checkEntry();
  const named = { name: { type: 'string' } };
  const step = {
    anyOf: [
      check,
      { type: 'object', required: ['checks'], properties: { ...named, checks: { type: 'array', minItems: 1, items: check } }, additionalProperties: false },
      { type: 'object', required: ['apply'], properties: { ...named, apply: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } }, additionalProperties: false },
      { type: 'object', required: ['delete'], properties: { ...named, delete: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } }, additionalProperties: false },
      { type: 'object', required: ['fault'], properties: { ...named, fault: faultJson() }, additionalProperties: false },
      { type: 'object', required: ['wait'], properties: { ...named, wait: check }, additionalProperties: false },
    ],
  };
  const spec = ((base.properties as Json).spec as Json);
  const specProps = spec.properties as Json;
  specProps.steps = { type: 'array', minItems: 1, items: step, description: 'Ordered steps: check, checks (run together), apply, delete, fault, wait.' };
  const schema = { $comment: comment, $schema: 'http://json-schema.org/draft-07/schema#', title: 'pelab scenario file', ...base };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function faultJson(): Json {
  const link = {
    type: 'object',
    required: ['node', 'interface'],
    properties: { node: { type: 'string' }, interface: { type: 'string', maxLength: 15 } },
    additionalProperties: false,
  };
  return {
    oneOf: [
      { type: 'object', required: ['linkDown'], properties: { linkDown: link }, additionalProperties: false },
      { type: 'object', required: ['linkUp'], properties: { linkUp: link }, additionalProperties: false },
      {
        type: 'object',
        required: ['restartFrr'],
        properties: { restartFrr: { oneOf: ['router', 'pe', 'speaker'].map((k) => ({ type: 'object', required: [k], properties: { [k]: { type: 'string' } }, additionalProperties: false })) } },
        additionalProperties: false,
      },
    ],
  };
}
