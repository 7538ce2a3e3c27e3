// pelab's own schemas against the upstream CRDs: the demos pass both, structurally invalid
// manifests fail both (and pelab's error names file, line and path), CEL-only rules fail
// pelab, and every field pelab accepts exists upstream.
import { describe, expect, test } from 'vitest';
import { InputErrors } from '../../src/errors.ts';
import type { InputError } from '../../src/errors.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import { jsonSchemaOf, SUPPORTED_KINDS, validateObject } from '../../src/k8s/schemas/index.ts';
import { validateManifests } from '../../src/k8s/validate.ts';
import { EVPN_FILES, PASSTHROUGH_FILES } from './helpers/cluster.ts';
import { upstreamSchema, validateUpstream } from './helpers/upstream.ts';
import { missingShared } from '../helpers/shared.ts';

const CRD_KINDS = new Set(SUPPORTED_KINDS.filter((k) => k.crd).map((k) => k.kind));

const skipUpstream = missingShared('upstream/crds', 'comparisons with the upstream CRDs');

describe.skipIf(skipUpstream !== undefined).each([
  ['metallb-evpn', EVPN_FILES],
  ['metallb-passthrough', PASSTHROUGH_FILES],
])('demo %s', (_name, files) => {
  test('validates with pelab, with no warnings', async () => {
    const ms = await loadManifestFiles(files);
    const r = validateManifests(ms);
    expect(r.warnings).toEqual([]);
    expect(r.manifests).toHaveLength(ms.length);
  });
  test('every custom resource validates against the upstream CRD', async () => {
    const ms = await loadManifestFiles(files);
    for (const m of ms) {
      const errors = validateUpstream(m.body);
      if (CRD_KINDS.has(m.kind)) expect(errors, `${m.kind}/${m.metadata.name}`).toEqual([]);
      else expect(errors).toBeUndefined();
    }
  });
});

const HEAD: Record<string, string> = {
  L3VNI: 'apiVersion: network.openperouter.io/v1alpha1\nkind: L3VNI\nmetadata:\n  name: red\n  namespace: openperouter-system\n',
  L3Passthrough: 'apiVersion: network.openperouter.io/v1alpha1\nkind: L3Passthrough\nmetadata:\n  name: pt\n  namespace: openperouter-system\n',
  Underlay: 'apiVersion: network.openperouter.io/v1alpha1\nkind: Underlay\nmetadata:\n  name: u\n  namespace: openperouter-system\n',
  BGPPeer: 'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata:\n  name: p\n  namespace: metallb-system\n',
  IPAddressPool: 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: pool\n  namespace: metallb-system\n',
  BGPAdvertisement: 'apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata:\n  name: adv\n  namespace: metallb-system\n',
  FRRConfiguration: 'apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata:\n  name: f\n  namespace: frr-k8s-system\n',
};

const VNI = (hs: string) => `spec:\n  vrf: red\n  vni: 100\n  hostSession:\n${hs}`;
const UNDERLAY_OK = 'spec:\n  asn: 64514\n  interfaces:\n    - type: NetworkDevice\n      networkDevice:\n        interfaceName: toswitch1\n  neighbors:\n    - asn: 64512\n      address: 192.168.11.2\n';
const ROUTER = (neighbor: string) => `spec:\n  bgp:\n    routers:\n      - asn: 64515\n        neighbors:\n          - address: 192.169.10.1\n            asn: 64514\n${neighbor}`;

