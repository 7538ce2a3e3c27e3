// MetalLB's L2 election: who may answer ARP for a Service IP, and in which order. The expected
// orders were computed outside this code, with `printf '%s' "<node>#<ip>" | sha256sum` and
// `sort` (MetalLB's speaker/layer2_controller.go sorts by that digest, lowest first).
import { describe, expect, test } from 'vitest';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import { electionOrder } from '../../src/k8s/l2-election.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import { electL2 } from '../../src/runtime/netns/l2-speakers.ts';
import { repoLab } from '../lab/helpers.ts';
import { scenarioFiles } from './helpers/cluster.ts';

const NODES = ['l2-control-plane', 'l2-worker', 'l2-worker2'];
const L2_FILES = scenarioFiles('metallb-l2', ['metallb.yaml', 'workloads.yaml']);
const cluster = (await repoLab('metallb-l2')).cluster!;

describe('electionOrder', () => {
  test.each([
    ['172.18.255.200', ['l2-worker2', 'l2-control-plane', 'l2-worker']],
    ['172.18.255.201', ['l2-worker', 'l2-worker2', 'l2-control-plane']],
    ['10.0.0.1', ['l2-worker', 'l2-control-plane', 'l2-worker2']],
  ])('%s: sha256(node + "#" + ip), lowest first', (ip, order) => {
    expect(electionOrder(NODES, ip)).toEqual(order);
    expect(electionOrder([...NODES].reverse(), ip)).toEqual(order);
  });
});

describe('L2 candidates of the platform guide scenario', async () => {
  const base = await loadManifestFiles(L2_FILES);
  const d = computeDesiredState(base, cluster);
  const candidates = (name: string, state = d) => state.services.find((s) => s.name === name)!.l2Candidates;

  test('the control plane counts although kubeadm labels it exclude-from-external-load-balancers: the speakers run with ignoreExcludeLB', () => {
    expect(d.nodes.find((n) => n.node === 'l2-control-plane')!.labels).toHaveProperty(['node.kubernetes.io/exclude-from-external-load-balancers'], '');
    expect(candidates('envoy-gateway')).toEqual([
      { node: 'l2-worker2', interfaces: 'all' },
      { node: 'l2-control-plane', interfaces: 'all' },
      { node: 'l2-worker', interfaces: 'all' },
    ]);
  });

  test('Services sharing an IP share the election', () => {
    expect(candidates('shared-http')).toEqual(candidates('shared-alt'));
    expect(candidates('shared-http').map((c) => c.node)).toEqual(['l2-worker', 'l2-worker2', 'l2-control-plane']);
  });

  test('nodeSelectors and interfaces narrow the candidates; an advertisement without interfaces means all', () => {
    const adv = (spec: string) =>
      parseManifests(`apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: default, namespace: metallb-system}\nspec: ${spec}\n`, 'adv.yaml');
    const only = computeDesiredState([...base.filter((m) => m.kind !== 'L2Advertisement'), ...adv('{ipAddressPools: [default-pool], interfaces: [eth0], nodeSelectors: [{matchLabels: {kubernetes.io/hostname: l2-worker}}]}')], cluster);
    expect(candidates('envoy-gateway', only)).toEqual([{ node: 'l2-worker', interfaces: ['eth0'] }]);
    const other = computeDesiredState([...base.filter((m) => m.kind !== 'L2Advertisement'), ...adv('{ipAddressPools: [some-other-pool]}'), ...parseManifests('apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: some-other-pool, namespace: metallb-system}\nspec: {addresses: [10.9.0.0/24]}\n', 'p.yaml')], cluster);
    expect(candidates('envoy-gateway', other)).toEqual([]);
  });

  test('externalTrafficPolicy Local: only nodes with a ready endpoint', () => {
    const local = base.map((m) =>
      m.kind === 'Service' && m.metadata.name === 'envoy-gateway' ? { ...m, body: { ...m.body, spec: { ...(m.body.spec as object), externalTrafficPolicy: 'Local' } } } : m,
    );
    const oneReplica = local.map((m) => (m.kind === 'Deployment' ? { ...m, body: { ...m.body, spec: { ...(m.body.spec as object), replicas: 1 } } } : m));
    const state = computeDesiredState(oneReplica, cluster);
    const endpointNode = state.pods[0]!.node;
    expect(candidates('envoy-gateway', state)).toEqual([{ node: endpointNode, interfaces: 'all' }]);
  });

  test('electL2: the first candidate whose speaker runs wins; with none left, nobody announces', () => {
    expect(electL2(d.services, []).statuses.filter((s) => s.name === 'envoy-gateway')).toEqual([{ namespace: 'default', name: 'envoy-gateway', ip: '172.18.255.200', node: 'l2-worker2' }]);
    const down = electL2(d.services, ['l2-worker2']);
    expect(down.statuses.find((s) => s.name === 'envoy-gateway')!.node).toBe('l2-control-plane');
    expect(down.perNode.get('l2-control-plane')).toEqual([{ ip: '172.18.255.200', interfaces: 'all' }]);
    expect(down.perNode.get('l2-worker')).toEqual([{ ip: '172.18.255.201', interfaces: 'all' }]);
    expect(down.perNode.has('l2-worker2')).toBe(false);
    const none = electL2(d.services, ['l2-control-plane', 'l2-worker', 'l2-worker2']);
    expect(none.statuses.every((s) => s.node === undefined)).toBe(true);
    expect(none.perNode.size).toBe(0);
  });
});
