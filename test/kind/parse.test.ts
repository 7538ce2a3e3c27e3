// The parsers on recorded outputs and on objects assembled from the upstream schemas; which is
// which is listed in test/fixtures/kind/README.md.
import { describe, expect, it } from 'vitest';
import {
  clabState, parseBgpSessionStates, parseBridges, parseClabInspect, parseKindNodes, parseNodeReadiness, parsePods, parseServices, peerFromStatus, podOnNode,
} from '../../src/runtime/kind/parse.ts';
import { fixture, fixtureText } from './helpers.ts';

describe('parseClabInspect', () => {
  it('reads the current keyed-by-lab JSON (recorded from containerlab docs)', () => {
    expect(parseClabInspect(fixture('clab-inspect.json'), 'vlan')).toEqual([
      { node: 'client1', container: 'clab-vlan-client1', kind: 'linux', state: 'running', status: 'Up 4 hours', image: 'ghcr.io/srl-labs/alpine' },
      { node: 'client2', container: 'clab-vlan-client2', kind: 'linux', state: 'running', status: 'Up 4 hours', image: 'ghcr.io/srl-labs/alpine' },
    ]);
  });

  it('reads the older bare list, keeping only the asked lab', () => {
    const nodes = parseClabInspect(fixture('clab-inspect-legacy.json'), 'srlceos01');
    expect(nodes.map((n) => [n.node, n.kind, n.state])).toEqual([
      ['srl', 'srl', 'running'],
      ['ceos', 'ceos', 'running'],
    ]);
    expect(parseClabInspect(fixture('clab-inspect-legacy.json'), 'other')).toEqual([]);
  });

  it('reads the {"containers": [...]} form and an empty answer', () => {
    const containers = (fixture('clab-inspect-legacy.json') as unknown[]).slice(0, 1);
    expect(parseClabInspect({ containers }, 'srlceos01').map((n) => n.node)).toEqual(['srl']);
    expect(parseClabInspect({}, 'pe-kind')).toEqual([]);
  });

  it('maps the singlecluster lab (clab-pe-kind-<node>) and a stopped host', () => {
    const nodes = parseClabInspect(fixture('clab-inspect-pe-kind.json'), 'pe-kind');
    expect(nodes).toHaveLength(10);
    const byNode = new Map(nodes.map((n) => [n.node, n]));
    expect(byNode.get('leafkind1')?.container).toBe('clab-pe-kind-leafkind1');
    expect(clabState(byNode.get('leafA')!.state)).toBe('up');
    expect(clabState(byNode.get('hostB_blue')!.state)).toBe('down');
  });

  it('rejects output that is not containerlab JSON', () => {
    expect(() => parseClabInspect('text', 'x')).toThrow(/containerlab inspect/);
    expect(parseClabInspect({ other: [{ nope: 1 }] }, 'x')).toEqual([]);
    expect(() => parseClabInspect({ x: [{ state: 'running' }] }, 'x')).toThrow(/entry 0: name/);
  });
});

describe('parseBgpSessionStates', () => {
  it('gives one session per object, default VRF as "", IPv6 peers in the usual form', () => {
    const s = parseBgpSessionStates(fixture('bgpsessionstates.json'));
    expect(s).toEqual([
      { node: 'pe-kind-control-plane', peer: '192.169.10.1', vrf: '', bgpStatus: 'Established', bfdStatus: 'N/A' },
      { node: 'pe-kind-control-plane', peer: '192.169.11.1', vrf: '', bgpStatus: 'Established', bfdStatus: 'N/A' },
      { node: 'pe-kind-worker', peer: '192.169.10.1', vrf: '', bgpStatus: 'Established', bfdStatus: 'N/A' },
      { node: 'pe-kind-worker', peer: '192.169.11.1', vrf: '', bgpStatus: 'Active', bfdStatus: 'N/A' },
      { node: 'pe-kind-worker2', peer: '192.169.11.1', vrf: '', bgpStatus: 'Unknown', bfdStatus: 'N/A' },
      { node: 'pe-kind-worker2', peer: '2001:db8:1::1', vrf: '', bgpStatus: 'OpenSent', bfdStatus: 'N/A' },
      { node: 'pe-kind-worker2', peer: '192.169.10.1', vrf: 'red', bgpStatus: 'Established', bfdStatus: 'up' },
    ]);
  });

  it('accepts a bare list and an empty list', () => {
    expect(parseBgpSessionStates([])).toEqual([]);
    expect(parseBgpSessionStates({ items: null })).toEqual([]);
  });

  it('undoes frr-k8s label-safe IPv6', () => {
    expect(peerFromStatus('2001-0db8-0001-0000-0000-0000-0000-0001')).toBe('2001:db8:1::1');
    expect(peerFromStatus('fd00-0000-0000-0000-0000-0000-0000-0000')).toBe('fd00::');
    expect(peerFromStatus('0000-0000-0000-0000-0000-0000-0000-0001')).toBe('::1');
    expect(peerFromStatus('2001-0db8-0000-0001-0000-0001-0000-0001')).toBe('2001:db8:0:1:0:1:0:1');
    expect(peerFromStatus('192.169.10.1')).toBe('192.169.10.1');
    expect(peerFromStatus('eth1')).toBe('eth1');
  });
});

