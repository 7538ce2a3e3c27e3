import { describe, expect, test } from 'vitest';
import { InputErrors } from '../../src/errors.ts';
import { formatPath, lineOf, loadManifestFiles, parseManifests, parsePath } from '../../src/k8s/load.ts';
import { EVPN_FILES } from './helpers/cluster.ts';

const TEXT = `# leading comment
apiVersion: v1
kind: Namespace
metadata:
  name: red
---
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: pool
  namespace: metallb-system
  labels: { tier: a }
spec:
  addresses:
    - 172.30.0.10-172.30.0.15
    - 10.0.0.0/24
  serviceAllocation:
    namespaces: [red]
`;

function inputErrors(fn: () => unknown): InputErrors {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputErrors) return e;
    throw e;
  }
  throw new Error('expected InputErrors');
}

describe('parseManifests', () => {
  test('splits documents, skips empty ones, records file, document index and start line', () => {
    const ms = parseManifests(TEXT, 'x.yaml');
    expect(ms.map((m) => [m.kind, m.metadata.name, m.source])).toEqual([
      ['Namespace', 'red', { file: 'x.yaml', document: 0, line: 2 }],
      ['IPAddressPool', 'pool', { file: 'x.yaml', document: 2, line: 8 }],
    ]);
    expect(ms[1]?.metadata).toEqual({ name: 'pool', namespace: 'metallb-system', labels: { tier: 'a' } });
    expect(ms[1]?.spec).toEqual(ms[1]?.body.spec);
  });

  test('an empty file has no manifests', () => {
    expect(parseManifests('', 'e.yaml')).toEqual([]);
    expect(parseManifests('# only a comment\n', 'e.yaml')).toEqual([]);
  });

  test('YAML syntax errors name file and line', () => {
    const e = inputErrors(() => parseManifests('apiVersion: v1\nkind: [Namespace\nmetadata: {}\n', 'bad.yaml'));
    expect(e.errors[0]?.file).toBe('bad.yaml');
    expect(e.errors[0]?.line).toBeGreaterThanOrEqual(2);
    expect(e.message).toMatch(/valid YAML/);
  });

  test('duplicate keys are an error', () => {
    const e = inputErrors(() => parseManifests('apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata: {name: a}\n', 'dup.yaml'));
    expect(e.message).toMatch(/dup\.yaml:3/);
  });

  test('every envelope problem of every document is reported together', () => {
    const e = inputErrors(() => parseManifests('kind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {}\n---\n- a list\n', 'env.yaml'));
    expect(e.errors.map((x) => [x.path, x.line])).toEqual([
      ['apiVersion', 1],
      ['metadata.name', 6],
      ['', 9],
    ]);
  });
});

describe('lineOf', () => {
  const [, pool] = parseManifests(TEXT, 'x.yaml');
  test('finds keys and list items', () => {
    expect(lineOf(pool!, 'spec.addresses')).toBe(15);
    expect(lineOf(pool!, 'spec.addresses[1]')).toBe(17);
    expect(lineOf(pool!, ['spec', 'serviceAllocation', 'namespaces', 0])).toBe(19);
    expect(lineOf(pool!, 'metadata.labels.tier')).toBe(13);
  });
  test('falls back to the deepest existing ancestor', () => {
    expect(lineOf(pool!, 'spec.autoAssign')).toBe(14);
    expect(lineOf(pool!, 'spec.addresses[7]')).toBe(15);
  });
  test('matches keys case-insensitively as a fallback (old lowercase fields)', () => {
    const [m] = parseManifests('apiVersion: a/b\nkind: K\nmetadata: {name: n}\nspec:\n  hostsession:\n    localcidr: 1\n', 'l.yaml');
    expect(lineOf(m!, 'spec.hostSession.localCIDR')).toBe(6);
  });
});

test('formatPath and parsePath round-trip, quoting keys with dots or slashes', () => {
  const segs = ['metadata', 'annotations', 'metallb.io/address-pool'];
  expect(formatPath(segs)).toBe('metadata.annotations["metallb.io/address-pool"]');
  expect(parsePath(formatPath(segs))).toEqual(segs);
  expect(formatPath(['spec', 'neighbors', 0, 'address'])).toBe('spec.neighbors[0].address');
  expect(parsePath('spec.neighbors[0].address')).toEqual(['spec', 'neighbors', 0, 'address']);
});

describe('loadManifestFiles', () => {
  test('loads files in order', async () => {
    const ms = await loadManifestFiles(EVPN_FILES);
    expect(ms.map((m) => m.kind)).toEqual([
      'Underlay', 'L3VNI', 'L3VNI', 'BGPPeer', 'BGPPeer', 'IPAddressPool', 'IPAddressPool', 'BGPAdvertisement', 'BGPAdvertisement',
      'FRRConfiguration', 'Namespace', 'Namespace', 'Deployment', 'Service', 'Deployment', 'Service',
    ]);
  });
  test('a missing file is an input error naming it', async () => {
    await expect(loadManifestFiles(['/nonexistent/x.yaml'])).rejects.toThrow(/\/nonexistent\/x\.yaml.*ENOENT/);
  });
});
