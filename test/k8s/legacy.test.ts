import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { InputErrors } from '../../src/errors.ts';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import { convertLegacy, isLegacy } from '../../src/k8s/legacy.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import { validateManifests } from '../../src/k8s/validate.ts';
import { EVPN_FILES, legacyFixture, PASSTHROUGH_FILES, scenarioFiles, singlecluster } from './helpers/cluster.ts';
import { validateUpstream } from './helpers/upstream.ts';
import { missingShared } from '../helpers/shared.ts';

const skipUpstream = missingShared('upstream/crds', 'legacy conversions checked against the upstream CRDs');

describe.skipIf(skipUpstream !== undefined)('the seed documents (old OpenPERouter API)', () => {
  test('EVPN: the L3VNIs convert to the current API with a warning showing the modern YAML', async () => {
    const ms = await loadManifestFiles([legacyFixture('evpn-seed.yaml')]);
    expect(ms.filter(isLegacy).map((m) => m.metadata.name)).toEqual(['red', 'blue']);
    const r = validateManifests(ms, { crossObject: false });
    const red = r.manifests.find((m) => m.kind === 'L3VNI' && m.metadata.name === 'red');
    expect(red?.apiVersion).toBe('network.openperouter.io/v1alpha1');
    expect(red?.spec).toEqual({ vrf: 'red', vni: 100, hostSession: { asn: 64514, hostASN: 64515, localCIDR: { ipv4: '192.169.10.0/24' } } });
    expect(red?.source.file).toBe(legacyFixture('evpn-seed.yaml'));
    expect(r.warnings).toHaveLength(2);
    const w = r.warnings[0] as string;
    expect(w.startsWith(`${legacyFixture('evpn-seed.yaml')}:4: L3VNI red uses the old OpenPERouter API (openpe.openperouter.github.io/v1alpha1`)).toBe(true);
    // The warning's YAML is the converted document, ready to paste.
    const shown = parse(w.slice(w.indexOf('\n') + 1).replace(/^ {4}/gm, '')) as Record<string, unknown>;
    expect(shown).toEqual(red?.body);
    for (const m of r.manifests) expect(validateUpstream(m.body), `${m.kind}/${m.metadata.name}`).toEqual([]);
  });

  test('passthrough: hostsession converts to hostSession', async () => {
    const r = validateManifests(await loadManifestFiles([legacyFixture('passthrough-seed.yaml')]));
    const pt = r.manifests.find((m) => m.kind === 'L3Passthrough');
    expect(pt?.spec).toEqual({ hostSession: { asn: 64514, hostASN: 64515, localCIDR: { ipv4: '192.169.10.0/24' } } });
    expect(r.warnings).toHaveLength(1);
    for (const m of r.manifests) expect(validateUpstream(m.body), `${m.kind}/${m.metadata.name}`).toEqual([]);
  });

  test('the old Underlay shape (vtepcidr, nics) converts', async () => {
    const r = validateManifests(await loadManifestFiles([legacyFixture('underlay.yaml')]));
    expect(r.manifests[0]?.spec).toEqual({
      asn: 64514,
      interfaces: [{ type: 'NetworkDevice', networkDevice: { interfaceName: 'toswitch1' } }],
      tunnelEndpoint: { cidrs: ['100.65.0.0/24'] },
      neighbors: [{ asn: 64512, address: '192.168.11.2' }],
    });
    expect(validateUpstream(r.manifests[0]!.body)).toEqual([]);
  });

  test('the seed EVPN demo plus the rest of the current demo gives the same plan as the current demo', async () => {
    const current = computeDesiredState(await loadManifestFiles(EVPN_FILES), singlecluster);
    const seeded = computeDesiredState(
      await loadManifestFiles([
        legacyFixture('underlay.yaml'),
        legacyFixture('evpn-seed.yaml'),
        ...scenarioFiles('metallb-evpn', ['workloads.yaml']),
      ]).then(async (ms) => [...ms, ...(await loadManifestFiles(scenarioFiles('metallb-evpn', ['metallb.yaml']))).filter((m) => m.kind === 'IPAddressPool')]),
      singlecluster,
    );
    expect(seeded.nodes).toEqual(current.nodes.map((n) => ({ ...n, pe: { ...n.pe, sources: expect.any(Array) } })));
    expect(seeded.services).toEqual(current.services);
    expect(seeded.warnings).toHaveLength(3);
  });

  test('and the same for passthrough', async () => {
    const current = computeDesiredState(await loadManifestFiles(PASSTHROUGH_FILES), singlecluster);
    const seeded = computeDesiredState(
      await loadManifestFiles([...scenarioFiles('metallb-passthrough', ['underlay.yaml', 'workloads.yaml']), legacyFixture('passthrough-seed.yaml')]),
      singlecluster,
    );
    expect(seeded.nodes.map((n) => n.pe?.passthrough)).toEqual(current.nodes.map((n) => n.pe?.passthrough));
    expect(seeded.nodes.map((n) => n.speaker)).toEqual(current.nodes.map((n) => n.speaker));
  });
});

