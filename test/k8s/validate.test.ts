// Cross-object checks: what the API server, webhooks or controllers reject about a set.
import { describe, expect, test } from 'vitest';
import { InputErrors } from '../../src/errors.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import type { Manifest } from '../../src/k8s/manifest.ts';
import { validateManifests } from '../../src/k8s/validate.ts';
import { EVPN_FILES, legacyFixture } from './helpers/cluster.ts';

const evpn = () => loadManifestFiles(EVPN_FILES);
const extra = (text: string) => parseManifests(text, 'extra.yaml');

function problems(ms: readonly Manifest[]): { path: string; file: string; line: number | undefined; expected: string }[] {
  try {
    validateManifests(ms);
  } catch (e) {
    if (e instanceof InputErrors) return e.errors.map((x) => ({ path: x.path, file: x.file, line: x.line, expected: x.expected }));
    throw e;
  }
  return [];
}

const replace = (ms: Manifest[], kind: string, name: string, text: string) => [...ms.filter((m) => !(m.kind === kind && m.metadata.name === name)), ...extra(text)];

describe('references', () => {
  test('a BGPAdvertisement naming a pool or a peer that does not exist', async () => {
    const ms = replace(
      await evpn(),
      'BGPAdvertisement',
      'bgp-advertisement-red',
      'apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: bgp-advertisement-red, namespace: metallb-system}\nspec:\n  ipAddressPools: [address-pool-rd]\n  peers: [peerred, peergreen]\n  communities: [no-export]\n',
    );
    expect(problems(ms)).toEqual([
      { file: 'extra.yaml', line: 5, path: 'spec.ipAddressPools[0]', expected: expect.stringMatching(/address-pool-rd does not exist; pools: address-pool-red, address-pool-blue/) },
      { file: 'extra.yaml', line: 6, path: 'spec.peers[1]', expected: expect.stringMatching(/peergreen does not exist/) },
      { file: 'extra.yaml', line: 7, path: 'spec.communities[0]', expected: expect.stringMatching(/write no-export as "65535:65281"/) },
    ]);
  });

  test('a community alias defined in a Community resource is fine', async () => {
    const ms = [
      ...(await evpn()),
      ...extra(
        'apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: c, namespace: metallb-system}\nspec:\n  communities: [{name: no-export, value: "65535:65281"}]\n---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: a2, namespace: metallb-system}\nspec:\n  communities: [no-export, "large:1:2:3"]\n',
      ),
    ];
    expect(problems(ms)).toEqual([]);
  });

  test('a Service or Deployment in a namespace that is not declared', async () => {
    const ms = [...(await evpn()), ...extra('apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: green}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n')];
    expect(problems(ms)).toEqual([{ file: 'extra.yaml', line: 3, path: 'metadata.namespace', expected: expect.stringMatching(/green is not among the Namespaces given: red, blue/) }]);
  });

  test('MetalLB and frr-k8s objects outside their namespace are never read', async () => {
    const ms = replace(await evpn(), 'BGPPeer', 'peerred', 'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: peerred}\nspec: {myASN: 64515, peerASN: 64514, peerAddress: 192.169.10.1}\n');
    expect(problems(ms)).toEqual([{ file: 'extra.yaml', line: 3, path: 'metadata.namespace', expected: expect.stringMatching(/^metallb-system: MetalLB only reads/) }]);
  });
});

