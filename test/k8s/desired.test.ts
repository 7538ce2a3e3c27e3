import { describe, expect, test } from 'vitest';
import { InputErrors } from '../../src/errors.ts';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import type { DesiredState } from '../../src/k8s/desired.ts';
import { routerMacFor } from '../../src/k8s/desired-pe.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import type { Manifest } from '../../src/k8s/manifest.ts';
import { EVPN_FILES, PASSTHROUGH_FILES, singlecluster } from './helpers/cluster.ts';

const extra = (text: string) => parseManifests(text, 'extra.yaml');
const without = (ms: Manifest[], kind: string, name?: string) => ms.filter((m) => !(m.kind === kind && (name === undefined || m.metadata.name === name)));

function inputErrors(fn: () => unknown): InputErrors {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputErrors) return e;
    throw e;
  }
  throw new Error('expected InputErrors');
}

describe('the EVPN demo on the singlecluster cluster', async () => {
  const d: DesiredState = computeDesiredState(await loadManifestFiles(EVPN_FILES), singlecluster);
  const pes = d.nodes.map((n) => n.pe!);

  test('one PE and one speaker per node, in node index order', () => {
    expect(d.nodes.map((n) => [n.node, n.index, !!n.pe, !!n.speaker])).toEqual([
      ['pe-kind-control-plane', 0, true, true],
      ['pe-kind-worker', 1, true, true],
      ['pe-kind-worker2', 2, true, true],
    ]);
    expect(d.warnings).toEqual([]);
  });

  test('VTEPs, router IDs and the underlay interface taken over with its address', () => {
    expect(pes.map((p) => p.vtep)).toEqual(['100.65.0.0', '100.65.0.1', '100.65.0.2']);
    expect(pes.map((p) => p.routerId)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(pes.map((p) => p.interfaces)).toEqual(
      [3, 4, 5].map((h, i) => [{ name: 'toswitch1', switch: 'leafkind1-sw', address: { ip: `192.168.11.${h}`, prefixLength: 24 }, mac: `02:00:00:00:01:0${i}` }]),
    );
    expect(pes[0]?.neighbors).toEqual([{ address: '192.168.11.2', remoteAs: 64512, ebgp: true, timers: { connectSeconds: 1 } }]);
    expect(pes[0]?.asn).toBe(64514);
    expect(pes[0]?.coalesceTimeMs).toBe(50);
  });

  test('router MACs: stable, distinct per node, locally administered unicast', () => {
    const macs = pes.map((p) => p.routerMac);
    expect(new Set(macs).size).toBe(3);
    expect(macs[1]).toBe(routerMacFor('pe-kind-worker'));
    for (const m of macs) {
      expect(m).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(parseInt(m.slice(0, 2), 16) & 0x03).toBe(0x02);
    }
  });

  test('L3VNIs: VRF, VNI, device names and the host session addressing', () => {
    expect(pes[0]?.l3vnis.map((v) => [v.vrf, v.vni, v.asn, v.bridge, v.vxlan, v.vxlanPort])).toEqual([
      ['red', 100, 64514, 'br-pe-100', 'vni100', 4789],
      ['blue', 200, 64514, 'br-pe-200', 'vni200', 4789],
    ]);
    expect(pes.map((p) => p.l3vnis[0]?.hostSession?.ipv4)).toEqual(
      [2, 3, 4].map((h) => ({ routerSide: { ip: '192.169.10.1', prefixLength: 24 }, hostSide: { ip: `192.169.10.${h}`, prefixLength: 24 } })),
    );
    expect(pes[2]?.l3vnis[1]?.hostSession).toEqual({
      asn: 64514,
      remoteAs: 64515,
      ebgp: true,
      ipv4: { routerSide: { ip: '192.169.11.1', prefixLength: 24 }, hostSide: { ip: '192.169.11.4', prefixLength: 24 } },
      routerInterface: 'pe-e-200',
      hostInterface: 'host-e-200',
    });
    expect(pes[0]?.passthrough).toBeUndefined();
  });

  test('the red service gets 172.30.0.10 and goes only to peerred; blue 172.30.0.16 only to peerblue', () => {
    expect(d.services.map((s) => [`${s.namespace}/${s.name}`, s.ips, s.pool])).toEqual([
      ['red/nginx-service-red', ['172.30.0.10'], 'address-pool-red'],
      ['blue/nginx-service-blue', ['172.30.0.16'], 'address-pool-blue'],
    ]);
    for (const n of d.nodes) {
      const s = n.speaker!;
      expect(s.asn).toBe(64515);
      expect(s.prefixes).toEqual(['172.30.0.10/32', '172.30.0.16/32']);
      expect(s.neighbors.map((x) => [x.address, x.remoteAs, x.peerNames, x.advertise.map((a) => a.prefix), x.receive, x.timers])).toEqual([
        ['192.169.10.1', 64514, ['peerred'], ['172.30.0.10/32'], { mode: 'all' }, { connectSeconds: 1 }],
        ['192.169.11.1', 64514, ['peerblue'], ['172.30.0.16/32'], { mode: 'all' }, { connectSeconds: 1 }],
      ]);
      expect(s.sources).toEqual(['BGPPeer/metallb-system/peerblue', 'BGPPeer/metallb-system/peerred', 'FRRConfiguration/frr-k8s-system/receive-all']);
    }
    const red = d.services[0]!;
    expect(red.announcements).toEqual(d.nodes.map((n) => ({ node: n.node, neighbor: '192.169.10.1', prefix: '172.30.0.10/32' })));
    expect(red.backends).toEqual([{ deployment: 'nginx-red', image: 'nginx:1.27', replicas: 1, containerPorts: [80] }]);
    expect(red.ports).toEqual([{ protocol: 'TCP', port: 80, targetPort: 80 }]);
    expect(red.endpointNodes).toEqual(['pe-kind-worker']);
  });

  test('the tuning deviations are listed', () => {
    expect(d.deviations).toHaveLength(3);
    expect(d.deviations.join('\n')).toMatch(/connect retry 1s.*\n.*coalesce-time 50ms.*\n.*delay-timer 0/);
  });

  test('is deterministic', async () => {
    expect(computeDesiredState(await loadManifestFiles(EVPN_FILES), singlecluster)).toEqual(d);
  });
});

describe('the passthrough demo', async () => {
  const d = computeDesiredState(await loadManifestFiles(PASSTHROUGH_FILES), singlecluster);
  test('pt-ns/pt-host with the same addressing rule, in the default router, connect 5', () => {
    expect(d.nodes.map((n) => n.pe?.passthrough)).toEqual(
      [2, 3, 4].map((h) => ({
        name: 'passthrough',
        connectSeconds: 5,
        hostSession: {
          asn: 64514,
          remoteAs: 64515,
          ebgp: true,
          ipv4: { routerSide: { ip: '192.169.10.1', prefixLength: 24 }, hostSide: { ip: `192.169.10.${h}`, prefixLength: 24 } },
          routerInterface: 'pt-ns',
          hostInterface: 'pt-host',
        },
      })),
    );
    expect(d.nodes.every((n) => n.pe?.vtep === undefined && n.pe?.l3vnis.length === 0)).toBe(true);
    expect(d.services[0]?.ips).toEqual(['172.30.0.10']);
    expect(d.nodes[0]?.speaker?.neighbors[0]?.advertise).toEqual([{ prefix: '172.30.0.10/32', communities: [], largeCommunities: [] }]);
  });
});

describe('per-node errors', async () => {
  const ms = await loadManifestFiles(EVPN_FILES);
  test('the Underlay interface must be one of the node attachments', () => {
    const bad = [...without(ms, 'Underlay'), ...extra('apiVersion: network.openperouter.io/v1alpha1\nkind: Underlay\nmetadata: {name: u}\nspec:\n  asn: 64514\n  interfaces:\n    - type: NetworkDevice\n      networkDevice:\n        interfaceName: eth9\n  neighbors: [{asn: 64512, address: 192.168.11.2}]\n  tunnelEndpoint: {cidrs: [100.65.0.0/24]}\n')];
    const e = inputErrors(() => computeDesiredState(bad, singlecluster));
    expect(e.errors.map((x) => [x.path, x.line])).toEqual([['spec.interfaces[0].networkDevice.interfaceName', 9]]);
    expect(e.errors[0]?.expected).toMatch(/an interface of node pe-kind-control-plane \(eth9 is not; it has toswitch1, toswitch2\)/);
  });
  test('an L3VNI without an Underlay', () => {
    const e = inputErrors(() => computeDesiredState(without(ms, 'Underlay'), singlecluster));
    expect(e.errors.map((x) => x.expected)).toEqual([expect.stringMatching(/L3VNI red applies to it but no Underlay does/), expect.stringMatching(/L3VNI blue/)]);
  });
  test('an L3VNI needs a tunnel endpoint', () => {
    const bad = [...without(ms, 'Underlay'), ...extra('apiVersion: network.openperouter.io/v1alpha1\nkind: Underlay\nmetadata: {name: u}\nspec:\n  asn: 64514\n  interfaces: [{type: NetworkDevice, networkDevice: {interfaceName: toswitch1}}]\n  neighbors: [{asn: 64512, address: 192.168.11.2}]\n')];
    expect(inputErrors(() => computeDesiredState(bad, singlecluster)).errors.map((x) => x.path)).toEqual(['spec.vni', 'spec.vni']);
  });
  test('a localCIDR too small for the node index', () => {
    const bad = [...without(ms, 'L3VNI', 'blue'), ...extra('apiVersion: network.openperouter.io/v1alpha1\nkind: L3VNI\nmetadata: {name: blue}\nspec:\n  vrf: blue\n  vni: 200\n  hostSession: {asn: 64514, hostASN: 64515, localCIDR: {ipv4: 192.169.11.0/30}}\n')];
    const e = inputErrors(() => computeDesiredState(bad, singlecluster));
    expect(e.errors.map((x) => [x.path, x.expected])).toEqual([['spec.hostSession.localCIDR.ipv4', expect.stringMatching(/room for node index 2/)]]);
  });
});

describe('the speaker: MetalLB + frr-k8s merged', async () => {
  const base = await loadManifestFiles(EVPN_FILES);

  test('frr-k8s refuses conflicting neighbor settings: an input error naming both objects', () => {
    const ms = [...base, ...extra('apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata: {name: slow, namespace: frr-k8s-system}\nspec:\n  bgp:\n    routers:\n      - asn: 64515\n        neighbors:\n          - address: 192.169.10.1\n            asn: 64514\n            holdTime: 90s\n')];
    const e = inputErrors(() => computeDesiredState(ms, singlecluster));
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0]?.path).toBe('spec.bgp.routers[0].neighbors[0].holdTime');
    expect(e.errors[0]?.line).toBe(11);
    expect(e.errors[0]?.expected).toMatch(/the same hold time for neighbor 192\.169\.10\.1 as BGPPeer peerred \(180 vs 90\)/);
  });

  test('a router ASN that differs from the BGPPeers myASN', () => {
    const ms = [...without(base, 'FRRConfiguration'), ...extra('apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata: {name: other, namespace: frr-k8s-system}\nspec:\n  bgp:\n    routers:\n      - asn: 64999\n')];
    const e = inputErrors(() => computeDesiredState(ms, singlecluster));
    expect(e.errors.map((x) => [x.path, x.line])).toEqual([['spec.bgp.routers[0].asn', 7]]);
  });

  test('nodeSelectors restrict BGPPeers and FRRConfigurations to nodes', () => {
    const ms = [
      ...without(base, 'BGPPeer', 'peerblue'),
      ...extra(
        'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: peerblue, namespace: metallb-system}\nspec:\n  myASN: 64515\n  peerASN: 64514\n  peerAddress: 192.169.11.1\n  nodeSelectors:\n    - matchLabels: {kubernetes.io/hostname: pe-kind-worker2}\n',
      ),
    ];
    const d = computeDesiredState(ms, singlecluster);
    // receive-all still names 192.169.11.1 on every node; only worker2 also announces blue.
    expect(d.nodes.map((n) => n.speaker?.neighbors.find((x) => x.address === '192.169.11.1')?.advertise.map((a) => a.prefix))).toEqual([[], [], ['172.30.0.16/32']]);
    expect(d.services[1]?.announcements.map((a) => a.node)).toEqual(['pe-kind-worker2']);
  });

  test('externalTrafficPolicy Local: only nodes with an endpoint announce', () => {
    const svc = base.find((m) => m.kind === 'Service' && m.metadata.name === 'nginx-service-red')!;
    const local = extra(
      'apiVersion: v1\nkind: Service\nmetadata: {name: nginx-service-red, namespace: red}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector: {app: nginx-red}\n  ports: [{port: 80}]\n',
    );
    const d = computeDesiredState([...base.filter((m) => m !== svc), ...local], singlecluster);
    const red = d.services.find((s) => s.name === 'nginx-service-red')!;
    expect(red.endpointNodes).toEqual(['pe-kind-worker']);
    expect(red.announcements.map((a) => a.node)).toEqual(['pe-kind-worker']);
    expect(d.nodes.map((n) => n.speaker?.prefixes)).toEqual([['172.30.0.16/32'], ['172.30.0.10/32', '172.30.0.16/32'], ['172.30.0.16/32']]);
  });

  test('no backend, no announcement (and a pending Service is reported)', () => {
    const d = computeDesiredState(
      [...without(base, 'Deployment', 'nginx-blue'), ...extra('apiVersion: v1\nkind: Service\nmetadata: {name: late, namespace: red}\nspec: {type: LoadBalancer, loadBalancerIP: 172.30.0.99, ports: [{port: 80}]}\n')],
      singlecluster,
    );
    expect(d.services.find((s) => s.name === 'nginx-service-blue')?.announcements).toEqual([]);
    const late = d.services.find((s) => s.name === 'late');
    expect(late?.failure?.reason).toBe('AllocationFailed');
    expect(d.warnings.some((w) => /Service red\/late stays pending: AllocationFailed/.test(w))).toBe(true);
  });

  test('localPref, communities (with an alias), aggregation, filtered receive, timers', () => {
    const ms = [
      ...without(without(base, 'BGPAdvertisement'), 'FRRConfiguration'),
      ...extra(`apiVersion: metallb.io/v1beta1
kind: Community
metadata: {name: communities, namespace: metallb-system}
spec:
  communities: [{name: no-export, value: "65535:65281"}]
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: red, namespace: metallb-system}
spec:
  ipAddressPools: [address-pool-red]
  peers: [peerred]
  localPref: 150
  communities: [no-export, "64515:100", "large:64515:1:2"]
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: blue-agg, namespace: metallb-system}
spec:
  ipAddressPools: [address-pool-blue]
  aggregationLength: 32
---
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: filtered, namespace: frr-k8s-system}
spec:
  nodeSelector: {matchLabels: {kubernetes.io/hostname: pe-kind-worker}}
  bgp:
    routers:
      - asn: 64515
        prefixes: [10.99.0.0/24]
        neighbors:
          - address: 192.169.10.9
            asn: 64514
            keepaliveTime: 3s
            holdTime: 9s
          - address: 192.169.10.1
            asn: 64514
            toAdvertise:
              allowed: {prefixes: [10.99.0.0/24]}
              withCommunity: [{community: "64515:7", prefixes: [10.99.0.0/24]}]
            toReceive:
              allowed:
                prefixes:
                  - {prefix: 192.168.20.0/24}
                  - {prefix: 192.168.0.0/16, ge: 24, le: 28}
`),
    ];
    const d = computeDesiredState(ms, singlecluster);
    const cp = d.nodes[0]!.speaker!;
    const red = cp.neighbors.find((n) => n.address === '192.169.10.1')!;
    expect(red.advertise[0]).toEqual({ prefix: '172.30.0.10/32', localPref: 150, communities: ['64515:100', '65535:65281'], largeCommunities: ['64515:1:2'] });
    expect(red.advertise[1]).toEqual({ prefix: '172.30.0.16/32', communities: [], largeCommunities: [] });
    expect(red.receive).toEqual({ mode: 'filtered', prefixes: [] });
    // blue-agg names no peer: it goes to every peer of the node.
    expect(cp.neighbors.map((n) => n.advertise.map((a) => a.prefix))).toEqual([['172.30.0.10/32', '172.30.0.16/32'], ['172.30.0.16/32']]);
    const w = d.nodes[1]!.speaker!;
    expect(w.prefixes).toEqual(['10.99.0.0/24', '172.30.0.10/32', '172.30.0.16/32']);
    const wRed = w.neighbors.find((n) => n.address === '192.169.10.1')!;
    expect(wRed.timers).toEqual({ connectSeconds: 1 });
    const other = w.neighbors.find((n) => n.address === '192.169.10.9')!;
    expect(other).toEqual({ address: '192.169.10.9', remoteAs: 64514, ebgpMultihop: false, timers: { holdSeconds: 9, keepaliveSeconds: 3, connectSeconds: 1 }, advertise: [], receive: { mode: 'filtered', prefixes: [] }, peerNames: [] });
    expect(wRed.advertise.find((a) => a.prefix === '10.99.0.0/24')).toEqual({ prefix: '10.99.0.0/24', communities: ['64515:7'], largeCommunities: [] });
    expect(wRed.receive).toEqual({ mode: 'filtered', prefixes: [{ prefix: '192.168.0.0/16', ge: 24, le: 28 }, { prefix: '192.168.20.0/24' }] });
  });

  test('sticky: previous allocations are kept', async () => {
    const d = computeDesiredState(base, singlecluster, { previousAllocations: { 'red/nginx-service-red': ['172.30.0.13'] } });
    expect(d.services[0]?.ips).toEqual(['172.30.0.13']);
  });

  test('tuning options', () => {
    const d = computeDesiredState(base, singlecluster, { connectTimeSeconds: 7, coalesceTimeMs: 0, routeMapDelay0: false });
    expect(d.nodes[0]?.pe?.neighbors[0]?.timers).toEqual({ connectSeconds: 7 });
    expect(d.nodes[0]?.pe?.coalesceTimeMs).toBeUndefined();
    expect(d.nodes[0]?.speaker?.routeMapDelay0).toBe(false);
    expect(d.deviations).toHaveLength(1);
  });
});
