// The parsers on JSON recorded from real FRR 10.3 (test/fixtures/frr/frr10.3, `record.ts --frr10`)
// side by side with the 8.4.4 recording of the same command on the same fabric: what pelab reads
// must not depend on the version. Differences in what FRR prints are listed in
// test/fixtures/frr/frr10.3/README.md.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBgpNeighbor, parseBgpRoutes, parseBgpSummary } from '../../src/checks/parse/bgp.ts';
import { parseEvpnRoutes, parseEvpnVnis } from '../../src/checks/parse/evpn.ts';
import { parseZebraRoutes } from '../../src/checks/parse/zebra.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/frr');
const read = (version: '8.4' | '10.3', file: string): string => readFileSync(resolve(fixtures, version === '8.4' ? file : `frr10.3/${file}`), 'utf8');
const both = <T>(file: string, parse: (text: string) => T): [T, T] => [parse(read('8.4', file)), parse(read('10.3', file))];

/**
 * A peer that never answers cycles through Connect and Active with its connect timer: the state at
 * the moment of recording (Active on 8.4.4, Connect on 10.3) is timing, not version.
 */
const settled = (state: string): string => (state === 'Established' ? state : 'not Established');

/** Drops what legitimately differs between two recordings: timers, uptimes, versions, RD numbering. */
function stable(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x: unknown) => (/^(uptime|ms|age|peerUptime|rd|bgpTimerUp|lastUpdate|version)$/i.test(k) ? undefined : x)));
}

describe('the recordings are what they say', () => {
  it('frr10.3/index.json was recorded from FRR 10.3 and the folder above from 8.4.4', () => {
    expect(JSON.parse(read('10.3', 'index.json')).frr).toMatch(/^FRRouting 10\.3 /);
    expect(JSON.parse(read('8.4', 'index.json')).frr).toMatch(/^FRRouting 8\.4\.4 /);
  });
});

describe('BGP parsers on 8.4.4 and 10.3', () => {
  for (const file of ['leafA-bgp-summary.json', 'pe-bgp-vrf-red-summary.json', 'speaker-bgp-summary.json']) {
    it(`${file}: the same sessions and states`, () => {
      const [a, b] = both(file, (t) => parseBgpSummary(t).map((s) => ({ peer: s.peer, state: settled(s.state), afi: s.afi, remoteAs: s.remoteAs })));
      expect(b).toEqual(a);
      expect(b.length).toBeGreaterThan(0);
    });
  }
  it('leafA-bgp-vrf-all-summary.json: the same sessions per VRF', () => {
    const [a, b] = both('leafA-bgp-vrf-all-summary.json', (t) => parseBgpSummary(t).map((s) => [s.vrf, s.peer, settled(s.state)]));
    expect(b).toEqual(a);
  });
  it('neighbors: Established, not Established and absent read the same', () => {
    const state = (peer: string) => (t: string) => {
      const n = parseBgpNeighbor(t, peer);
      return n.exists ? settled(n.state) : 'absent';
    };
    expect(both('leafA-bgp-neighbor-established.json', state('192.168.11.3'))).toEqual(['Established', 'Established']);
    expect(both('leafA-bgp-neighbor-not-established.json', state('192.168.11.99'))).toEqual(['not Established', 'not Established']);
    const absent = JSON.parse(read('10.3', 'index.json')).fixtures.find((f: { file: string }) => f.file === 'leafA-bgp-neighbor-absent.json').command as string;
    const peer = /neighbors? (\S+) json/.exec(absent)![1]!;
    expect(both('leafA-bgp-neighbor-absent.json', state(peer))).toEqual(['absent', 'absent']);
  });
  for (const file of ['pe-bgp-vrf-red-ipv4-unicast-prefix.json', 'speaker-bgp-ipv4-unicast-prefix-received.json', 'leafA-bgp-vrf-red-ipv4-unicast-prefix.json']) {
    it(`${file}: the same paths, next hops, AS paths, communities and local preference`, () => {
      const [a, b] = both(file, (t) => stable(parseBgpRoutes(t)));
      expect(b).toEqual(a);
    });
  }
});

describe('EVPN and zebra parsers on 8.4.4 and 10.3', () => {
  for (const file of ['leafA-evpn-route-type-prefix.json', 'leafA-evpn-route-type-prefix-detail.json', 'leafA-evpn-route-type-macip.json']) {
    it(`${file}: the same routes (prefix, type, VNI, RTs, next hops, router MAC presence)`, () => {
      const key = (t: string) =>
        parseEvpnRoutes(t)
          .map((r) => ({ prefix: r.prefix, routeType: r.routeType, vni: r.vni, rts: r.rts, nexthops: r.nexthops, aspath: r.aspath, best: r.best, valid: r.valid, hasRmac: r.rmac !== undefined }))
          .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      const [a, b] = both(file, key);
      expect(b).toEqual(a);
      expect(b.length).toBeGreaterThan(0);
    });
  }
  it('leafA-evpn-vni.json: the same VNIs, types and VRFs', () => {
    const [a, b] = both('leafA-evpn-vni.json', (t) => parseEvpnVnis(t).map((v) => stable({ ...v, vxlanIf: undefined })));
    expect(b).toEqual(a);
  });
  for (const file of ['leafA-ip-route-vrf-red-prefix.json', 'leafA-ip-route-vrf-red-prefix-absent.json']) {
    it(`${file}: the same routes, protocols and next hops`, () => {
      const [a, b] = both(file, (t) => stable(parseZebraRoutes(t)));
      expect(b).toEqual(a);
    });
  }
});
