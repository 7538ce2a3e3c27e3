// The scenario format as a JSON Schema, so editors complete and check scenario files. Generated
// from the loader's own zod schemas (src/scenario/schema.ts); the one hand-made part is the check
// entry, which JSON Schema describes as one branch per check kind with that kind's parameters.
import { z } from 'zod';
import { CHECK_KINDS } from '../checks/registry.ts';
import { checkEntrySchema } from '../checks/run-check.ts';
import { scenarioFileSchema } from './schema.ts';

type Json = Record<string, unknown>;

const JSON_SCHEMA_OPTIONS = { io: 'input', target: 'draft-7', unrepresentable: 'any' } as const;

function toJson(schema: z.ZodType, override?: (ctx: { zodSchema: unknown; jsonSchema: Json }) => void): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { ...JSON_SCHEMA_OPTIONS, ...(override ? { override: override as never } : {}) }) as Json;
  dropUnknownFormats(rest);
  return rest;
}

const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m)$';
const TIMING = {
  name: { type: 'string', description: 'Human name of the check (defaults to a description of it).' },
  mode: { enum: ['eventually', 'consistently'] },
  within: { type: 'string', pattern: DURATION_PATTERN, description: 'eventually: give up after this long (e.g. 30s).' },
  for: { type: 'string', pattern: DURATION_PATTERN, description: 'consistently: must hold this long (e.g. 3s).' },
  every: { type: 'string', pattern: DURATION_PATTERN, description: 'interval between attempts' },
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
  const check = checkEntry();
  // Wherever the step schemas hold a check entry, the per-kind branches take its place.
  const base = toJson(scenarioFileSchema, ({ zodSchema, jsonSchema }) => {
    if (zodSchema !== checkEntrySchema) return;
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, structuredClone(check));
  });
  const schema = { $comment: comment, $schema: 'http://json-schema.org/draft-07/schema#', title: 'pelab scenario file', ...base };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