/** [description, kind, spec text, expected path, expected line] */
const STRUCTURAL: [string, string, string, string, number][] = [
  ['hostType enum is case-sensitive', 'L3VNI', VNI('    asn: 64514\n    hostType: external\n    localCIDR:\n      ipv4: 192.169.10.0/24\n'), 'spec.hostSession.hostType', 11],
  ['vni below 1', 'L3VNI', 'spec:\n  vrf: red\n  vni: 0\n', 'spec.vni', 8],
  ['vrf name over 15 characters', 'L3VNI', 'spec:\n  vrf: a-very-long-vrf-name\n  vni: 100\n', 'spec.vrf', 7],
  ['missing required vrf', 'L3VNI', 'spec:\n  vni: 100\n', 'spec.vrf', 6],
  ['hostASN above the ASN range', 'L3VNI', VNI('    asn: 64514\n    hostASN: 4294967296\n    localCIDR:\n      ipv4: 192.169.10.0/24\n'), 'spec.hostSession.hostASN', 11],
  ['old lowercase field in the current API', 'L3VNI', 'spec:\n  vrf: red\n  vni: 100\n  localcidr: 192.169.10.0/24\n', 'spec.localcidr', 9],
  ['passthrough without hostSession', 'L3Passthrough', 'spec: {}\n', 'spec.hostSession', 6],
  ['underlay without neighbors', 'Underlay', 'spec:\n  asn: 64514\n  interfaces:\n    - type: NetworkDevice\n      networkDevice:\n        interfaceName: toswitch1\n', 'spec.neighbors', 6],
  ['interface type enum is case-sensitive', 'Underlay', UNDERLAY_OK.replace('type: NetworkDevice', 'type: networkdevice'), 'spec.interfaces[0].type', 9],
  ['old vtepcidr field in the current API', 'Underlay', `${UNDERLAY_OK}  vtepcidr: 100.65.0.0/24\n`, 'spec.vtepcidr', 15],
  ['dynamicASN enum is case-sensitive', 'BGPPeer', 'spec:\n  myASN: 64515\n  dynamicASN: External\n  peerAddress: 192.169.10.1\n', 'spec.dynamicASN', 8],
  ['peerPort above 16384', 'BGPPeer', 'spec:\n  myASN: 64515\n  peerASN: 64514\n  peerAddress: 192.169.10.1\n  peerPort: 20000\n', 'spec.peerPort', 10],
  ['pool without addresses', 'IPAddressPool', 'spec:\n  autoAssign: true\n', 'spec.addresses', 6],
  ['autoAssign as a string', 'IPAddressPool', 'spec:\n  addresses: [172.30.0.0/24]\n  autoAssign: "yes"\n', 'spec.autoAssign', 8],
  ['aggregationLength below 1', 'BGPAdvertisement', 'spec:\n  aggregationLength: 0\n', 'spec.aggregationLength', 7],
  ['toReceive mode enum is case-sensitive', 'FRRConfiguration', ROUTER('            toReceive:\n              allowed:\n                mode: All\n'), 'spec.bgp.routers[0].neighbors[0].toReceive.allowed.mode', 15],
  ['receive ge above 128', 'FRRConfiguration', ROUTER('            toReceive:\n              allowed:\n                prefixes:\n                  - prefix: 10.0.0.0/8\n                    ge: 200\n'), 'spec.bgp.routers[0].neighbors[0].toReceive.allowed.prefixes[0].ge', 17],
  ['unknown top-level field', 'BGPAdvertisement', 'specs: {}\n', 'specs', 6],
];

function pelabErrors(text: string): InputError[] {
  const ms = parseManifests(text, 'bad.yaml');
  try {
    validateManifests(ms, { crossObject: false });
  } catch (e) {
    if (e instanceof InputErrors) return [...e.errors];
    throw e;
  }
  return [];
}

describe.skipIf(skipUpstream !== undefined)('structurally invalid manifests are rejected by pelab and by the upstream CRD', () => {
  test.each(STRUCTURAL)('%s', (_what, kind, spec, path, line) => {
    const text = `${HEAD[kind]}${spec}`;
    const errors = pelabErrors(text);
    const hit = errors.find((e) => e.path === path);
    expect(hit, errors.map((e) => e.message).join('\n')).toBeDefined();
    expect(hit?.file).toBe('bad.yaml');
    expect(hit?.line).toBe(line);
    expect(hit?.message).toContain(`bad.yaml:${line}: ${path}:`);
    const [m] = parseManifests(text, 'bad.yaml');
    expect(validateUpstream(m!.body)?.length).toBeGreaterThan(0);
  });
});

