// The rendered FRR configurations: key lines, then proof that real FRR 8.4 takes them —
// `vtysh -C` for syntax, and a throwaway zebra+bgpd (namespace pelabt-k8s-*) for semantics.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import type { DesiredState } from '../../src/k8s/desired.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import type { PeRouterPlan, SpeakerPlan } from '../../src/k8s/plan.ts';
import { renderPeRouter } from '../../src/render/frr-pe.ts';
import { renderSpeaker } from '../../src/render/frr-speaker.ts';
import { EVPN_FILES, PASSTHROUGH_FILES, singlecluster } from './helpers/cluster.ts';
import { FrrInstance, frrAvailable, rejectedLines, vtyshDryRun } from './helpers/frr.ts';

let evpn: DesiredState;
let passthrough: DesiredState;
let rich: DesiredState;

const RICH = `apiVersion: network.openperouter.io/v1alpha1
kind: Underlay
metadata: {name: u}
spec:
  asn: 64514
  routerIDCIDR: 10.1.0.0/24
  interfaces: [{type: NetworkDevice, networkDevice: {interfaceName: toswitch2}}]
  neighbors:
    - {asn: 64513, address: 192.168.12.2, port: 1179, password: s3cret, holdTimeSeconds: 9, keepaliveTimeSeconds: 3, properties: [{type: ebgpMultiHop, ebgpMultiHop: {ttl: 4}}]}
    - {type: Internal, address: 192.168.12.9, connectTimeSeconds: 2}
  tunnelEndpoint: {cidrs: [100.66.0.0/24]}
---
apiVersion: network.openperouter.io/v1alpha1
kind: L3VNI
metadata: {name: green}
spec:
  vrf: green
  vni: 300
  importRTs: ["64514:300", "10.0.0.1:301"]
  exportRTs: ["64514:300"]
  hostSession:
    asn: 64514
    hostType: Internal
    localCIDR: {ipv4: 192.170.0.0/24, ipv6: "fd00:170::/64"}
---
apiVersion: network.openperouter.io/v1alpha1
kind: L3VNI
metadata: {name: bare}
spec: {vrf: bare, vni: 400}
---
apiVersion: metallb.io/v1beta1
kind: Community
metadata: {name: c, namespace: metallb-system}
spec:
  communities: [{name: no-export, value: "65535:65281"}]
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: green, namespace: metallb-system}
spec: {myASN: 64514, peerASN: 64514, peerAddress: 192.170.0.1, peerPort: 1179, password: pw, holdTime: 90s, connectTime: 3s, routerID: 10.9.9.9}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: green6, namespace: metallb-system}
spec: {myASN: 64514, dynamicASN: internal, peerAddress: "fd00:170::1"}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p, namespace: metallb-system}
spec: {addresses: [172.31.0.0/24, "fd00:31::/120"]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a, namespace: metallb-system}
spec: {localPref: 200, communities: [no-export, "large:1:2:3"]}
---
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: f, namespace: frr-k8s-system}
spec:
  bgp:
    routers:
      - asn: 64514
        prefixes: [10.50.0.0/16]
        neighbors:
          - address: 192.170.0.1
            asn: 64514
            port: 1179
            password: pw
            holdTime: 90s
            connectTime: 3s
            toAdvertise:
              allowed: {mode: all}
              withLocalPref: [{localPref: 50, prefixes: [10.50.0.0/16]}]
            toReceive:
              allowed:
                prefixes: [{prefix: 192.168.0.0/16, ge: 24, le: 32}, {prefix: 10.0.0.0/8}]
          - address: 192.170.0.7
            dynamicASN: external
            ebgpMultiHop: true
---
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: v6, namespace: frr-k8s-system}
spec:
  bgp:
    routers:
      - asn: 64514
        prefixes: ["fd00:50::/64"]
        neighbors:
          - address: "fd00:170::1"
            dynamicASN: internal
            toAdvertise:
              allowed: {mode: all}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
`;

beforeAll(async () => {
  evpn = computeDesiredState(await loadManifestFiles(EVPN_FILES), singlecluster);
  passthrough = computeDesiredState(await loadManifestFiles(PASSTHROUGH_FILES), singlecluster);
  rich = computeDesiredState(parseManifests(RICH, 'rich.yaml'), singlecluster);
});

