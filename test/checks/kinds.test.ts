// Each kind's pure evaluate on observations parsed from REAL recorded outputs (test/fixtures/frr),
// positive and negative. Params go through the kind's zod schema and a Resolver for the recorded
// fabric, exactly as in a scenario.
import { describe, expect, it } from 'vitest';
import { bgpSession, evaluateBgpSession } from '../../src/checks/kinds/bgp-session.ts';
import { bgpRoute, evaluateBgpRoute } from '../../src/checks/kinds/bgp-route.ts';
import { evpnRoute, evaluateEvpnRoute } from '../../src/checks/kinds/evpn-route.ts';
import { evaluateKernelRoute, kernelRoute } from '../../src/checks/kinds/kernel-route.ts';
import { addressesOf, CURL_MARGIN_MS, echoedClientIP, evaluateHttp, http } from '../../src/checks/kinds/http.ts';
import { evaluateK8sStatus, k8sStatus } from '../../src/checks/kinds/k8s-status.ts';
import { evaluateFrrJson, frrJson } from '../../src/checks/kinds/frr-json.ts';
import type { AnyCheckKind } from '../../src/checks/kinds/types.ts';
import { parseBgpNeighbor, parseBgpRoutes, parseBgpSummary } from '../../src/checks/parse/bgp.ts';
import { parseEvpnRoutes } from '../../src/checks/parse/evpn.ts';
import { parseIpRoutes } from '../../src/checks/parse/kernel.ts';
import { parseCurl } from '../../src/checks/parse/curl.ts';
import { curlFixture, fixture, fixtureResolver } from './fixtures.ts';

const resolver = fixtureResolver();
// Validates like a scenario would, then resolves against the recorded fabric.
function planOf<K extends AnyCheckKind>(kind: K, params: unknown): ReturnType<K['plan']> {
  return kind.plan(kind.params.parse(params), resolver) as ReturnType<K['plan']>;
}

function familiesOf(summaryFile: string, peer: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of parseBgpSummary(fixture(summaryFile))) if (s.peer === peer) out[s.afi] = s.state;
  return out;
}

