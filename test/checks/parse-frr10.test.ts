// The EVPN parser on JSON recorded from real FRR 10.3 (test/fixtures/frr/frr10.3), side by side
// with the 8.4.4 recording of the same command: what pelab reads must not depend on the version.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvpnRoutes } from '../../src/checks/parse/evpn.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/frr');
const read = (file: string): string => readFileSync(resolve(fixtures, file), 'utf8');

describe('EVPN type-5 routes on FRR 10.3 and 8.4.4', () => {
  it('reads a received and a local type-5 route from FRR 10.3', () => {
    const routes = parseEvpnRoutes(read('frr10.3/leafA-evpn-route-type-prefix.json'));
    expect(routes.map((r) => [r.prefix, r.rts, r.nexthops, r.aspath, r.peer ?? null])).toEqual([
      ['192.168.101.1/32', ['RT:65001:100'], ['10.99.1.1'], '', null],
      ['192.168.102.1/32', ['RT:65002:100'], ['10.99.1.2'], '65002', '10.99.0.1'],
    ]);
    expect(routes.every((r) => r.routeType === 5 && r.best && r.valid && /^[0-9a-f:]{17}$/.test(r.rmac ?? ''))).toBe(true);
  });

  it('yields the same fields from both versions', () => {
    const keys = (file: string): string[] => [...new Set(parseEvpnRoutes(read(file)).flatMap((r) => Object.keys(r).filter((k) => k !== 'peer')))].sort();
    expect(keys('frr10.3/leafA-evpn-route-type-prefix.json')).toEqual(keys('leafA-evpn-route-type-prefix.json'));
  });
});