const lines = (text: string) => text.split('\n');

describe('PE router config', () => {
  test('EVPN demo, node 0: default router, VRFs, host sessions', () => {
    const c = renderPeRouter(evpn.nodes[0]!.pe!, { hostname: 'pe-kind-control-plane-pe' });
    expect(c.endsWith('!\n')).toBe(true);
    const l = lines(c);
    for (const want of [
      'hostname pe-kind-control-plane-pe',
      'vrf red',
      ' vni 100',
      'exit-vrf',
      'router bgp 64514',
      ' bgp router-id 10.0.0.1',
      ' no bgp ebgp-requires-policy',
      ' no bgp default ipv4-unicast',
      ' no bgp network import-check',
      ' coalesce-time 50',
      ' neighbor 192.168.11.2 remote-as 64512',
      ' neighbor 192.168.11.2 timers connect 1',
      '  network 100.65.0.0/32',
      '  neighbor 192.168.11.2 allowas-in',
      '  advertise-all-vni',
      'router bgp 64514 vrf red',
      ' neighbor 192.169.10.2 remote-as 64515',
      '  network 192.169.10.2/32',
      '  neighbor 192.169.10.2 route-map allowall in',
      '  neighbor 192.169.10.2 route-map allowall out',
      '  advertise ipv4 unicast',
      'router bgp 64514 vrf blue',
      ' neighbor 192.169.11.2 remote-as 64515',
      'route-map allowall permit 1',
    ]) {
      expect(l, want).toContain(want);
    }
    // allowas-in in both families, eBGP host session without next-hop-self.
    expect(l.filter((x) => x === '  neighbor 192.168.11.2 allowas-in')).toHaveLength(2);
    expect(c).not.toMatch(/next-hop-self/);
    expect(c).not.toMatch(/route-target/);
  });

  test('node 2 differs only in its addresses', () => {
    const c = renderPeRouter(evpn.nodes[2]!.pe!);
    expect(c).toContain(' bgp router-id 10.0.0.3\n');
    expect(c).toContain('  network 100.65.0.2/32\n');
    expect(c).toContain(' neighbor 192.169.11.4 remote-as 64515\n');
  });

  test('passthrough: the host neighbor in the default router', () => {
    const c = renderPeRouter(passthrough.nodes[1]!.pe!);
    expect(lines(c)).toEqual(
      expect.arrayContaining([' neighbor 192.169.10.3 remote-as 64515', ' neighbor 192.169.10.3 timers connect 5', '  network 192.169.10.3/32', '  neighbor 192.169.10.3 route-map allowall in']),
    );
    expect(c).not.toMatch(/l2vpn evpn|vrf /);
  });

  test('iBGP host session, route targets, IPv6 host side, underlay options', () => {
    const c = renderPeRouter(rich.nodes[0]!.pe!);
    expect(lines(c)).toEqual(
      expect.arrayContaining([
        ' bgp router-id 10.1.0.1',
        ' neighbor 192.168.12.2 port 1179',
        ' neighbor 192.168.12.2 password s3cret',
        ' neighbor 192.168.12.2 ebgp-multihop 4',
        ' neighbor 192.168.12.2 timers 3 9',
        ' neighbor 192.168.12.9 remote-as internal',
        ' neighbor 192.168.12.9 timers connect 2',
        'router bgp 64514 vrf green',
        ' neighbor 192.170.0.2 remote-as internal',
        ' neighbor fd00:170::2 remote-as internal',
        '  neighbor 192.170.0.2 next-hop-self force',
        '  network fd00:170::2/128',
        '  advertise ipv6 unicast',
        '  route-target import 10.0.0.1:301',
        '  route-target export 64514:300',
        'router bgp 64514 vrf bare',
      ]),
    );
    // iBGP underlay neighbor: no allowas-in.
    expect(c).not.toContain('neighbor 192.168.12.9 allowas-in');
  });
});