describe('bgp-session', () => {
  const established = { neighbor: parseBgpNeighbor(fixture('leafA-bgp-neighbor-established.json'), '192.168.11.3'), families: familiesOf('leafA-bgp-summary.json', '192.168.11.3') };

  it('leafA -> PE node0 Established, in ipv4 and l2vpn evpn', () => {
    for (const afi of [undefined, 'ipv4', 'l2vpn-evpn']) {
      const plan = planOf(bgpSession, { on: { router: 'leafA' }, peer: { pe: 'node0' }, ...(afi ? { afi } : {}) });
      const e = evaluateBgpSession(plan, established);
      expect(e.ok, e.message).toBe(true);
    }
    const e = evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: { pe: 'node0' } }), established);
    expect(e.expected).toBe('leafA has BGP session with 192.168.11.3 Established');
    expect(e.observed).toMatchObject({ state: 'Established', remoteAs: 64514, dynamic: true });
  });

  it('fails for a family the neighbor is not activated in', () => {
    const e = evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: { pe: 'node0' }, afi: 'ipv6' }), established);
    expect(e.ok).toBe(false);
    expect(e.message).toBe('neighbor not activated in ipv6');
  });

  it('fails for a session that is not Established, naming expected and observed', () => {
    const n = parseBgpNeighbor(fixture('leafA-bgp-neighbor-not-established.json'), '192.168.11.99');
    const e = evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: '192.168.11.99' }), { neighbor: n });
    expect(e.ok).toBe(false);
    expect(e.message).toMatch(/^state (Active|Connect), expected Established$/);
    expect(e.expected).toContain('Established');
  });

  it('expects a non-Established state when asked to', () => {
    const n = parseBgpNeighbor(fixture('leafA-bgp-neighbor-not-established.json'), '192.168.11.99');
    const e = evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: '192.168.11.99', state: n.exists ? n.state : 'x' }), { neighbor: n });
    expect(e.ok).toBe(true);
  });

  it('absent: passes on bgpNoSuchNeighbor, fails when the neighbor exists', () => {
    const absent = { neighbor: parseBgpNeighbor(fixture('leafA-bgp-neighbor-absent.json'), '192.168.11.77') };
    expect(evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: '192.168.11.77', state: 'absent' }), absent)).toMatchObject({ ok: true, observed: 'absent' });
    const e = evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: { pe: 'node0' }, state: 'absent' }), established);
    expect(e.ok).toBe(false);
    expect(e.message).toBe('neighbor 192.168.11.3 exists (state Established)');
    const missing = evaluateBgpSession(planOf(bgpSession, { on: { router: 'leafA' }, peer: '192.168.11.77' }), absent);
    expect(missing).toMatchObject({ ok: false, observed: 'absent', message: 'no neighbor 192.168.11.77 configured' });
  });

  it('PE red VRF -> speaker', () => {
    const plan = planOf(bgpSession, { on: { pe: 'node0' }, peer: { speaker: 'node0' }, vrf: 'red', afi: 'ipv4' });
    const e = evaluateBgpSession(plan, { neighbor: parseBgpNeighbor(fixture('pe-bgp-vrf-red-neighbor.json'), '192.169.10.2'), families: familiesOf('pe-bgp-vrf-red-summary.json', '192.169.10.2') });
    expect(e.ok, e.message).toBe(true);
    expect(e.expected).toBe('PE node0 has BGP session with 192.169.10.2 in VRF red (ipv4) Established');
  });

  it('describes with names before resolution', () => {
    expect(bgpSession.describe(bgpSession.params.parse({ on: { router: 'leafA' }, peer: { pe: 'node0' }, afi: 'l2vpn-evpn' }))).toBe('leafA has BGP session with pe node0 (l2vpn-evpn) Established');
  });

  it('rejects bad params', () => {
    expect(bgpSession.params.safeParse({ on: { router: 'leafA' }, peer: 'not-an-ip' }).success).toBe(false);
    expect(bgpSession.params.safeParse({ on: { switch: 'x' }, peer: '10.0.0.1' }).success).toBe(false);
    expect(bgpSession.params.safeParse({ on: { router: 'leafA' }, peer: '10.0.0.1', afi: 'vpnv4' }).success).toBe(false);
  });
});