describe('parseServices', () => {
  it('reads a recorded kind + MetalLB Service list: only LoadBalancers, with their pool', () => {
    expect(parseServices(fixture('services-recorded.json'))).toEqual([
      { namespace: 'kubelb', name: 'envoy-tenant-primary-default-grpc-gw-dd1e96ff', externalIPs: ['172.18.255.205'], pool: 'kubelb' },
      { namespace: 'kubelb', name: 'kubelb-ingress-nginx-controller', externalIPs: ['172.18.255.200'], pool: 'kubelb' },
    ]);
  });

  it('reports a pending Service with no IPs, and both families of a dual-stack one', () => {
    expect(parseServices(fixture('services-demo.json'))).toEqual([
      { namespace: 'blue', name: 'nginx', externalIPs: [] },
      { namespace: 'red', name: 'nginx', externalIPs: ['172.30.0.10'], pool: 'red' },
      { namespace: 'red', name: 'web-dual', externalIPs: ['172.30.0.11', 'fc00:f853:ccd:e799::10'], pool: 'dual' },
    ]);
  });

  it('rejects an item without a name', () => {
    expect(() => parseServices({ items: [{ metadata: {} }] })).toThrow(/Service items\[0\]/);
  });
});

describe('pods and nodes', () => {
  it('finds the router pod of a node, skipping a terminating one for its replacement', () => {
    const list = fixture('router-pods.json');
    expect(podOnNode(list, 'pe-kind-control-plane')).toMatchObject({ name: 'openperouter-router-2xk8p', ready: true, containers: ['frr', 'reloader'] });
    expect(podOnNode(list, 'pe-kind-worker')).toMatchObject({ name: 'openperouter-router-r5n9c', ready: false, phase: 'Running' });
    expect(podOnNode(list, 'pe-kind-worker2')).toMatchObject({ name: 'openperouter-router-v3t6w', phase: 'Pending' });
    expect(podOnNode(list, 'elsewhere')).toBeUndefined();
    expect(parsePods(list).map((p) => p.name)).not.toContain('openperouter-router-7hq2m');
  });

  it('finds the frr-k8s pod of every node, with its frr container', () => {
    for (const [node, pod] of [['pe-kind-control-plane', 'frr-k8s-4bq9d'], ['pe-kind-worker', 'frr-k8s-hx7tm'], ['pe-kind-worker2', 'frr-k8s-lp2vc']] as const) {
      const p = podOnNode(fixture('frrk8s-pods.json'), node);
      expect(p?.name).toBe(pod);
      expect(p?.containers).toContain('frr');
    }
  });

  it('accepts typed client objects (Date timestamps)', () => {
    const pods = parsePods({
      items: [
        { metadata: { name: 'a', creationTimestamp: new Date('2026-01-01T00:00:00Z') }, spec: { nodeName: 'n' }, status: { phase: 'Running' } },
        { metadata: { name: 'b', creationTimestamp: new Date('2026-01-02T00:00:00Z') }, spec: { nodeName: 'n' }, status: { phase: 'Running' } },
        { metadata: { name: 'c', deletionTimestamp: new Date() }, spec: { nodeName: 'n' } },
      ],
    });
    expect(pods.map((p) => p.name)).toEqual(['b', 'a']);
  });

  it('reads node readiness', () => {
    expect([...parseNodeReadiness(fixture('nodes.json'))]).toEqual([
      ['pe-kind-control-plane', true],
      ['pe-kind-worker', true],
      ['pe-kind-worker2', false],
    ]);
  });
});

describe('host tools', () => {
  it('kind get nodes: one name per line, sorted', () => {
    expect(parseKindNodes(fixtureText('kind-get-nodes.txt'))).toEqual(['pe-kind-control-plane', 'pe-kind-worker', 'pe-kind-worker2']);
    expect(parseKindNodes('No kind nodes found for cluster "pe-kind".\n')).toEqual([]);
    expect(parseKindNodes('')).toEqual([]);
  });

  it('ip -j link show type bridge', () => {
    expect([...parseBridges(fixtureText('ip-link-bridges.json'))]).toEqual([
      ['leafkind1-sw', true],
      ['docker0', true],
    ]);
    expect(parseBridges('')).toEqual(new Map());
  });
});
