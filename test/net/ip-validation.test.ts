// One validation rule for addresses (node:net), wherever a check, a lab or a manifest names one.
import { describe, expect, it } from 'vitest';
import { isIP, isIPv4, isIPv6, parseIP } from '../../src/net/ip.ts';
import { isIPv4 as labIsIPv4, parseIPv4 } from '../../src/net/ipv4.ts';
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
    expect(labIsIPv4('010.0.0.1')).toBe(false);
    expect(() => parseIPv4('010.0.0.1')).toThrow(/not an IPv4 address/);
    expect(addressRefSchema.safeParse(':').success).toBe(false);
    expect(addressRefSchema.safeParse('010.0.0.1').success).toBe(false);
  });
});
