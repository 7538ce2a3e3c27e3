// Forwarding is set by a line of the namespace's own `ip -batch` (ip forks sysctl), in a real
// namespace: every forwarding sysctl a router needs reads back as 1, also on a device made after.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { forwardingLine, planFabric } from '../../src/runtime/netns/plan.ts';
import { createNamespaces, deleteNamespaces, ipBatch } from '../../src/runtime/netns/netops.ts';
import { loadLab } from '../../src/lab/load.ts';

const canRun = process.getuid?.() === 0;
const ns = `pelab.fwdtest${process.pid}`;

describe('forwarding sysctls', () => {
  it('the plan puts a forwarding line in each router and VRF namespace\'s config batch, none in hosts\'', async () => {
    const lab = await loadLab('labs/singlecluster.yaml');
    const plan = planFabric(lab, 't1');
    for (const r of plan.routers) {
      expect(plan.config.get(r.ns)).toContain(forwardingLine(r.ns));
      for (const v of r.vrfs) expect(plan.config.get(v.ns)).toContain(forwardingLine(v.ns));
    }
    for (const h of plan.hosts) expect(plan.config.get(h.ns)!.some((l) => l.includes('sysctl'))).toBe(false);
  });

  it.skipIf(!canRun)('run in the namespace\'s batch, it turns forwarding on there, for devices made after it too', async () => {
    try {
      await createNamespaces([ns]);
      const read = (key: string): string => execFileSync('nsenter', [`--net=/run/netns/${ns}`, '--', 'sysctl', '-n', key], { encoding: 'utf8' }).trim();
      expect(read('net.ipv4.ip_forward')).toBe('0');
      await ipBatch(ns, ['link set lo up', forwardingLine(ns), 'link add v1 type veth peer name v2']);
      for (const key of ['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding', 'net.ipv6.conf.all.forwarding', 'net.ipv4.conf.v1.forwarding', 'net.ipv6.conf.v1.forwarding']) {
        expect(read(key), key).toBe('1');
      }
      // The host's own setting is not touched (the line runs inside the namespace).
    } finally {
      await deleteNamespaces([ns]);
    }
  });
});

afterAll(async () => {
  await deleteNamespaces([ns]);
});
