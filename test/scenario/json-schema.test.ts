// The published scenario JSON Schema (for editors) must accept every shipped scenario and reject
// what the loader rejects for shape reasons.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'scenario.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const scenarioFiles = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));

describe('schemas/scenario.schema.json', () => {
  it.each(scenarioFiles)('accepts scenarios/%s', (file) => {
    const doc = parse(readFileSync(join(ROOT, 'scenarios', file), 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('rejects an unknown check kind, an unknown check field and a step with no action', () => {
    const base = parse(readFileSync(join(ROOT, 'scenarios', 'mini-evpn.yaml'), 'utf8'));
    const withSteps = (steps: unknown[]) => ({ ...base, spec: { ...base.spec, steps } });
    expect(validate(withSteps([{ check: 'ping', from: 'a' }]))).toBe(false);
    expect(validate(withSteps([{ check: 'bgp-session', on: { router: 'tor1' }, peer: '10.0.0.1', colour: 'red' }]))).toBe(false);
    expect(validate(withSteps([{ name: 'nothing to do' }]))).toBe(false);
    expect(validate(withSteps([{ check: 'bgp-session', on: { router: 'tor1' }, peer: '10.0.0.1', within: '10 seconds' }]))).toBe(false);
  });
});
