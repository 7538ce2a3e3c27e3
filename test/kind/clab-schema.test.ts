// The topology the kind runtime writes must be one containerlab accepts: validated against
// containerlab's own JSON schema (../shared/upstream/containerlab, never copied into pelab),
// and every file it points at must be among the files the plan writes.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planDown, planUp } from '../../src/runtime/kind/plan.ts';
import { LAB_NAMES, repoLab, repoRoot } from '../lab/helpers.ts';
import { missingShared } from '../helpers/shared.ts';

const schemaPath = resolve(repoRoot, '..', 'shared', 'upstream', 'containerlab', 'clab.schema.json');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Editor annotation, and 2020-12's prefixItems (draft-07 spells it `items: [...]`).
  ajv.addKeyword({ keyword: 'markdownDescription', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'prefixItems', type: 'array', schemaType: 'array', macro: (items: unknown[]) => ({ items }) });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

const skipSchema = missingShared('upstream/containerlab/clab.schema.json', 'containerlab schema tests');
const validate = skipSchema === undefined ? validator() : Object.assign(() => false, { errors: null });
const WORK = '/srv/pelab/.pelab/kind/schema';

describe.skipIf(skipSchema !== undefined).each(LAB_NAMES)('generated topology: %s', (name) => {
  it('validates against containerlab\'s schema and points only at written files', async () => {
    const lab = await repoLab(name);
    const writes = planUp(lab, { workDir: WORK }).flatMap((s) => s.writes ?? []);
    const topoFile = writes.find((w) => w.path.endsWith('/topology.clab.yaml'))!;
    const topo = parse(topoFile.content) as { name: string; topology: { nodes: Record<string, { binds?: string[]; 'startup-config'?: string; kind: string }> } };
    expect(validate(topo), JSON.stringify(validate.errors, null, 1)).toBe(true);

    const written = new Set(writes.map((w) => w.path));
    const base = dirname(topoFile.path);
    for (const [node, n] of Object.entries(topo.topology.nodes)) {
      for (const bind of n.binds ?? []) expect(written.has(resolve(base, bind.split(':')[0]!)), `${node}: ${bind}`).toBe(true);
      if (n['startup-config']) expect(written.has(resolve(base, n['startup-config'])), `${node}: startup-config`).toBe(true);
    }
    expect(Object.values(topo.topology.nodes).some((n) => n.kind === 'k8s-kind')).toBe(true);
  });

  it('teardown writes the same topology', async () => {
    const lab = await repoLab(name);
    const up = planUp(lab, { workDir: WORK }).flatMap((s) => s.writes ?? []);
    const down = planDown(lab, { workDir: WORK }).flatMap((s) => s.writes ?? []);
    expect(down).toEqual(up);
  });
});