describe('bgp-route', () => {
  const pePrefix = parseBgpRoutes(fixture('pe-bgp-vrf-red-ipv4-unicast-prefix.json'));
  const pePrefixAbsent = parseBgpRoutes(fixture('pe-bgp-vrf-red-ipv4-unicast-prefix-absent.json'));

  it('the service /32 in the PE red VRF with every attribute', () => {
    const plan = planOf(bgpRoute, {
      on: { pe: 'node0' }, vrf: 'red', prefix: { service: 'red/nginx' }, nexthop: { speaker: 'node0' },
      aspath: '64515', communities: ['64515:100'], localPref: 200, best: true, valid: true, paths: 1,
    });
    const e = evaluateBgpRoute(plan, pePrefix);
    expect(e.ok, e.message).toBe(true);
    expect(e.expected).toBe('PE node0 has BGP route 172.30.0.10/32 in VRF red with next hop 192.169.10.2, AS path "64515", communities 64515:100, local-pref 200, best, valid, 1 path(s)');
  });

  it('a wrong community fails and says which attribute differs', () => {
    const e = evaluateBgpRoute(planOf(bgpRoute, { on: { pe: 'node0' }, vrf: 'red', prefix: '172.30.0.10/32', communities: ['65535:65281'] }), pePrefix);
    expect(e.ok).toBe(false);
    expect(e.message).toContain('$.communities[0]: no element matches "65535:65281"');
    expect(e.observed).toEqual([expect.objectContaining({ communities: ['64515:100'] })]);
  });

  it('a wrong next hop and local-pref fail', () => {
    const e = evaluateBgpRoute(planOf(bgpRoute, { on: { pe: 'node0' }, vrf: 'red', prefix: '172.30.0.10/32', nexthop: '192.169.10.9', localPref: 100 }), pePrefix);
    expect(e.ok).toBe(false);
    expect(e.message).toContain('$.localPref: expected 100, observed 200');
  });

  it('a missing prefix fails (present) and passes (present: false)', () => {
    const missing = evaluateBgpRoute(planOf(bgpRoute, { on: { pe: 'node0' }, vrf: 'red', prefix: '172.30.0.99/32' }), pePrefixAbsent);
    expect(missing).toMatchObject({ ok: false, observed: 'absent', message: '172.30.0.99/32 absent' });
    expect(evaluateBgpRoute(planOf(bgpRoute, { on: { pe: 'node0' }, vrf: 'red', prefix: '172.30.0.99/32', present: false }), pePrefixAbsent).ok).toBe(true);
    const present = evaluateBgpRoute(planOf(bgpRoute, { on: { pe: 'node0' }, vrf: 'red', prefix: { service: 'red/nginx' }, present: false }), pePrefix);
    expect(present).toMatchObject({ ok: false, message: '172.30.0.10/32 present (1 matching path(s))' });
  });

  it('host side (upstream e2e): the speaker learns the red host subnet with the PE router side as next hop', () => {
    const plan = planOf(bgpRoute, { on: { speaker: 'node0' }, prefix: { hostSubnet: 'hostA_red' }, nexthop: { peRouterSide: { vrf: 'red' } }, best: true, valid: true });
    expect(evaluateBgpRoute(plan, parseBgpRoutes(fixture('speaker-bgp-ipv4-unicast-prefix-received.json'))).ok).toBe(true);
    // The table form works too.
    expect(evaluateBgpRoute(plan, parseBgpRoutes(fixture('speaker-bgp-ipv4-unicast.json'))).ok).toBe(true);
  });

  it('leafA red VRF: the EVPN-imported route has the PE VTEP as next hop', () => {
    const ok = evaluateBgpRoute(planOf(bgpRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10/32', nexthop: { vtep: { pe: 'node0' } }, aspath: [64514, 64515] }), parseBgpRoutes(fixture('leafA-bgp-vrf-red-ipv4-unicast.json')));
    expect(ok.ok, ok.message).toBe(true);
    const bad = evaluateBgpRoute(planOf(bgpRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10/32', nexthop: { vtep: { router: 'leafA' } } }), parseBgpRoutes(fixture('leafA-bgp-vrf-red-ipv4-unicast.json')));
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('no element matches "100.64.0.1"');
  });

  it('resolution fails while a service has no IP', () => {
    expect(() => planOf(bgpRoute, { on: { pe: 'node0' }, prefix: { service: 'blue/nginx' } })).toThrow('service blue/nginx has no external IP yet');
  });
});

describe('evpn-route', () => {
  const detail = parseEvpnRoutes(fixture('leafA-evpn-route-type-prefix-detail.json'));
  const plain = parseEvpnRoutes(fixture('leafA-evpn-route-type-prefix.json'));

  it('type 5 for the red service on leafA: VNI of red, RT, PE VTEP, router MAC', () => {
    const plan = planOf(evpnRoute, { on: { router: 'leafA' }, prefix: { service: 'red/nginx' }, vrf: 'red', rt: '64514:100', nexthop: { pe: 'node0' }, rmac: '00:00:5E:00:01:02' });
    const e = evaluateEvpnRoute(plan, detail);
    expect(e.ok, e.message).toBe(true);
    expect(e.expected).toBe('leafA has EVPN type-5 172.30.0.10/32 with VNI 100, RT:64514:100, VTEP 100.65.0.0, router MAC 00:00:5e:00:01:02');
    expect(e.observed).toEqual([expect.objectContaining({ rd: '10.0.0.1:3', vni: 100, nexthops: ['100.65.0.0'] })]);
  });

  it('a wrong VNI FAILS, with expected and observed VNI in the message', () => {
    const e = evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', vrf: 'blue' }), detail);
    expect(e.ok).toBe(false);
    expect(e.expected).toContain('VNI 200');
    expect(e.message).toBe('no path matches: $.vni: expected 200, observed 100');
  });

  it('a wrong VNI also fails on plain output, where the VNI comes from the RT', () => {
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', vni: 100 }), plain).ok).toBe(true);
    const e = evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', vni: 200 }), plain);
    expect(e.ok).toBe(false);
    expect(e.message).toContain('expected 200, observed 100');
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', rt: 'RT:64514:200' }), plain).ok).toBe(false);
  });

  it('routing-level isolation (upstream): no type-5 for the red service with the blue VNI', () => {
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', vrf: 'blue', present: false }), detail)).toMatchObject({ ok: true, message: 'no path of type-5 172.30.0.10/32 matches' });
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', vrf: 'red', present: false }), detail).ok).toBe(false);
  });

  it('a missing prefix fails', () => {
    const e = evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.99/32' }), detail);
    expect(e).toMatchObject({ ok: false, observed: 'absent', message: 'type-5 172.30.0.99/32 absent' });
  });

  it('a wrong VTEP fails', () => {
    const e = evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, prefix: '172.30.0.10/32', nexthop: '100.65.0.1' }), detail);
    expect(e.ok).toBe(false);
    expect(e.message).toContain('no element matches "100.65.0.1"');
  });

  it('type 2 by MAC and by MAC+IP, with the L2 VNI', () => {
    const macip = parseEvpnRoutes(fixture('leafA-evpn-route-type-macip-detail.json'));
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, type: 2, mac: '02:00:00:00:0a:02', ip: '10.10.0.2', vni: 10, nexthop: { pe: 'node0' } }), macip).ok).toBe(true);
    const byMac = evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, type: 2, mac: '02:00:00:00:0A:02' }), macip);
    expect(byMac).toMatchObject({ ok: true, message: 'type-2 02:00:00:00:0a:02 present (2 matching path(s))' });
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, type: 2, ip: '10.10.0.3' }), macip).ok).toBe(false);
    expect(evaluateEvpnRoute(planOf(evpnRoute, { on: { router: 'leafA' }, type: 2, mac: '02:00:00:00:0a:02', vni: 100 }), macip).ok).toBe(false);
  });

  it('validates params', () => {
    expect(evpnRoute.params.safeParse({ on: { router: 'leafA' }, type: 5 }).success).toBe(false);
    expect(evpnRoute.params.safeParse({ on: { router: 'leafA' }, type: 2 }).success).toBe(false);
    expect(evpnRoute.params.safeParse({ on: { router: 'leafA' }, prefix: '1.2.3.4/32', vni: 1, vrf: 'red' }).success).toBe(false);
    expect(evpnRoute.params.safeParse({ on: { router: 'leafA' }, type: 3, prefix: '1.2.3.4/32' }).success).toBe(false);
  });
});

