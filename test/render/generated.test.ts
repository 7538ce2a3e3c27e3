// The committed generated files must be exactly what scripts/generate.ts renders now.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GENERATED_MARKER, LAB_SCHEMA_PATH, generatedFiles, labFiles, staleGeneratedFiles } from '../../scripts/generate.ts';
import { labFileSchema } from '../../src/lab/schema.ts';
import { BASE_LAB, repoRoot } from '../lab/helpers.ts';

const files = await generatedFiles(repoRoot);

describe('generated files', () => {
  it('cover every lab: topology, per-router frr.conf + daemons, kind config for labs with a cluster, the lab schema', async () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain(LAB_SCHEMA_PATH);
    for (const p of ['clab/singlecluster/topology.clab.yaml', 'clab/singlecluster/leafA/frr.conf', 'clab/singlecluster/spine/daemons', 'kind/singlecluster.yaml', 'clab/mini/topology.clab.yaml', 'kind/mini.yaml']) {
      expect(paths).toContain(p);
    }
    expect((await labFiles(repoRoot)).length).toBeGreaterThanOrEqual(2);
  });

  it.each(files.map((f) => [f.path, f] as const))('%s is committed and up to date', (path, f) => {
    const abs = join(repoRoot, path);
    if (!existsSync(abs)) throw new Error(`${path} is missing: run \`make generate\` and commit it`);
    const onDisk = readFileSync(abs, 'utf8');
    if (onDisk !== f.content) {
      const a = onDisk.split('\n');
      const b = f.content.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(
        `${path} is out of date (first difference at line ${line + 1}: committed ${JSON.stringify(a[line])}, ` +
          `rendered ${JSON.stringify(b[line])}): run \`make generate\` and commit the result`,
      );
    }
  });

  it('leave no stale generated files behind', async () => {
    const stale = await staleGeneratedFiles(repoRoot, files);
    if (stale.length > 0) throw new Error(`generated files no lab produces any more: ${stale.join(', ')} (run \`make generate\`, it removes them)`);
  });

  it('each say they are generated and how to regenerate, in their own comment syntax', () => {
    for (const f of files) {
      const head = f.path.endsWith('.json') ? (JSON.parse(f.content) as { $comment: string }).$comment : f.content.split('\n')[0]!;
      expect(head, f.path).toContain(GENERATED_MARKER);
      expect(head, f.path).toContain('make generate');
      if (f.path.endsWith('frr.conf')) expect(head.startsWith('! ')).toBe(true);
      if (f.path.endsWith('.yaml') || f.path.endsWith('daemons')) expect(head.startsWith('# ')).toBe(true);
      expect(f.content.endsWith('\n'), f.path).toBe(true);
    }
  });

  it('mk/generate.mk has the generate target', () => {
    expect(readFileSync(join(repoRoot, 'mk', 'generate.mk'), 'utf8')).toMatch(/^generate:\n\tnode scripts\/generate\.ts$/m);
  });
});

describe('the lab JSON Schema', () => {
  const schema = JSON.parse(files.find((f) => f.path === LAB_SCHEMA_PATH)!.content) as object;
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);

  it('accepts every lab in labs/, and each lab file points its editor at it', async () => {
    for (const path of await labFiles(repoRoot)) {
      const text = readFileSync(path, 'utf8');
      expect(validate(parse(text)), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(text).toContain('# yaml-language-server: $schema=../schemas/lab.schema.json');
    }
  });

  it('agrees with the zod schema on what it can express', () => {
    const base = parse(BASE_LAB) as Record<string, any>;
    const variants: [string, (d: Record<string, any>) => void][] = [
      ['bad router ID', (d) => (d.spec.routers[0].routerId = '10.0.0.256')],
      ['leading zero', (d) => (d.spec.routers[0].routerId = '10.0.0.01')],
      ['good router ID', (d) => (d.spec.routers[0].routerId = '10.0.0.255')],
      ['bad CIDR', (d) => (d.spec.hosts[0].subnet = '10.2.0.0/33')],
      ['CIDR without length', (d) => (d.spec.hosts[0].subnet = '10.2.0.0')],
      ['good CIDR /32', (d) => (d.spec.hosts[0].subnet = '10.2.0.0/32')],
      ['CIDR length with a leading zero', (d) => (d.spec.hosts[0].subnet = '10.2.0.0/08')],
      ['long interface', (d) => (d.spec.hosts[0].leafInterface = 'sixteen-chars-xx')],
      ['long endpoint interface', (d) => (d.spec.links[0].b = 'l1:sixteen-chars-xx')],
      ['unknown field', (d) => (d.spec.extra = 1)],
      ['ASN too big', (d) => (d.spec.routers[0].asn = 4294967296)],
      ['missing vrfs is fine (defaulted)', (d) => delete d.spec.vrfs],
    ];
    for (const [what, change] of variants) {
      const doc = structuredClone(base);
      change(doc);
      expect(validate(doc), what).toBe(labFileSchema.safeParse(doc).success);
    }
  });
});