/** Rules upstream enforces with CEL or webhooks (ajv does not evaluate CEL): pelab rejects them. */
const CEL: [string, string, string, string][] = [
  ['hostASN equal to asn', 'L3VNI', VNI('    asn: 64514\n    hostASN: 64514\n    localCIDR:\n      ipv4: 192.169.10.0/24\n'), 'spec.hostSession.hostASN'],
  ['both hostASN and hostType', 'L3VNI', VNI('    asn: 64514\n    hostASN: 64515\n    hostType: External\n    localCIDR:\n      ipv4: 192.169.10.0/24\n'), 'spec.hostSession.hostASN'],
  ['neither hostASN nor hostType', 'L3VNI', VNI('    asn: 64514\n    localCIDR:\n      ipv4: 192.169.10.0/24\n'), 'spec.hostSession.hostASN'],
  ['localCIDR without ipv4 or ipv6', 'L3VNI', VNI('    asn: 64514\n    hostASN: 64515\n    localCIDR: {}\n'), 'spec.hostSession.localCIDR'],
  ['localCIDR that is not a CIDR', 'L3VNI', VNI('    asn: 64514\n    hostASN: 64515\n    localCIDR:\n      ipv4: 192.169.10.0\n'), 'spec.hostSession.localCIDR.ipv4'],
  ['underlay neighbor with asn and type', 'Underlay', UNDERLAY_OK.replace('    - asn: 64512\n', '    - asn: 64512\n      type: External\n'), 'spec.neighbors[0].asn'],
  ['underlay neighbor address not an IP', 'Underlay', UNDERLAY_OK.replace('192.168.11.2', '192.168.11'), 'spec.neighbors[0].address'],
  ['tunnel CIDR that is not a CIDR', 'Underlay', `${UNDERLAY_OK}  tunnelEndpoint:\n    cidrs: [100.65.0.0]\n`, 'spec.tunnelEndpoint.cidrs[0]'],
  ['hold time below 3 seconds', 'Underlay', UNDERLAY_OK.replace('      address: 192.168.11.2\n', '      address: 192.168.11.2\n      holdTimeSeconds: 2\n      keepaliveTimeSeconds: 1\n'), 'spec.neighbors[0].holdTimeSeconds'],
  ['peer without peerASN or dynamicASN', 'BGPPeer', 'spec:\n  myASN: 64515\n  peerAddress: 192.169.10.1\n', 'spec.peerASN'],
  ['connectTime under a second', 'BGPPeer', 'spec:\n  myASN: 64515\n  peerASN: 64514\n  peerAddress: 192.169.10.1\n  connectTime: 500ms\n', 'spec.connectTime'],
  ['pool range reversed', 'IPAddressPool', 'spec:\n  addresses: [172.30.0.15-172.30.0.10]\n', 'spec.addresses[0]'],
];

describe('rules upstream enforces in CEL or webhooks are rejected by pelab', () => {
  test.each(CEL)('%s', (_what, kind, spec, path) => {
    const errors = pelabErrors(`${HEAD[kind]}${spec}`);
    expect(errors.map((e) => e.path), errors.map((e) => e.message).join('\n')).toContain(path);
    expect(errors.every((e) => e.line !== undefined)).toBe(true);
  });
});

