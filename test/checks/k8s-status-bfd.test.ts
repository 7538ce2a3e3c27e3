// BGPSessionState's bfdStatus as a k8s-status expectation.
import { describe, expect, test } from 'vitest';
import { evaluateK8sStatus } from '../../src/checks/kinds/k8s-status.ts';

const plan = (bfd?: string) => ({ what: 'session' as const, node: 'n1', peer: '10.0.0.1', vrf: '', state: 'Established', ...(bfd !== undefined ? { bfd } : {}) });
const observed = (bfdStatus: string) => ({ what: 'session' as const, sessions: [{ node: 'n1', peer: '10.0.0.1', vrf: '', bgpStatus: 'Established', bfdStatus }] });

describe('k8s-status session bfd', () => {
  test('passes when bfdStatus matches (case-insensitive), fails naming both otherwise', () => {
    expect(evaluateK8sStatus(plan('up'), observed('up'))).toMatchObject({ ok: true, message: 'Established, bfd up' });
    expect(evaluateK8sStatus(plan('Up'), observed('up')).ok).toBe(true);
    expect(evaluateK8sStatus(plan('up'), observed('down'))).toMatchObject({ ok: false, message: 'bfdStatus down, expected up' });
    expect(evaluateK8sStatus(plan('up'), observed('N/A'))).toMatchObject({ ok: false, message: 'bfdStatus N/A, expected up' });
  });
  test('without bfd, any bfdStatus is fine', () => {
    expect(evaluateK8sStatus(plan(), observed('down'))).toMatchObject({ ok: true, message: 'Established' });
  });
});
