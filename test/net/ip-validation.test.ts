// One validation rule for addresses (node:net), wherever a check, a lab or a manifest names one.
import { describe, expect, it } from 'vitest';
import { formatCIDR, hostAt, hostNumber, isIP, isIPv4, isIPv4CIDR, isIPv6, ipv4Network, parseIP, subnetAt } from '../../src/net/ip.ts';
import { addressRefSchema } from '../../src/checks/resolver.ts';

describe('address validation', () => {
  it('rejects what the old check-side parser let through: a bare ":" and leading zeros', () => {
    for (const bad of [':', '010.0.0.1', '1.2.3', '1.2.3.256', 'fe80::1%eth0', '::g']) {
      expect(isIP(bad), bad).toBe(false);
      expect(parseIP(bad), bad).toBeUndefined();
    }
  });

  it('accepts both families, embedded IPv4 included', () => {
    expect([isIPv4('10.0.0.1'), isIPv6('fd00::1'), isIPv6('::ffff:1.2.3.4'), isIP('2001:db8::')]).toEqual([true, true, true, true]);
  });

  it('the lab model and the checks use the same rule', () => {
    expect(isIPv4CIDR('010.0.0.0/8')).toBe(false);
    expect(() => ipv4Network('010.0.0.0/8')).toThrow(/not an IPv4 CIDR/);
    expect(addressRefSchema.safeParse(':').success).toBe(false);
    expect(addressRefSchema.safeParse('010.0.0.1').success).toBe(false);
  });
});

describe('IPv4 as lab files write it', () => {
  it('carves /31s from a pool in order and refuses the block past its end', () => {
    const pool = ipv4Network('192.168.1.0/30', true);
    expect([0, 1].map((i) => formatCIDR(subnetAt(pool, 31, i)))).toEqual(['192.168.1.0/31', '192.168.1.2/31']);
    expect(() => subnetAt(pool, 31, 2)).toThrow('192.168.1.0/30 has room for 2 /31 blocks, block 3 requested');
    expect(() => subnetAt(pool, 29, 0)).toThrow('/29 does not fit in 192.168.1.0/30');
  });

  it('a strict network refuses host bits and names the network; a lax one clears them', () => {
    expect(() => ipv4Network('10.0.0.1/24', true)).toThrow('10.0.0.1/24 has host bits set (network is 10.0.0.0/24)');
    expect(formatCIDR(ipv4Network('10.0.0.1/24'))).toBe('10.0.0.0/24');
    expect(() => ipv4Network('fd00::/64')).toThrow('not an IPv4 CIDR: "fd00::/64"');
  });

  it('host offsets both ways, bounded by the CIDR', () => {
    const c = ipv4Network('172.18.0.0/16');
    expect(hostAt(c, 258)).toBe('172.18.1.2');
    expect(hostNumber(c, '172.18.1.2')).toBe(258);
    expect(hostNumber(c, '172.19.0.0')).toBeUndefined();
    expect(() => hostAt(ipv4Network('10.0.0.0/30'), 4)).toThrow('offset 4 is outside 10.0.0.0/30 (4 addresses)');
    expect(() => hostNumber(c, '172.18.01.2')).toThrow('not an IP address: "172.18.01.2"');
  });
});
