// Every `--set` pelab passes to helm names a value the chart has (its values.yaml) and, set as
// helm would type it, still validates against the chart's values.schema.json. The charts are
// upstream's files in ../shared/upstream/charts (see PROVENANCE.md there): frr-k8s and MetalLB at
// development commits near the pinned releases, OpenPERouter at exactly the pinned commit.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseArtifactOverrides, PINNED, withOverrides, type ChartName } from '../../src/runtime/kind/artifacts.ts';
import { chartValues } from '../../src/runtime/kind/plan.ts';
import { repoRoot } from '../lab/helpers.ts';

const CHARTS = resolve(repoRoot, '..', 'shared', 'upstream', 'charts');
const DIRS: Record<ChartName, string> = { frrk8s: 'frr-k8s', metallb: 'metallb', openperouter: 'openperouter' };

/** helm's --set typing (strvals): true/false are booleans, integers are int64, the rest strings. */
function typed(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+$/.test(v)) return Number(v);
  return v;
}

/** The problem with one `--set key=value` against a chart's values, or undefined when it is fine. */
function problem(values: Record<string, unknown>, key: string): string | undefined {
  let node: unknown = values;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return `${key}: "${part}" is not in the chart's values.yaml`;
    node = (node as Record<string, unknown>)[part];
  }
  return undefined;
}

function setValue(values: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let node = values;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = typed(value);
}

/** Draft-07 validator for a chart schema; its `$schema` URL (https in some charts) is not one ajv registers. */
function compile(schema: object, allErrors = false) {
  const { $schema: _declared, ...rest } = schema as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors }).compile(rest);
}

const present = existsSync(CHARTS);
if (!present) console.log(`SKIP chart values tests: ${CHARTS} is absent (upstream charts are not in this checkout)`);

describe.skipIf(!present).each(Object.keys(DIRS) as ChartName[])('--set values of chart %s', (chart) => {
  const dir = resolve(CHARTS, DIRS[chart]);
  const load = () => ({
    values: parse(readFileSync(resolve(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>,
    schema: JSON.parse(readFileSync(resolve(dir, 'values.schema.json'), 'utf8')) as object,
  });

  it('names only keys the chart has, with values its schema accepts', () => {
    const { values, schema } = load();
    const sets = chartValues(chart, { artifacts: PINNED });
    expect(sets.length).toBeGreaterThan(0);
    expect(sets.map(([k]) => problem(values, k)).filter((p) => p !== undefined)).toEqual([]);
    for (const [k, v] of sets) setValue(values, k, v);
    const validate = compile(schema, true);
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
  });

  it('still holds with an image given by digest', () => {
    const { values, schema } = load();
    const digest = `@sha256:${'a'.repeat(64)}`;
    const artifacts = withOverrides(
      PINNED,
      parseArtifactOverrides([`image.router=quay.io/openperouter/router${digest}`, `image.frrk8s=quay.io/metallb/frr-k8s:v0.0.25${digest}`]),
    );
    for (const [k, v] of chartValues(chart, { artifacts })) setValue(values, k, v);
    expect(compile(schema)(values)).toBe(true);
  });

  it('the check itself catches a misspelt key and a wrongly typed value', () => {
    const { values, schema } = load();
    const [first] = chartValues(chart, { artifacts: PINNED });
    expect(problem(values, `${first![0]}x`)).toMatch(/is not in the chart's values.yaml/);
    const image = chart === 'openperouter' ? 'openperouter.image.tag' : chart === 'metallb' ? 'controller.image.tag' : 'frrk8s.image.tag';
    setValue(values, image, 'true');
    expect(compile(schema)(values)).toBe(false);
  });
});