describe('unsupported kinds and fields are errors that name them', () => {
  test('a kind pelab does not emulate', () => {
    const errors = pelabErrors('apiVersion: network.openperouter.io/v1alpha1\nkind: L2VNI\nmetadata: {name: x}\nspec: {vni: 1}\n');
    expect(errors[0]?.path).toBe('kind');
    expect(errors[0]?.message).toMatch(/network\.openperouter\.io\/v1alpha1 L2VNI is not; supported: .*Underlay/);
  });
  test('a supported kind under an apiVersion MetalLB does not serve', () => {
    const errors = pelabErrors('apiVersion: metallb.io/v1alpha1\nkind: BGPPeer\nmetadata: {name: x, namespace: metallb-system}\nspec: {myASN: 1, peerASN: 2, peerAddress: 1.2.3.4}\n');
    expect(errors[0]?.path).toBe('apiVersion');
    expect(errors[0]?.message).toMatch(/metallb\.io\/v1beta2 for kind BGPPeer \(metallb\.io\/v1alpha1 is not supported/);
  });
  test('an upstream field pelab does not emulate names the field and what is supported there', () => {
    const errors = pelabErrors(`${HEAD.Underlay}${UNDERLAY_OK}  isis:\n    baseNet: 49.0001.0000.0000.0001.00\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('spec.isis');
    expect(errors[0]?.line).toBe(15);
    expect(errors[0]?.expected).toMatch(/isis is not supported by pelab for Underlay \(supported here: asn, interfaces, neighbors, nodeSelector, routerIDCIDR, tunnelEndpoint\)/);
  });
  test('CNIDevice interfaces are refused with the reason', () => {
    const errors = pelabErrors(`${HEAD.Underlay}${UNDERLAY_OK.replace('type: NetworkDevice', 'type: CNIDevice')}`);
    expect(errors.find((e) => e.path === 'spec.interfaces[0].type')?.expected).toMatch(/does not emulate CNIDevice/);
  });
  test('wildcard import route targets, which FRR 8.4 does not take', () => {
    const errors = pelabErrors(`${HEAD.L3VNI}spec:\n  vrf: red\n  vni: 100\n  importRTs: ["*:100"]\n`);
    expect(errors.map((e) => [e.path, e.line])).toEqual([['spec.importRTs[0]', 9]]);
    expect(errors[0]?.expected).toMatch(/wildcard/);
  });
  test('a Service that is not a LoadBalancer, and a MetalLB annotation that does not exist', () => {
    const errors = pelabErrors('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: ClusterIP\n  ports: [{port: 80}]\n');
    expect(errors.map((e) => [e.path, e.line])).toEqual([['spec.type', 6]]);
    const annotated = pelabErrors(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    metallb.io/allow-shared-ip: k\n    metallb.io/ip-pool: p\n    metallb.universe.tf/no-such: x\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n',
    );
    expect(annotated.map((e) => [e.path, e.line])).toEqual([
      ['metadata.annotations["metallb.io/ip-pool"]', 7],
      ['metadata.annotations["metallb.universe.tf/no-such"]', 8],
    ]);
    expect(annotated[0]?.expected).toMatch(/metallb\.io\/address-pool, metallb\.io\/allow-shared-ip/);
  });
  test('a well-known community name gets its numeric form as the hint', () => {
    const errors = pelabErrors('apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: c, namespace: metallb-system}\nspec:\n  communities:\n    - name: local-only\n      value: no-export\n');
    expect(errors.map((e) => [e.path, e.line])).toEqual([['spec.communities[0].value', 7]]);
    expect(errors[0]?.expected).toMatch(/write no-export as "65535:65281"/);
  });
  test('a kind that is neither emulated nor observe-only stays an error', () => {
    const errors = pelabErrors('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: default}\nspec: {podSelector: {}}\n');
    expect(errors.map((e) => e.path)).toEqual(['kind']);
  });
  test('status is not something a manifest sets', () => {
    const [m] = parseManifests(`${HEAD.BGPAdvertisement}status: {}\n`, 's.yaml');
    expect(validateObject(m!).map((e) => e.path)).toEqual(['status']);
  });
});

type Json = { type?: string | string[]; properties?: Record<string, Json>; items?: Json; additionalProperties?: Json | boolean; anyOf?: Json[]; oneOf?: Json[]; allOf?: Json[] };

/** Every property path pelab's schema accepts (objects, arrays, maps). */
function pelabPaths(s: Json, prefix: string, out: string[]): string[] {
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) pelabPaths(alt, prefix, out);
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    out.push(`${prefix}${k}`);
    pelabPaths(v, `${prefix}${k}.`, out);
  }
  if (s.items) pelabPaths(s.items, `${prefix}[].`, out);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') pelabPaths(s.additionalProperties, `${prefix}{}.`, out);
  return out;
}

function upstreamHas(schema: Json, path: string): boolean {
  let node: Json | undefined = schema;
  for (const seg of path.split('.')) {
    if (!node) return false;
    if (seg === '[]') node = node.items;
    else if (seg === '{}') node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    else node = node.properties?.[seg];
  }
  return node !== undefined;
}

describe.skipIf(skipUpstream !== undefined)('every field pelab accepts exists in the upstream CRD', () => {
  test.each(SUPPORTED_KINDS.filter((k) => k.crd).map((k) => [k.kind, k] as const))('%s', (_kind, info) => {
    const upstream = upstreamSchema(info.apiVersion, info.kind) as Json | undefined;
    expect(upstream).toBeDefined();
    // metadata is ObjectMeta, which CRDs do not spell out.
    const paths = pelabPaths(jsonSchemaOf(info) as Json, '', []).filter((p) => !p.startsWith('metadata.'));
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((p) => !upstreamHas(upstream!, p))).toEqual([]);
  });
});
