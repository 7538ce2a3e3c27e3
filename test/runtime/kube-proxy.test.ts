// kube-proxy's rules as rendered, and loaded by the real nft (in a throwaway network namespace).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { endpointsFor, renderKubeProxy, type ProxiedService } from '../../src/runtime/netns/kube-proxy.ts';

const pods = [
  { name: 'web-0', node: 'w1', ip: '10.244.1.2' },
  { name: 'web-1', node: 'w2', ip: '10.244.2.2' },
  { name: 'web-2', node: 'w1', ip: '10.244.1.3' },
];
const cluster: ProxiedService = {
  namespace: 'web', name: 'web', ips: ['172.30.0.10'], externalTrafficPolicy: 'Cluster', pods,
  ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
};
const local: ProxiedService = { ...cluster, name: 'local', ips: ['172.30.0.11'], externalTrafficPolicy: 'Local' };

function nftAvailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('nft', ['--version']);
    execFileSync('unshare', ['--net', 'true']);
    return undefined;
  } catch (e) {
    return `nft or unshare unusable: ${(e as Error).message}`;
  }
}

/** Loads the ruleset twice (the second load replaces the first) in a fresh namespace; returns `nft list`. */
function loadTwice(ruleset: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pelab-kp-')), 'rules.nft');
  writeFileSync(file, ruleset);
  return execFileSync('unshare', ['--net', 'sh', '-c', 'nft -f "$1" && nft -f "$1" && nft list ruleset', 'sh', file], { encoding: 'utf8' });
}

describe('endpoints a node may pick', () => {
  test('Cluster: every endpoint in the cluster, on the targetPort', () => {
    expect(endpointsFor(cluster, cluster.ports[0]!, 'w2', false)).toEqual([
      { ip: '10.244.1.2', port: 8080 }, { ip: '10.244.2.2', port: 8080 }, { ip: '10.244.1.3', port: 8080 },
    ]);
  });
  test('Local: only the node own endpoints', () => {
    expect(endpointsFor(local, local.ports[0]!, 'w1', true)).toEqual([{ ip: '10.244.1.2', port: 8080 }, { ip: '10.244.1.3', port: 8080 }]);
    expect(endpointsFor(local, local.ports[0]!, 'cp', true)).toEqual([]);
  });
});

describe('the rendered ruleset', () => {
  const onW2 = renderKubeProxy('w2', [cluster, local]);

  test('the LoadBalancer IP and port go to the service chain, Cluster through the masquerade mark', () => {
    expect(onW2).toContain('ip daddr 172.30.0.10 tcp dport 80 goto svc-web/web/tcp/80');
    expect(onW2).toMatch(/chain svc-web\/web\/tcp\/80 \{\n\s+meta mark set meta mark \| 0x4000\n\s+meta l4proto tcp dnat ip to numgen random mod 3 map \{ 0 : 10\.244\.1\.2 \. 8080, 1 : 10\.244\.2\.2 \. 8080, 2 : 10\.244\.1\.3 \. 8080 \}/);
    expect(onW2).toContain('meta mark & 0x4000 == 0x4000 masquerade');
  });

  test('Local keeps the client address: no mark, only local endpoints; pods and the node itself fall back to Cluster', () => {
    expect(onW2).toContain('ip daddr 172.30.0.11 tcp dport 80 goto ext-web/local/tcp/80');
    expect(onW2).toMatch(/chain ext-web\/local\/tcp\/80 \{\n\s+ip saddr 10\.244\.0\.0\/16 goto svc-web\/local\/tcp\/80\n\s+fib saddr type local goto svc-web\/local\/tcp\/80\n\s+meta l4proto tcp dnat ip to 10\.244\.2\.2:8080\n/);
    expect(renderKubeProxy('cp', [local])).toMatch(/chain ext-web\/local\/tcp\/80 \{[^}]*\n\s+drop\n/);
  });

  test('a Cluster service without endpoints rejects; pods leaving the pod network are masqueraded (kindnet)', () => {
    expect(renderKubeProxy('w1', [{ ...cluster, pods: [] }])).toMatch(/meta mark set meta mark \| 0x4000\n\s+reject with tcp reset/);
    expect(onW2).toContain('ip saddr 10.244.0.0/16 ip daddr != 10.244.0.0/16 masquerade');
  });

  test('the same inputs give the same text', () => {
    expect(renderKubeProxy('w2', [local, cluster])).toBe(onW2);
  });
});

const skip = nftAvailable();
describe.skipIf(skip !== undefined)(`nft loads it${skip ? ` (skipped: ${skip})` : ''}`, () => {
  test('every shape of chain loads, and loading again replaces the table', () => {
    const listed = loadTwice(
      renderKubeProxy('cp', [cluster, local, { ...cluster, name: 'empty', ips: ['172.30.0.12'], pods: [] }, { ...cluster, name: 'udp', ports: [{ protocol: 'UDP', port: 53, targetPort: 53 }] }]),
    );
    expect(listed.match(/table ip kube-proxy/g)).toHaveLength(1);
    expect(listed).toContain('dnat ip to numgen random mod 3 map { 0 : 10.244.1.2 . 8080, 1 : 10.244.2.2 . 8080, 2 : 10.244.1.3 . 8080 }');
    expect(listed).toMatch(/chain ext-web\/local\/tcp\/80 \{[^}]*drop/);
    expect(listed).toContain('udp dport 53 goto svc-web/udp/udp/53');
  });
});