describe('kernel-route', () => {
  const routes = parseIpRoutes(fixture('leafA-red-ip-route-prefix.json'));

  it('leafA red: the service route via the PE VTEP on br100', () => {
    const e = evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: { service: 'red/nginx' }, via: { vtep: { pe: 'node0' } }, dev: 'br100', nexthops: 1 }), routes);
    expect(e.ok, e.message).toBe(true);
    expect(e.observed).toEqual([{ protocol: 'bgp', nexthops: ['via 100.65.0.0 dev br100 onlink'] }]);
  });

  it('a wrong gateway or device fails', () => {
    const e = evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10/32', via: '100.65.0.1' }), routes);
    expect(e).toMatchObject({ ok: false, message: '172.30.0.10/32 present but not via 100.65.0.1' });
    expect(evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10/32', dev: 'ethred' }), routes).ok).toBe(false);
    expect(evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10/32', nexthops: 3 }), routes).message).toBe('1 next hop(s), expected 3');
  });

  it('a missing route fails; present: false passes', () => {
    const absent = parseIpRoutes(fixture('leafA-red-ip-route-prefix-absent.json'));
    expect(evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.99/32' }), absent)).toMatchObject({ ok: false, observed: 'absent' });
    expect(evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.99/32', present: false }), absent).ok).toBe(true);
    expect(evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10', present: false }), routes).ok).toBe(false);
  });

  it('filters by exact prefix in a full table', () => {
    const all = parseIpRoutes(fixture('leafA-red-ip-route.json'));
    expect(evaluateKernelRoute(planOf(kernelRoute, { on: { router: 'leafA' }, vrf: 'red', prefix: { hostSubnet: 'hostA_red' }, dev: 'ethred' }), all).ok).toBe(true);
  });
});

describe('http', () => {
  const outcome = (file: string) => parseCurl(curlFixture(file));
  const toRed = { from: 'hostA_red', to: { service: 'red/nginx' } };

  it('red host reaches the red service', () => {
    const e = evaluateHttp(planOf(http, { ...toRed, expect: { bodyContains: 'hello' } }), outcome('curl-red-ok.json'));
    expect(e.ok, e.message).toBe(true);
    expect(e.expected).toBe('hostA_red gets HTTP 200, body containing "hello" from http://172.30.0.10:80/');
  });

  it('an HTTP error status is not a pass', () => {
    const e = evaluateHttp(planOf(http, toRed), outcome('curl-red-404.json'));
    expect(e).toMatchObject({ ok: false, message: 'HTTP 404, expected 200', observed: expect.objectContaining({ status: 404 }) });
    expect(evaluateHttp(planOf(http, { ...toRed, path: '/missing', expect: { status: 404 } }), outcome('curl-red-404.json')).ok).toBe(true);
  });

  it('a body that does not contain the text fails', () => {
    expect(evaluateHttp(planOf(http, { ...toRed, expect: { bodyContains: 'nginx' } }), outcome('curl-red-ok.json')).message).toBe('body does not contain "nginx"');
  });

  it('clientIP: the server saw the host itself (no SNAT)', () => {
    const plan = planOf(http, { ...toRed, expect: { clientIP: true } });
    expect(plan.url).toBe('http://172.30.0.10:80/clientip');
    expect(evaluateHttp(plan, outcome('curl-red-clientip.json'))).toMatchObject({ ok: true, observed: expect.objectContaining({ clientIP: '192.168.20.2' }) });
    const other = evaluateHttp(planOf(http, { ...toRed, expect: { clientIP: 'hostA_blue' } }), outcome('curl-red-clientip.json'));
    expect(other).toMatchObject({ ok: false, message: 'server saw client 192.168.20.2, expected 192.168.21.2 (hostA_blue)' });
    expect(echoedClientIP('[fd00::2]:4242')).toBe('fd00::2');
    expect(echoedClientIP('10.0.0.1')).toBe('10.0.0.1');
    expect(echoedClientIP('<html>')).toBeUndefined();
  });

  it('from a pod: by selector or name, the check runs in the pod; clientIP: true is the pod itself', () => {
    const bySelector = planOf(http, { from: { pod: { namespace: 'red', selector: { app: 'nginx' } } }, to: { host: 'hostA_red' }, port: 8090, expect: { clientIP: true } });
    expect(bySelector).toMatchObject({ target: { kind: 'pod', namespace: 'red', name: 'nginx-0' }, from: 'pod red/nginx-0', url: 'http://192.168.20.2:8090/clientip', clientIP: '10.244.0.2' });
    expect(planOf(http, { from: { pod: 'red/nginx-0' }, to: '10.0.0.1' }).target).toEqual({ kind: 'pod', namespace: 'red', name: 'nginx-0' });
    expect(http.describe(http.params.parse({ from: { pod: { namespace: 'red', selector: { app: 'nginx' } } }, to: { host: 'hostA_red' }, port: 8090, expect: { clientIP: { node: '*' } } })))
      .toBe('pod red/{app=nginx} gets HTTP 200, server sees client a cluster node (masqueraded) from host hostA_red:8090/clientip');
    expect(() => http.params.parse({ from: { pod: 'red/nginx-0' }, vrf: 'red', to: '10.0.0.1' })).toThrow(/a pod has no VRF/);
    expect(() => http.params.parse({ from: { pod: { namespace: 'red', selector: {} } }, to: '10.0.0.1' })).toThrow(/at least one label/);
  });

  it('clientIP: {pod} is that pod\'s address', () => {
    const plan = planOf(http, { ...toRed, expect: { clientIP: { pod: 'red/nginx-0' } } });
    const e = evaluateHttp(plan, outcome('curl-red-clientip.json'));
    expect(e).toMatchObject({ ok: false, message: 'server saw client 192.168.20.2, expected 10.244.0.2 (pod red/nginx-0)' });
  });

  it('clientIP: {node} passes only when the echoed address is one of the node\'s own (masquerade)', () => {
    const plan = planOf(http, { ...toRed, expect: { clientIP: { node: '*' } } });
    expect(plan).toMatchObject({ clientNodes: ['node0'], clientLabel: 'a cluster node (masqueraded)', url: 'http://172.30.0.10:80/clientip' });
    const seen = outcome('curl-red-clientip.json');
    expect(evaluateHttp(plan, { ...seen, nodeAddresses: ['192.169.10.2', '192.168.20.2'] })).toMatchObject({ ok: true, message: 'HTTP 200, client 192.168.20.2 (a node address)' });
    expect(evaluateHttp(plan, { ...seen, nodeAddresses: ['192.169.10.2', '10.244.0.1'] })).toMatchObject({
      ok: false,
      message: 'server saw client 192.168.20.2, expected a cluster node (masqueraded) (one of 192.169.10.2, 10.244.0.1)',
    });
    expect(() => planOf(http, { ...toRed, expect: { clientIP: { node: 'nodeX' } } })).toThrow(/no cluster node "nodeX"/);
  });

  it('a node\'s addresses come from `ip -4 -j addr show`, loopback aside', () => {
    const text = JSON.stringify([
      { ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
      { ifindex: 2, ifname: 'eth0', addr_info: [{ family: 'inet', local: '172.18.0.3', prefixlen: 16 }] },
      { ifindex: 5, ifname: 'veth2fbf0e68', addr_info: [{ family: 'inet', local: '10.244.1.1', prefixlen: 32 }] },
    ]);
    expect(addressesOf(text)).toEqual(['172.18.0.3', '10.244.1.1']);
    expect(addressesOf('')).toEqual([]);
  });

  it('no answer fails a reachability check, with curl\'s error', () => {
    const e = evaluateHttp(planOf(http, { from: 'hostA_blue', to: { service: 'red/nginx' } }), outcome('curl-blue-unreachable.json'));
    expect(e.ok).toBe(false);
    expect(e.message).toContain('no answer: unreachable (curl exit 7: curl: (7) Failed to connect');
  });

  it('isolation holds for exit 7 (blue, no route) and exit 28 (silence)', () => {
    const plan = planOf(http, { from: 'hostA_blue', to: { service: 'red/nginx' }, isolated: true });
    expect(evaluateHttp(plan, outcome('curl-blue-unreachable.json'))).toMatchObject({ ok: true, message: 'no answer (curl exit 7)' });
    expect(evaluateHttp(plan, outcome('curl-red-timeout.json'))).toMatchObject({ ok: true, message: 'no answer (curl exit 28)' });
  });

  it('a blue host reaching red FAILS isolation, even with an HTTP error', () => {
    const plan = planOf(http, { from: 'hostA_blue', to: { service: 'red/nginx' }, isolated: true });
    const e = evaluateHttp(plan, outcome('curl-red-ok.json'));
    expect(e.ok).toBe(false);
    expect(e.expected).toBe('hostA_blue gets no answer from http://172.30.0.10:80/ (connect fails or times out)');
    expect(e.message).toBe('hostA_blue reached http://172.30.0.10:80/: got an answer: HTTP 200');
    expect(e.observed).toMatchObject({ outcome: 'reached', status: 200 });
    expect(evaluateHttp(plan, outcome('curl-red-404.json')).ok).toBe(false);
  });

  it('any other curl error is not isolation (52: empty reply means a connection was made)', () => {
    const plan = planOf(http, { from: 'hostA_blue', to: '172.30.0.10', isolated: true });
    const e = evaluateHttp(plan, parseCurl({ exitCode: 52, stdout: '\n[pelab-curl] 000 172.30.0.10 80 192.168.21.2', stderr: 'curl: (52) Empty reply from server\n' }));
    expect(e.ok).toBe(false);
    expect(e.message).toContain('curl exit 52 is not isolation');
  });

  it('defaults: isolation runs consistently with the isolation row; maxTime sets the attempt budget', () => {
    const iso = http.params.parse({ from: 'hostA_blue', to: '172.30.0.10', isolated: true });
    expect(http.defaultMode(iso)).toBe('consistently');
    expect(http.defaults(iso).durationMs).toBe(3000);
    expect(http.defaults(http.params.parse({ from: 'hostA_blue', to: '172.30.0.10', isolated: true, maxTime: '500ms' })).attemptTimeoutMs).toBe(500 + CURL_MARGIN_MS);
    expect(http.defaultMode(http.params.parse(toRed))).toBe('eventually');
    expect(http.params.safeParse({ ...toRed, isolated: true, expect: { status: 200 } }).success).toBe(false);
  });
});

describe('k8s-status', () => {
  const sessions = [
    { node: 'node0', peer: '192.169.10.1', vrf: 'red', bgpStatus: 'Established', bfdStatus: 'N/A' },
    { node: 'node0', peer: '192.169.11.1', vrf: 'blue', bgpStatus: 'Active', bfdStatus: 'N/A' },
  ];

  it('a BGPSessionState by node, peer and VRF', () => {
    const plan = planOf(k8sStatus, { session: { node: 'node0', peer: { peRouterSide: { vrf: 'red' } }, vrf: 'red' } });
    expect(evaluateK8sStatus(plan, { what: 'session', sessions })).toMatchObject({ ok: true, expected: 'BGPSessionState node0 -> 192.169.10.1 in VRF red is Established' });
    const blue = evaluateK8sStatus(planOf(k8sStatus, { session: { node: 'node0', peer: '192.169.11.1', vrf: 'blue' } }), { what: 'session', sessions });
    expect(blue).toMatchObject({ ok: false, message: 'bgpStatus Active, expected Established' });
    const none = evaluateK8sStatus(planOf(k8sStatus, { session: { node: 'node1', peer: '192.169.10.1', vrf: 'red' } }), { what: 'session', sessions });
    expect(none).toMatchObject({ ok: false, observed: 'absent' });
    expect(evaluateK8sStatus(planOf(k8sStatus, { session: { node: 'node1', peer: '192.169.10.1', state: 'absent' } }), { what: 'session', sessions }).ok).toBe(true);
  });

  it('a service external IP', () => {
    const services = [
      { namespace: 'red', name: 'nginx', externalIPs: ['172.30.0.10'], pool: 'red' },
      { namespace: 'blue', name: 'nginx', externalIPs: [] },
    ];
    expect(evaluateK8sStatus(planOf(k8sStatus, { service: 'red/nginx', externalIP: '172.30.0.10', pool: 'red' }), { what: 'service', services }).ok).toBe(true);
    expect(evaluateK8sStatus(planOf(k8sStatus, { service: 'red/nginx', externalIP: '172.30.0.11' }), { what: 'service', services }).message).toBe('external IPs 172.30.0.10, expected 172.30.0.11');
    expect(evaluateK8sStatus(planOf(k8sStatus, { service: 'blue/nginx' }), { what: 'service', services }).message).toBe('no external IP (pending)');
    expect(evaluateK8sStatus(planOf(k8sStatus, { service: 'green/nginx' }), { what: 'service', services }).ok).toBe(false);
  });
});

describe('frr-json', () => {
  const vni = JSON.parse(fixture('leafA-evpn-vni-100.json')) as unknown;

  it('subset match on a recorded output, with <absent> and <any>', () => {
    const plan = planOf(frrJson, { on: { router: 'leafA' }, command: 'show evpn vni 100 json', expect: { type: 'L3', vrf: 'red', state: 'Up', routerMac: '<any>', bgpNoSuchVni: '<absent>' } });
    expect(evaluateFrrJson(plan, vni)).toMatchObject({ ok: true });
    const down = evaluateFrrJson(planOf(frrJson, { on: { router: 'leafA' }, command: 'show evpn vni 100 json', expect: { state: 'Down', sviIntf: null } }), vni);
    expect(down.ok).toBe(false);
    expect(down.message).toBe('$.state: expected "Down", observed "Up"; $.sviIntf: expected absent, observed "br100"');
  });

  it('only show ... json commands', () => {
    expect(frrJson.params.safeParse({ on: { router: 'leafA' }, command: 'clear bgp *', expect: {} }).success).toBe(false);
  });
});