describe('speaker config', () => {
  test('EVPN demo: each peer gets only its own prefix', () => {
    const c = renderSpeaker(evpn.nodes[0]!.speaker!, { hostname: 'pe-kind-control-plane' });
    const l = lines(c);
    for (const want of [
      'bgp route-map delay-timer 0',
      'router bgp 64515',
      ' neighbor 192.169.10.1 remote-as 64514',
      ' neighbor 192.169.10.1 timers connect 1',
      '  network 172.30.0.10/32',
      '  network 172.30.0.16/32',
      '  neighbor 192.169.10.1 route-map 192.169.10.1-out out',
      '  neighbor 192.169.10.1 route-map 192.169.10.1-in in',
      'ip prefix-list 192.169.10.1-out-1 seq 5 permit 172.30.0.10/32',
      'ip prefix-list 192.169.11.1-out-1 seq 5 permit 172.30.0.16/32',
      'route-map 192.169.10.1-in permit 1',
    ]) {
      expect(l, want).toContain(want);
    }
    expect(c).not.toMatch(/192\.169\.10\.1-out-1 .*172\.30\.0\.16/);
    expect(c.endsWith('\n')).toBe(true);
  });

  test('filters, local preference, communities, IPv6 session', () => {
    const c = renderSpeaker(rich.nodes[0]!.speaker!);
    expect(lines(c)).toEqual(
      expect.arrayContaining([
        ' bgp router-id 10.9.9.9',
        ' neighbor 192.170.0.1 port 1179',
        ' neighbor 192.170.0.1 password pw',
        ' neighbor 192.170.0.1 timers 30 90',
        ' neighbor 192.170.0.1 timers connect 3',
        ' neighbor 192.170.0.7 remote-as external',
        ' neighbor 192.170.0.7 ebgp-multihop',
        ' neighbor fd00:170::1 remote-as internal',
        '  network fd00:50::/64',
        '  neighbor fd00:170::1 route-map fd00:170::1-out out',
        'ipv6 prefix-list fd00:170::1-out-1 seq 5 permit fd00:50::/64',
        ' set local-preference 200',
        ' set community 65535:65281 additive',
        ' set large-community 1:2:3 additive',
        ' set local-preference 50',
        'ip prefix-list 192.170.0.1-in-1 seq 5 permit 10.0.0.0/8',
        'ip prefix-list 192.170.0.1-in-1 seq 10 permit 192.168.0.0/16 ge 24 le 32',
        'route-map 192.170.0.7-out deny 1',
        'route-map 192.170.0.7-in deny 1',
      ]),
    );
  });

  test('deterministic', () => {
    const s = evpn.nodes[1]!.speaker!;
    const shuffled: SpeakerPlan = { ...s, neighbors: [...s.neighbors].reverse() };
    expect(renderSpeaker(shuffled)).toBe(renderSpeaker(s));
    const pe = evpn.nodes[1]!.pe!;
    const shuffledPe: PeRouterPlan = { ...pe, neighbors: [...pe.neighbors].reverse() };
    expect(renderPeRouter(shuffledPe)).toBe(renderPeRouter(pe));
  });
});

describe('speaker with BFD and an MD5 password from a Secret', () => {
  test('profile block as frr-k8s renders it, bfd on the neighbor, the Secret\'s password', () => {
    const c = renderSpeaker(bfdMd5().nodes[0]!.speaker!);
    expect(lines(c)).toEqual(
      expect.arrayContaining([
        'bfd',
        ' profile production-bfd',
        '  receive-interval 350',
        '  transmit-interval 200',
        '  detect-multiplier 4',
        '  echo-mode',
        '  echo receive-interval 60',
        '  echo transmit-interval 60',
        '  passive-mode',
        '  minimum-ttl 250',
        ' neighbor 192.169.10.1 password your-secure-password',
        ' neighbor 192.169.10.1 bfd',
        ' neighbor 192.169.10.1 bfd profile production-bfd',
      ]),
    );
    expect(c.indexOf('bfd\n profile')).toBeLessThan(c.indexOf('router bgp'));
  });
});

