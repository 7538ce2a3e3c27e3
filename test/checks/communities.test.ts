// Well-known communities: FRR's JSON says noExport, MetalLB and scenarios say 65535:65281.
import { describe, expect, test } from 'vitest';
import { numericCommunity } from '../../src/checks/parse/bgp.ts';

describe('numericCommunity', () => {
  test('FRR JSON names and the usual text names map to numbers; numbers stay', () => {
    expect(['noExport', 'no-export', 'noAdvertise', 'localAs', 'noPeer', 'blackhole', 'gracefulShutdown'].map(numericCommunity)).toEqual([
      '65535:65281', '65535:65281', '65535:65282', '65535:65283', '65535:65284', '65535:666', '65535:0',
    ]);
    expect(numericCommunity('64512:1100')).toBe('64512:1100');
  });
});