describe('conflicts', () => {
  test('two L3VNIs with the same VNI, or the same VRF', async () => {
    const ms = [
      ...(await evpn()),
      ...extra('apiVersion: network.openperouter.io/v1alpha1\nkind: L3VNI\nmetadata: {name: green}\nspec:\n  vrf: green\n  vni: 100\n---\napiVersion: network.openperouter.io/v1alpha1\nkind: L3VNI\nmetadata: {name: red2}\nspec:\n  vrf: red\n  vni: 300\n'),
    ];
    expect(problems(ms).map((p) => [p.path, p.line])).toEqual([
      ['spec.vni', 6],
      ['spec.vrf', 12],
    ]);
  });

  test('more than one L3Passthrough (or Underlay) for the same nodes', () => {
    const pt = (name: string, cidr: string) =>
      `apiVersion: network.openperouter.io/v1alpha1\nkind: L3Passthrough\nmetadata: {name: ${name}}\nspec:\n  hostSession: {asn: 64514, hostASN: 64515, localCIDR: {ipv4: ${cidr}}}\n`;
    const p = problems(extra(`${pt('a', '192.169.10.0/24')}---\n${pt('b', '192.169.12.0/24')}`));
    expect(p.map((x) => x.path)).toEqual(['metadata.name']);
    expect(p[0]?.expected).toMatch(/at most one L3Passthrough per node/);
  });

  test('host-session CIDRs that overlap (both host sides live in the default namespace)', async () => {
    const ms = replace(
      await evpn(),
      'L3VNI',
      'blue',
      'apiVersion: network.openperouter.io/v1alpha1\nkind: L3VNI\nmetadata: {name: blue}\nspec:\n  vrf: blue\n  vni: 200\n  hostSession: {asn: 64514, hostASN: 64515, localCIDR: {ipv4: 192.169.10.128/25}}\n',
    );
    expect(problems(ms).map((p) => p.path)).toEqual(['spec.hostSession.localCIDR.ipv4']);
  });

  test('the same object twice', async () => {
    const ms = [...(await evpn()), ...extra('apiVersion: v1\nkind: Namespace\nmetadata: {name: red}\n')];
    expect(problems(ms)).toEqual([{ file: 'extra.yaml', line: 3, path: 'metadata.name', expected: expect.stringMatching(/Namespace\/red is also defined at .*workloads\.yaml:3/) }]);
  });

  test('overlapping pools', async () => {
    const ms = [...(await evpn()), ...extra('apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p3, namespace: metallb-system}\nspec:\n  addresses:\n    - 10.0.0.0/24\n    - 172.30.0.12/32\n')];
    expect(problems(ms)).toEqual([{ file: 'extra.yaml', line: 7, path: 'spec.addresses[1]', expected: expect.stringMatching(/overlaps 172\.30\.0\.12\/30/) }]);
  });

  test('an aggregationLength shorter than a pool entry', async () => {
    const ms = [...(await evpn()), ...extra('apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: agg, namespace: metallb-system}\nspec:\n  ipAddressPools: [address-pool-red]\n  aggregationLength: 24\n')];
    // 172.30.0.10-172.30.0.15 is summarised into 172.30.0.10/31 and 172.30.0.12/30.
    expect(problems(ms)).toEqual([{ file: 'extra.yaml', line: 6, path: 'spec.aggregationLength', expected: expect.stringMatching(/at least 31: .*172\.30\.0\.10\/31/) }]);
  });
});

describe('warnings', () => {
  test('a Service without a backing Deployment', async () => {
    const ms = (await evpn()).filter((m) => !(m.kind === 'Deployment' && m.metadata.name === 'nginx-red'));
    const w = validateManifests(ms).warnings;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/workloads\.yaml:\d+: Service red\/nginx-service-red has no Deployment/);
  });
  test('a legacy document', async () => {
    const ms = [...(await evpn()).filter((m) => m.kind !== 'L3VNI'), ...(await loadManifestFiles([legacyFixture('evpn-seed.yaml')])).filter((m) => m.kind === 'L3VNI')];
    expect(validateManifests(ms).warnings.map((w) => w.split('\n')[0])).toEqual([
      expect.stringMatching(/evpn-seed\.yaml:4: L3VNI red uses the old OpenPERouter API/),
      expect.stringMatching(/evpn-seed\.yaml:15: L3VNI blue uses the old OpenPERouter API/),
    ]);
  });
});

test('crossObject: false validates objects alone (for partial sets)', async () => {
  const adv = (await evpn()).filter((m) => m.kind === 'BGPAdvertisement');
  expect(() => validateManifests(adv)).toThrow(InputErrors);
  expect(validateManifests(adv, { crossObject: false }).manifests).toHaveLength(2);
});