function errorsOf(text: string): InputErrors {
  try {
    validateManifests(parseManifests(text, 'old.yaml'), { crossObject: false });
  } catch (e) {
    if (e instanceof InputErrors) return e;
    throw e;
  }
  throw new Error('expected InputErrors');
}

describe('old fields are never dropped silently', () => {
  const head = 'apiVersion: openpe.openperouter.github.io/v1alpha1\nkind: L3VNI\nmetadata:\n  name: red\nspec:\n  asn: 64514\n  vni: 100\n  localcidr: 192.169.10.0/24\n  hostasn: 64515\n';
  test('an old field without a current equivalent is an error naming it, with its line', () => {
    const e = errorsOf(`${head}  routerid: 1.2.3.4\n`);
    expect(e.errors.map((x) => [x.path, x.line])).toEqual([['spec.routerid', 10]]);
    expect(e.errors[0]?.expected).toMatch(/routerid has none pelab knows/);
  });
  test('flat fields and hostsession together are ambiguous', () => {
    const e = errorsOf(`${head}  hostsession:\n    asn: 1\n`);
    expect(e.errors[0]?.path).toBe('spec.asn');
  });
  test('an old kind pelab cannot convert', () => {
    const e = errorsOf('apiVersion: openpe.openperouter.github.io/v1alpha1\nkind: L2VNI\nmetadata: {name: x}\nspec: {vni: 1}\n');
    expect(e.errors[0]?.path).toBe('kind');
  });
  test('converted documents are validated like current ones, with lines from the old document', () => {
    const e = errorsOf(head.replace('hostasn: 64515', 'hostasn: 64514'));
    expect(e.errors.map((x) => [x.path, x.line])).toEqual([['spec.hostSession.hostASN', 9]]);
  });
  test('errors in renamed Underlay fields point at the old field', () => {
    const e = errorsOf('apiVersion: openpe.openperouter.github.io/v1alpha1\nkind: Underlay\nmetadata: {name: u}\nspec:\n  asn: 64514\n  vtepcidr: 100.65.0.0\n  nics: [toswitch1]\n  neighbors:\n    - asn: 64512\n      address: 192.168.11.2\n      holdtime: 2s\n      keepalivetime: 1s\n');
    expect(e.errors.map((x) => [x.path, x.line])).toEqual([
      ['spec.neighbors[0].holdTimeSeconds', 11],
      ['spec.tunnelEndpoint.cidrs[0]', 6],
    ]);
  });
  test('convertLegacy on the old hostsession keeps every value', () => {
    const [m] = parseManifests('apiVersion: openpe.openperouter.github.io/v1alpha1\nkind: L3VNI\nmetadata: {name: v}\nspec:\n  vrf: other\n  vni: 5\n  vxlanport: 4790\n  hostsession: {asn: 1, hosttype: External, localcidr: {ipv4: 10.0.0.0/24, ipv6: "fd00::/64"}}\n', 'o.yaml');
    expect(convertLegacy(m!).manifest.spec).toEqual({
      vrf: 'other',
      vni: 5,
      vxlanPort: 4790,
      hostSession: { asn: 1, hostType: 'External', localCIDR: { ipv4: '10.0.0.0/24', ipv6: 'fd00::/64' } },
    });
  });
});
