// The kind runtime's view of workload pods (checks that start from a pod or expect one) and how
// it runs a command in one. The Pod list below is hand-written in the API's shape (no recorded
// kind run is available here): a Running pod, a Pending one without an address, a terminating one.
import { describe, expect, test } from 'vitest';
import { parseWorkloadPods } from '../../src/runtime/kind/parse.ts';
import { execArgv } from '../../src/runtime/kind/exec.ts';
import { repoLab } from '../lab/helpers.ts';

const pod = (name: string, phase: string, podIP: string | null, created: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'red', labels: { app: 'nginx', 'pod-template-hash': '7c79c4bf97' }, creationTimestamp: created, ...extra },
  spec: { nodeName: 'pe-kind-worker', containers: [{ name: 'nginx' }] },
  status: { phase, podIP, conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }] },
});

describe('workload pods from the API', () => {
  test('only running pods with an address, oldest first, with their labels', () => {
    const list = {
      items: [
        pod('nginx-deployment-7c79c4bf97-x2k8d', 'Running', '10.244.1.3', '2026-11-30T10:00:05Z'),
        pod('nginx-deployment-7c79c4bf97-9qzlm', 'Running', '10.244.2.2', '2026-11-30T10:00:01Z'),
        pod('nginx-deployment-7c79c4bf97-pending', 'Pending', null, '2026-11-30T10:00:09Z'),
        pod('nginx-deployment-7c79c4bf97-gone', 'Running', '10.244.1.9', '2026-11-30T09:00:00Z', { deletionTimestamp: '2026-11-30T10:00:00Z' }),
      ],
    };
    expect(parseWorkloadPods(list)).toEqual([
      { namespace: 'red', name: 'nginx-deployment-7c79c4bf97-9qzlm', node: 'pe-kind-worker', ip: '10.244.2.2', labels: { app: 'nginx', 'pod-template-hash': '7c79c4bf97' } },
      { namespace: 'red', name: 'nginx-deployment-7c79c4bf97-x2k8d', node: 'pe-kind-worker', ip: '10.244.1.3', labels: { app: 'nginx', 'pod-template-hash': '7c79c4bf97' } },
    ]);
  });
});

describe('a command in a workload pod', async () => {
  const lab = await repoLab('singlecluster');
  test('kubectl exec into the pod (its default container)', () => {
    expect(execArgv(lab, { kind: 'pod', namespace: 'red', name: 'nginx-deployment-7c79c4bf97-9qzlm' }, ['curl', '-s', 'http://192.168.20.2:8090/clientip'], {}, { kubeconfig: '/w/kubeconfig', pod: 'nginx-deployment-7c79c4bf97-9qzlm' }))
      .toEqual(['kubectl', '--kubeconfig', '/w/kubeconfig', 'exec', '-n', 'red', 'nginx-deployment-7c79c4bf97-9qzlm', '--', 'curl', '-s', 'http://192.168.20.2:8090/clientip']);
  });
  test('a pod name the dry run\'s cluster client made up is printed as such; anything else must be a valid name', () => {
    const pe = (pod: string) => execArgv(lab, { kind: 'pe', node: 'pe-kind-worker' }, ['ip', 'route'], {}, { kubeconfig: '/w/kubeconfig', pod });
    expect(pe('<router-pod-on-pe-kind-worker>')).toContain('<router-pod-on-pe-kind-worker>');
    expect(() => pe('router pod; rm')).toThrow(/Kubernetes object name/);
    expect(() => pe('<a><b>')).toThrow(/Kubernetes object name/);
  });
  test('a pod has no VRF', () => {
    expect(() => execArgv(lab, { kind: 'pod', namespace: 'red', name: 'p' }, ['ip', 'route'], { vrf: 'red' }, { kubeconfig: '/w/kubeconfig', pod: 'p' })).toThrow(/has no VRF red/);
  });
});