const BFD_MD5 = `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: production-bfd, namespace: metallb-system}
spec: {receiveInterval: 350, transmitInterval: 200, detectMultiplier: 4, echoMode: true, echoInterval: 60, passiveMode: true, minimumTtl: 250}
---
apiVersion: v1
kind: Secret
metadata: {name: bgp-auth, namespace: metallb-system}
type: kubernetes.io/basic-auth
data: {password: eW91ci1zZWN1cmUtcGFzc3dvcmQ=}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor, namespace: metallb-system}
spec: {myASN: 64515, peerASN: 64514, peerAddress: 192.169.10.1, passwordSecret: {name: bgp-auth}, bfdProfile: production-bfd}
`;
const bfdMd5 = () => computeDesiredState(parseManifests(BFD_MD5, 'bfd.yaml'), singlecluster);

const configs = (): [string, string, string[]][] => [
  ['EVPN PE node 0', renderPeRouter(evpn.nodes[0]!.pe!), ['vni 100', 'router bgp 64514 vrf red', 'advertise-all-vni', 'neighbor 192.169.11.2 route-map allowall out']],
  ['EVPN speaker node 2', renderSpeaker(evpn.nodes[2]!.speaker!), ['route-map 192.169.10.1-out permit 10', 'neighbor 192.169.11.1 route-map 192.169.11.1-out out', 'bgp route-map delay-timer 0']],
  ['passthrough PE node 1', renderPeRouter(passthrough.nodes[1]!.pe!), ['neighbor 192.169.10.3 timers connect 5', 'network 192.169.10.3/32']],
  ['passthrough speaker node 0', renderSpeaker(passthrough.nodes[0]!.speaker!), ['network 172.30.0.10/32']],
  ['rich PE', renderPeRouter(rich.nodes[0]!.pe!), ['route-target import 10.0.0.1:301', 'neighbor fd00:170::2 next-hop-self force', 'neighbor 192.168.12.2 ebgp-multihop 4']],
  ['rich speaker', renderSpeaker(rich.nodes[0]!.speaker!), ['set large-community 1:2:3 additive', 'ipv6 prefix-list fd00:170::1-out-1 seq 5 permit fd00:50::/64']],
  ['BFD + MD5 speaker', renderSpeaker(bfdMd5().nodes[0]!.speaker!), [' profile production-bfd', '  receive-interval 350', '  transmit-interval 200', '  minimum-ttl 250', '  echo transmit-interval 60', ' neighbor 192.169.10.1 bfd profile production-bfd', ' neighbor 192.169.10.1 password your-secure-password']],
];

describe.skipIf(!frrAvailable)('real FRR 8.4 accepts the rendered configs', () => {
  test('vtysh -C (syntax)', () => {
    for (const [name, config] of configs()) {
      const r = vtyshDryRun(config);
      expect(r.code, `${name}\n${r.output}`).toBe(0);
    }
    expect(vtyshDryRun('router bgp 1\n neighbor 1.2.3.4 remote-az 2\nexit\n').code).not.toBe(0);
  });

  describe('loaded into zebra + bgpd (semantics)', () => {
    const instances: FrrInstance[] = [];
    afterAll(() => {
      for (const i of instances) i.stop();
    });
    const fresh = (daemons?: string[]) => {
      const i = new FrrInstance(daemons);
      instances.push(i);
      i.start();
      return i;
    };

    const NAMES = ['EVPN PE node 0', 'EVPN speaker node 2', 'passthrough PE node 1', 'passthrough speaker node 0', 'rich PE', 'rich speaker', 'BFD + MD5 speaker'];
    test.each(NAMES)('%s', (name) => {
      const [, config, expected] = configs().find((c) => c[0] === name)!;
      const frr = fresh(/^bfd$/m.test(config) ? ['zebra', 'bgpd', 'bfdd'] : undefined);
      const r = frr.load(config);
      expect(rejectedLines(r.output), r.output).toEqual([]);
      expect(r.code, r.output).toBe(0);
      const running = frr.show('show running-config');
      for (const want of expected) expect(running, want).toContain(want);
    });

    test('the harness notices a config bgpd rejects', () => {
      const r = fresh().load('router bgp 1\n address-family ipv4 unicast\n  neighbor 1.2.3.5 activate\n exit-address-family\nexit\n');
      expect(r.code).not.toBe(0);
      expect(rejectedLines(r.output).length).toBeGreaterThan(0);
    });
  });
});
