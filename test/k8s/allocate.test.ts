import { describe, expect, test } from 'vitest';
import { allocateServiceIPs } from '../../src/k8s/metallb-allocate.ts';
import type { PoolInput, ServiceInput } from '../../src/k8s/metallb-allocate.ts';
import type { IPAddressPoolSpec } from '../../src/k8s/schemas/metallb.ts';

const pool = (name: string, spec: Partial<IPAddressPoolSpec> & { addresses: string[] }, labels?: Record<string, string>): PoolInput => ({ name, spec, ...(labels ? { labels } : {}) });
const svc = (namespace: string, name: string, extra: Partial<ServiceInput> = {}): ServiceInput => ({ namespace, name, ...extra });
const ips = (r: ReturnType<typeof allocateServiceIPs>) => r.map((a) => (a.ips.length ? `${a.ips.join(',')}@${a.pool}` : `pending: ${a.failure?.message}`));

describe('automatic allocation', () => {
  test('namespace pinning: each namespace gets its own pool, lowest address first', () => {
    const pools = [pool('red', { addresses: ['172.30.0.10-172.30.0.15'], serviceAllocation: { namespaces: ['red'] } }), pool('blue', { addresses: ['172.30.0.16-172.30.0.20'], serviceAllocation: { namespaces: ['blue'] } })];
    const r = allocateServiceIPs({ pools, services: [svc('blue', 'b'), svc('red', 'r1'), svc('red', 'r2')] });
    expect(ips(r)).toEqual(['172.30.0.16@blue', '172.30.0.10@red', '172.30.0.11@red']);
  });

  test('a pool with serviceAllocation never serves other namespaces, even when it is the only one', () => {
    const r = allocateServiceIPs({ pools: [pool('red', { addresses: ['172.30.0.10/32'], serviceAllocation: { namespaces: ['red'] } })], services: [svc('default', 's')] });
    expect(r[0]).toEqual({ namespace: 'default', name: 's', ips: [], failure: { reason: 'AllocationFailed', message: 'Failed to allocate IP for "default/s": no available IPs' } });
  });

  test('namespaceSelectors match namespace labels (and the automatic kubernetes.io/metadata.name)', () => {
    const pools = [
      pool('prod', { addresses: ['10.0.0.0/30'], serviceAllocation: { namespaceSelectors: [{ matchLabels: { env: 'prod' } }] } }),
      pool('byname', { addresses: ['10.0.1.0/30'], serviceAllocation: { namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': 'other' } }] } }),
    ];
    const r = allocateServiceIPs({ pools, services: [svc('shop', 'a'), svc('other', 'b')], namespaces: [{ name: 'shop', labels: { env: 'prod' } }] });
    expect(ips(r)).toEqual(['10.0.0.0@prod', '10.0.1.0@byname']);
  });

  test('pinned pools by priority (lower wins, unset last), namespace and service selectors ANDed', () => {
    const pools = [
      pool('unset', { addresses: ['10.0.3.0/30'], serviceAllocation: { namespaces: ['a'] } }),
      pool('p20', { addresses: ['10.0.2.0/30'], serviceAllocation: { priority: 20, namespaces: ['a'] } }),
      pool('p10', { addresses: ['10.0.1.0/32'], serviceAllocation: { priority: 10, namespaces: ['a'], serviceSelectors: [{ matchLabels: { tier: 'web' } }] } }),
    ];
    const r = allocateServiceIPs({ pools, services: [svc('a', 'web1', { labels: { tier: 'web' } }), svc('a', 'web2', { labels: { tier: 'web' } }), svc('a', 'db', { labels: { tier: 'db' } })] });
    // web1 takes p10's only address; web2 and db fall to p20, never to the unset-priority pool.
    expect(ips(r)).toEqual(['10.0.1.0@p10', '10.0.2.0@p20', '10.0.2.1@p20']);
  });

  test('fallback: when pinned pools are full, pools without serviceAllocation serve', () => {
    const pools = [pool('general', { addresses: ['192.168.50.0/31'] }), pool('red', { addresses: ['172.30.0.10/32'], serviceAllocation: { namespaces: ['red'] } })];
    const r = allocateServiceIPs({ pools, services: [svc('red', 'a'), svc('red', 'b'), svc('blue', 'c'), svc('blue', 'd')] });
    expect(ips(r)).toEqual(['172.30.0.10@red', '192.168.50.0@general', '192.168.50.1@general', 'pending: Failed to allocate IP for "blue/d": no available IPs']);
  });

  test('autoAssign: false removes a pool from automatic allocation only', () => {
    const pools = [pool('manual', { addresses: ['10.9.0.0/30'], autoAssign: false }), pool('auto', { addresses: ['10.8.0.0/30'] })];
    const r = allocateServiceIPs({
      pools,
      services: [svc('x', 'auto'), svc('x', 'by-pool', { annotations: { 'metallb.io/address-pool': 'manual' } }), svc('x', 'by-ip', { loadBalancerIP: '10.9.0.3' })],
    });
    expect(ips(r)).toEqual(['10.8.0.0@auto', '10.9.0.0@manual', '10.9.0.3@manual']);
  });

  test('network and broadcast addresses are handed out without avoidBuggyIPs', () => {
    const r = allocateServiceIPs({ pools: [pool('p', { addresses: ['10.1.0.254-10.1.1.1'] })], services: [1, 2, 3, 4].map((i) => svc('x', `s${i}`)) });
    expect(r.map((a) => a.ips[0])).toEqual(['10.1.0.254', '10.1.0.255', '10.1.1.0', '10.1.1.1']);
  });

  test('avoidBuggyIPs skips .0 and .255 anywhere in the pool, not only at its edges', () => {
    const r = allocateServiceIPs({ pools: [pool('p', { addresses: ['10.1.0.254-10.1.1.2'], avoidBuggyIPs: true })], services: [1, 2, 3, 4].map((i) => svc('x', `s${i}`)) });
    expect(r.map((a) => a.ips[0] ?? 'pending')).toEqual(['10.1.0.254', '10.1.1.1', '10.1.1.2', 'pending']);
  });

  test('entries are used in their order', () => {
    const r = allocateServiceIPs({ pools: [pool('p', { addresses: ['10.5.0.7/32', '10.4.0.0/31'] })], services: [1, 2, 3].map((i) => svc('x', `s${i}`)) });
    expect(r.map((a) => a.ips[0])).toEqual(['10.5.0.7', '10.4.0.0', '10.4.0.1']);
  });
});

describe('explicit requests', () => {
  const pools = [pool('red', { addresses: ['172.30.0.10-172.30.0.15'], serviceAllocation: { namespaces: ['red'] } }), pool('open', { addresses: ['10.0.0.0/29'], avoidBuggyIPs: true })];

  test('the metallb.io/loadBalancerIPs annotation and spec.loadBalancerIP', () => {
    const r = allocateServiceIPs({ pools, services: [svc('red', 'a', { annotations: { 'metallb.io/loadBalancerIPs': '172.30.0.14' } }), svc('red', 'b', { loadBalancerIP: '172.30.0.12' }), svc('red', 'c')] });
    expect(ips(r)).toEqual(['172.30.0.14@red', '172.30.0.12@red', '172.30.0.10@red']);
  });

  test('failures: both set, outside any pool, pool not accepting the namespace, taken, avoidBuggyIPs, wrong family', () => {
    const r = allocateServiceIPs({
      pools,
      services: [
        svc('red', 'both', { loadBalancerIP: '172.30.0.11', annotations: { 'metallb.io/loadBalancerIPs': '172.30.0.11' } }),
        svc('red', 'outside', { loadBalancerIP: '172.31.0.1' }),
        svc('blue', 'wrong-ns', { loadBalancerIP: '172.30.0.13' }),
        svc('red', 'first', { loadBalancerIP: '172.30.0.15' }),
        svc('red', 'second', { loadBalancerIP: '172.30.0.15' }),
        svc('x', 'buggy', { loadBalancerIP: '10.0.0.0' }),
        svc('x', 'v6', { annotations: { 'metallb.io/loadBalancerIPs': 'fd00::1' } }),
        svc('x', 'same-family', { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.1,10.0.0.2' } }),
      ],
    });
    expect(r.map((a) => a.failure?.message ?? a.ips.join())).toEqual([
      expect.stringMatching(/can not have both metallb\.io\/loadBalancerIPs and spec\.loadBalancerIP/),
      expect.stringMatching(/"172\.31\.0\.1" is not allowed in config/),
      expect.stringMatching(/pool red not compatible for ip assignment/),
      '172.30.0.15',
      expect.stringMatching(/"172\.30\.0\.15" is already in use by red\/first/),
      expect.stringMatching(/"10\.0\.0\.0" is not allowed in config \(pool open has avoidBuggyIPs\)/),
      expect.stringMatching(/do not match the service's IP family/),
      expect.stringMatching(/two IPs of the same address family/),
    ]);
    expect(r.every((a) => (a.failure ? a.failure.reason === 'AllocationFailed' && a.ips.length === 0 : true))).toBe(true);
  });

  test('the pool annotation: first free address of that pool; unknown or exhausted pools fail', () => {
    const r = allocateServiceIPs({
      pools: [pool('tiny', { addresses: ['10.7.0.1/32'] }), pool('other', { addresses: ['10.6.0.0/24'] })],
      services: [
        svc('x', 'a', { annotations: { 'metallb.io/address-pool': 'tiny' } }),
        svc('x', 'b', { annotations: { 'metallb.io/address-pool': 'tiny' } }),
        svc('x', 'c', { annotations: { 'metallb.io/address-pool': 'nope' } }),
        svc('x', 'd', { annotations: { 'metallb.io/address-pool': 'tiny', 'metallb.io/loadBalancerIPs': '10.6.0.9' } }),
      ],
    });
    expect(ips(r)).toEqual([
      '10.7.0.1@tiny',
      'pending: Failed to allocate IP for "x/b": no available IPs in pool "tiny"',
      'pending: Failed to allocate IP for "x/c": unknown pool "nope"',
      'pending: Failed to allocate IP for "x/d": requested IPs are not in pool "tiny"',
    ]);
  });
});

describe('sticky allocation', () => {
  const pools = [pool('p', { addresses: ['172.30.0.10-172.30.0.12'] })];

  test('a Service keeps its previous IP when recomputed, even if a lower one is free', () => {
    const first = allocateServiceIPs({ pools, services: [svc('x', 'a'), svc('x', 'b')] });
    expect(ips(first)).toEqual(['172.30.0.10@p', '172.30.0.11@p']);
    // a is deleted; a new Service c arrives before b in the list.
    const again = allocateServiceIPs({ pools, services: [svc('x', 'c'), svc('x', 'b')], previous: { 'x/b': ['172.30.0.11'] } });
    expect(ips(again)).toEqual(['172.30.0.10@p', '172.30.0.11@p']);
  });

  test('a previous IP that is no longer valid is replaced', () => {
    const again = allocateServiceIPs({
      pools,
      services: [svc('x', 'gone-from-pool'), svc('x', 'now-explicit', { loadBalancerIP: '172.30.0.12' })],
      previous: { 'x/gone-from-pool': ['10.0.0.1'], 'x/now-explicit': ['172.30.0.10'] },
    });
    expect(ips(again)).toEqual(['172.30.0.10@p', '172.30.0.12@p']);
  });

  test('sticky IPs are claimed before new requests compete for them', () => {
    const again = allocateServiceIPs({ pools, services: [svc('x', 'new', { loadBalancerIP: '172.30.0.11' }), svc('x', 'old')], previous: { 'x/old': ['172.30.0.11'] } });
    expect(ips(again)).toEqual(['pending: Failed to allocate IP for "x/new": "172.30.0.11" is already in use by x/old', '172.30.0.11@p']);
  });
});

describe('IP sharing (metallb.io/allow-shared-ip)', () => {
  const pools = [pool('p', { addresses: ['10.9.0.1-10.9.0.3'] })];
  const share = (key: string, port: number, extra: Partial<ServiceInput> = {}) => ({
    annotations: { 'metallb.io/allow-shared-ip': key, ...(extra.annotations ?? {}) },
    ports: [{ port, protocol: 'TCP' }],
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'annotations')),
  });

  test('same key, different ports: one IP, both explicitly and automatically', () => {
    const r = allocateServiceIPs({
      pools,
      services: [
        svc('x', 'http', share('k', 80, { loadBalancerIP: '10.9.0.2' })),
        svc('x', 'https', share('k', 443, { loadBalancerIP: '10.9.0.2' })),
        svc('y', 'a', share('auto', 80)),
        svc('y', 'b', share('auto', 8080)),
      ],
    });
    expect(ips(r)).toEqual(['10.9.0.2@p', '10.9.0.2@p', '10.9.0.1@p', '10.9.0.1@p']);
  });

  test('refused: no key, another key, the same port, Local policy with other pods', () => {
    const r = allocateServiceIPs({
      pools,
      services: [
        svc('x', 'first', share('k', 80, { loadBalancerIP: '10.9.0.2', externalTrafficPolicy: 'Local', selector: { app: 'a' } })),
        svc('x', 'nokey', { loadBalancerIP: '10.9.0.2', ports: [{ port: 81 }] }),
        svc('x', 'otherkey', share('j', 82, { loadBalancerIP: '10.9.0.2' })),
        svc('x', 'sameport', share('k', 80, { loadBalancerIP: '10.9.0.2' })),
        svc('x', 'otherpods', share('k', 83, { loadBalancerIP: '10.9.0.2', externalTrafficPolicy: 'Local', selector: { app: 'b' } })),
        svc('x', 'samepods', share('k', 84, { loadBalancerIP: '10.9.0.2', externalTrafficPolicy: 'Local', selector: { app: 'a' } })),
      ],
    });
    expect(r.map((a) => a.failure?.message ?? a.ips.join())).toEqual([
      '10.9.0.2',
      expect.stringMatching(/"10\.9\.0\.2" is already in use by x\/first$/),
      expect.stringMatching(/with sharing key "k" \(this Service has "j"\)/),
      expect.stringMatching(/already uses port 80\/TCP/),
      expect.stringMatching(/externalTrafficPolicy Local shares only with Services selecting the same pods/),
      '10.9.0.2',
    ]);
  });
});
