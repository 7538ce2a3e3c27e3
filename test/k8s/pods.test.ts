import { describe, expect, test } from 'vitest';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import { genericServerWarning, placePods, planPods, podCidrOf, podServerFor, podsOfService } from '../../src/k8s/pods.ts';
import { collectObjects } from '../../src/k8s/schemas/index.ts';
import type { Cluster } from '../../src/lab/model.ts';
import { EVPN_FILES, singlecluster } from './helpers/cluster.ts';

const deployment = (name: string, replicas: number, image: string, extra = '') =>
  `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: web }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: c
          image: ${image}
${extra}`;

const deploymentsOf = (text: string) => collectObjects(parseManifests(text, 'pods.yaml')).deployments;
const onlyControlPlane: Cluster = { ...singlecluster, nodes: singlecluster.nodes.filter((n) => n.role === 'control-plane') };

describe('pod placement', () => {
  test('round robin over the workers, from the first; the control plane is tainted', () => {
    expect(placePods(5, singlecluster)).toEqual(['pe-kind-worker', 'pe-kind-worker2', 'pe-kind-worker', 'pe-kind-worker2', 'pe-kind-worker']);
  });
  test('a cluster without workers runs pods on its control plane', () => {
    expect(placePods(2, onlyControlPlane)).toEqual(['pe-kind-control-plane', 'pe-kind-control-plane']);
  });
  test('each node has its own /24 of 10.244.0.0/16 by node index, gateway .1', () => {
    expect(singlecluster.nodes.map((n) => podCidrOf(n))).toEqual([
      { network: '10.244.0.0', gateway: '10.244.0.1', prefixLength: 24 },
      { network: '10.244.1.0', gateway: '10.244.1.1', prefixLength: 24 },
      { network: '10.244.2.0', gateway: '10.244.2.1', prefixLength: 24 },
    ]);
  });
});

describe('pod addresses', () => {
  const ds = deploymentsOf(`${deployment('a', 3, 'nginx:1.27')}---\n${deployment('b', 1, 'nginx:1.27')}`);

  test('from .2 of the node pod CIDR, in deployment then replica order', () => {
    expect(planPods(ds, singlecluster).map((p) => [p.name, p.node, p.ip])).toEqual([
      ['a-0', 'pe-kind-worker', '10.244.1.2'],
      ['a-1', 'pe-kind-worker2', '10.244.2.2'],
      ['a-2', 'pe-kind-worker', '10.244.1.3'],
      ['b-0', 'pe-kind-worker', '10.244.1.4'],
    ]);
  });

  test('a pod keeps its address; a new pod takes the lowest free one', () => {
    const before = { 'web/b-0': '10.244.1.2' };
    expect(planPods(ds, singlecluster, before).map((p) => [p.name, p.ip])).toEqual([
      ['a-0', '10.244.1.3'],
      ['a-1', '10.244.2.2'],
      ['a-2', '10.244.1.4'],
      ['b-0', '10.244.1.2'],
    ]);
  });

  test('an address from another node pod CIDR is not kept', () => {
    expect(planPods(ds, singlecluster, { 'web/a-0': '10.244.2.9' })[0]!.ip).toBe('10.244.1.2');
  });
});

describe('the server an image stands for', () => {
  test('nginx images run nginx on 80 whatever the containerPort says', () => {
    expect(podServerFor({ image: 'nginx:1.27', ports: [{ containerPort: 8080 }] })).toEqual({ kind: 'nginx', ports: [80] });
    expect(podServerFor({ image: 'docker.io/library/nginx@sha256:abc' })).toEqual({ kind: 'nginx', ports: [80] });
    expect(podServerFor({ image: 'quay.io/x/nginx-exporter:1' }).kind).toBe('generic');
  });
  test('agnhost netexec on the --http-port its args give (8080 by default)', () => {
    expect(podServerFor({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec', '--http-port=8090'] })).toEqual({ kind: 'agnhost-netexec', ports: [8090] });
    expect(podServerFor({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec'] })).toEqual({ kind: 'agnhost-netexec', ports: [8080] });
  });
  test('any other image: the generic server on its container ports, and a warning naming the image', () => {
    const pods = planPods(deploymentsOf(deployment('x', 1, 'ghcr.io/acme/shop:2', '          ports: [{ containerPort: 9000 }]\n')), singlecluster);
    expect(pods[0]!.server).toEqual({ kind: 'generic', image: 'ghcr.io/acme/shop:2', ports: [9000] });
    expect(genericServerWarning(pods[0]!)).toBe('pod web/x-0: image ghcr.io/acme/shop:2 is not emulated; pelab runs its generic echo server on container ports 9000');
    expect(podServerFor({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['pause'] }).kind).toBe('generic');
  });
});

describe('the EVPN demo', async () => {
  const d = computeDesiredState(await loadManifestFiles(EVPN_FILES), singlecluster);
  test('one nginx pod per VRF on the first worker, selected by its Service', () => {
    expect(d.pods.map((p) => [`${p.namespace}/${p.name}`, p.node, p.ip, p.server.kind])).toEqual([
      ['blue/nginx-blue-0', 'pe-kind-worker', '10.244.1.2', 'nginx'],
      ['red/nginx-red-0', 'pe-kind-worker', '10.244.1.3', 'nginx'],
    ]);
    expect(podsOfService({ namespace: 'red', selector: { app: 'nginx-red' } }, d.pods).map((p) => p.name)).toEqual(['nginx-red-0']);
    expect(d.warnings).toEqual([]);
  });
});
