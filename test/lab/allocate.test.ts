import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/load.ts';
import { stableMac } from '../../src/lab/allocate.ts';
import type { Lab } from '../../src/lab/model.ts';
import { BASE_LAB, LAB_NAMES, lineOf, repoLab, withLine } from './helpers.ts';

const addr = (lab: Lab, node: string, iface: string): string => {
  const r = lab.routers.find((x) => x.name === node)!;
  const i = r.interfaces.find((x) => x.name === iface)!;
  return `${i.address!.ip}/${i.address!.prefixLength}`;
};

/** Every MAC the lab assigns: interfaces, router MACs, cluster node attachments. */
function allMacs(lab: Lab): string[] {
  return [
    ...lab.routers.flatMap((r) => [...r.interfaces.map((i) => i.mac), ...(r.routerMac ? [r.routerMac] : [])]),
    ...lab.hosts.map((h) => h.interface.mac),
    ...(lab.cluster?.nodes ?? []).flatMap((n) => n.attachments.map((a) => a.mac)),
  ];
}

describe('singlecluster allocation matches the upstream lab', () => {
  it('gives the spine the even and the leaves the odd address of each /31, in link order', async () => {
    const lab = await repoLab('singlecluster');
    expect(['eth1', 'eth2', 'eth3', 'eth4'].map((i) => addr(lab, 'spine', i))).toEqual([
      '192.168.1.0/31', '192.168.1.2/31', '192.168.1.4/31', '192.168.1.6/31',
    ]);
    expect(['leafA', 'leafB', 'leafkind1', 'leafkind2'].map((r) => addr(lab, r, 'eth1'))).toEqual([
      '192.168.1.1/31', '192.168.1.3/31', '192.168.1.5/31', '192.168.1.7/31',
    ]);
  });

  it('gives leaves VTEPs from the pool in file order and only leaves get one', async () => {
    const lab = await repoLab('singlecluster');
    expect(lab.routers.map((r) => [r.name, r.vtep])).toEqual([
      ['spine', undefined], ['leafA', '100.64.0.1'], ['leafB', '100.64.0.2'], ['leafkind1', undefined], ['leafkind2', undefined],
    ]);
  });

  it('derives router IDs: the VTEP on leaves, else the lowest interface address', async () => {
    const lab = await repoLab('singlecluster');
    expect(Object.fromEntries(lab.routers.map((r) => [r.name, r.routerId]))).toEqual({
      spine: '192.168.1.0', leafA: '100.64.0.1', leafB: '100.64.0.2', leafkind1: '192.168.1.5', leafkind2: '192.168.1.7',
    });
  });

  it('puts hosts on .2 with the leaf on .1 as gateway, in the VRF the file names', async () => {
    const lab = await repoLab('singlecluster');
    expect(lab.hosts.map((h) => [h.name, `${h.address.ip}/${h.address.prefixLength}`, h.gateway, h.vrf])).toEqual([
      ['hostA_red', '192.168.20.2/24', '192.168.20.1', 'red'],
      ['hostA_blue', '192.168.21.2/24', '192.168.21.1', 'blue'],
      ['hostA_default', '192.168.22.2/24', '192.168.22.1', undefined],
      ['hostB_red', '192.169.20.2/24', '192.169.20.1', 'red'],
      ['hostB_blue', '192.169.21.2/24', '192.169.21.1', 'blue'],
    ]);
    expect(addr(lab, 'leafA', 'ethred')).toBe('192.168.20.1/24');
    expect(addr(lab, 'leafB', 'ethblue')).toBe('192.169.21.1/24');
    const leafA = lab.routers.find((r) => r.name === 'leafA')!;
    expect(leafA.interfaces.find((i) => i.name === 'ethdefault')!.vrf).toBeUndefined();
    expect(leafA.vrfs).toEqual(['red', 'blue']);
  });

  it('puts kind nodes on .3/.4/.5 of both switches, in node order', async () => {
    const lab = await repoLab('singlecluster');
    const nodes = lab.cluster!.nodes;
    expect(nodes.map((n) => n.index)).toEqual([0, 1, 2]);
    expect(nodes.map((n) => n.attachments.map((a) => `${a.interface}=${a.address.ip}/${a.address.prefixLength}`))).toEqual([
      ['toswitch1=192.168.11.3/24', 'toswitch2=192.168.12.3/24'],
      ['toswitch1=192.168.11.4/24', 'toswitch2=192.168.12.4/24'],
      ['toswitch1=192.168.11.5/24', 'toswitch2=192.168.12.5/24'],
    ]);
    expect(lab.switches.map((s) => [s.name, s.torAddress])).toEqual([
      ['leafkind1-sw', '192.168.11.2'],
      ['leafkind2-sw', '192.168.12.2'],
    ]);
    expect(addr(lab, 'leafkind1', 'toswitch1')).toBe('192.168.11.2/24');
  });
});

describe('mini allocation (different names and pools)', () => {
  it('allocates from its own pools', async () => {
    const lab = await repoLab('mini');
    expect(addr(lab, 'tor1', 'uplink')).toBe('10.250.0.0/31');
    expect(addr(lab, 'edge1', 'downlink')).toBe('10.250.0.1/31');
    expect(lab.routers.find((r) => r.name === 'edge1')!.vtep).toBe('10.251.0.1');
    expect(lab.hosts[0]!.address.ip).toBe('10.90.1.2');
    expect(lab.hosts[0]!.gateway).toBe('10.90.1.1');
    expect(lab.switches[0]!.torAddress).toBe('10.91.0.1');
    // firstNodeHost: 10
    expect(lab.cluster!.nodes[0]!.attachments[0]!.address.ip).toBe('10.91.0.10');
  });
});

describe('explicit values override derived ones', () => {
  it('honours explicit link subnet, vtep, router ID, host address and gateway, ToR address', () => {
    let text = withLine(lineOf('{ a: s1:e1, b: l1:up }'), '    - { a: s1:e1, b: l1:up, subnet: 172.16.0.8/31 }');
    text = text.replace('{ name: l1, role: leaf, asn: 65001 }', '{ name: l1, role: leaf, asn: 65001, vtep: 10.1.0.77, routerId: 9.9.9.9 }');
    text = text.replace('{ name: s1, role: spine, asn: 65000 }', '{ name: s1, role: spine, asn: 65000, routerId: 8.8.8.8 }');
    text = text.replace('vrf: red, subnet: 10.2.0.0/24 }', 'vrf: red, subnet: 10.2.0.0/24, address: 10.2.0.50, gateway: 10.2.0.254 }');
    text = text.replace('subnet: 10.4.0.0/24, nodeInterface', 'subnet: 10.4.0.0/24, torAddress: 10.4.0.9, nodeInterface');
    const lab = parseLab(text, 'inline.yaml');
    expect(addr(lab, 's1', 'e1')).toBe('172.16.0.8/31');
    expect(addr(lab, 'l1', 'up')).toBe('172.16.0.9/31');
    // the second link still takes its position's /31 from the pool
    expect(addr(lab, 's1', 'e2')).toBe('10.0.0.2/31');
    const l1 = lab.routers.find((r) => r.name === 'l1')!;
    expect([l1.vtep, l1.routerId]).toEqual(['10.1.0.77', '9.9.9.9']);
    expect(lab.routers.find((r) => r.name === 's1')!.routerId).toBe('8.8.8.8');
    expect([lab.hosts[0]!.address.ip, lab.hosts[0]!.gateway]).toEqual(['10.2.0.50', '10.2.0.254']);
    expect(addr(lab, 'l1', 'h1if')).toBe('10.2.0.254/24');
    expect(lab.switches[0]!.torAddress).toBe('10.4.0.9');
    expect(addr(lab, 't1', 'down')).toBe('10.4.0.9/24');
  });
});

describe.each(LAB_NAMES)('determinism and MACs: %s', (name) => {
  it('gives the same lab for the same file', async () => {
    expect(await repoLab(name)).toEqual(await repoLab(name));
  });

  it('assigns locally administered, unicast, distinct MACs', async () => {
    const macs = allMacs(await repoLab(name));
    expect(macs.length).toBeGreaterThan(3);
    for (const mac of macs) {
      expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      expect(first & 0x02, `${mac} is locally administered`).toBe(0x02);
      expect(first & 0x01, `${mac} is unicast`).toBe(0);
    }
    expect(new Set(macs).size).toBe(macs.length);
  });
});

describe('stableMac', () => {
  it('depends on lab, node and purpose only', () => {
    expect(stableMac('a', 'n', 'eth1')).toBe(stableMac('a', 'n', 'eth1'));
    expect(stableMac('a', 'n', 'eth1')).not.toBe(stableMac('b', 'n', 'eth1'));
    expect(stableMac('a', 'n', 'eth1')).not.toBe(stableMac('a', 'm', 'eth1'));
    expect(stableMac('a', 'n', 'eth1')).not.toBe(stableMac('a', 'n', 'eth2'));
  });

  it('changes with the lab name, so two labs side by side do not share MACs', () => {
    const a = parseLab(BASE_LAB, 'a.yaml');
    const b = parseLab(BASE_LAB.replace('name: t\n', 'name: u\n'), 'b.yaml');
    const shared = allMacs(a).filter((m) => allMacs(b).includes(m));
    expect(shared).toEqual([]);
  });
});

describe('clients on the nodes\' L2 network', () => {
  it('take the addresses after the nodes\' (as docker hands them out) unless given, each with eth0 and a stable MAC', () => {
    const lab = parseLab(`${BASE_LAB}    l2Clients:\n      - { name: lan1 }\n      - { name: lan2, address: 172.18.9.9 }\n      - { name: lan3 }\n`, 'inline.yaml');
    expect(lab.cluster!.l2Clients.map((c) => [c.name, c.interface, `${c.address.ip}/${c.address.prefixLength}`])).toEqual([
      ['lan1', 'eth0', '172.18.0.4/16'],
      ['lan2', 'eth0', '172.18.9.9/16'],
      ['lan3', 'eth0', '172.18.0.6/16'],
    ]);
    expect(lab.cluster!.l2Clients[0]!.mac).toBe(stableMac('t', 'lan1', 'eth0'));
  });

  it('are none by default', () => {
    expect(parseLab(BASE_LAB, 'inline.yaml').cluster!.l2Clients).toEqual([]);
  });
});
