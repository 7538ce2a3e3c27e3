import { describe, expect, it } from 'vitest';
import {
  LookupError, addressOf, clusterNode, findObject, host, hostsInVrf, interfaceOf, leafOf, linkBetween, nodesMatching, ownerOf,
  peerAddressFacing, router, routersByRole, subnetContains, subnetsInVrf, switchOfTor, switchesOfNode, vniOf, vtepOf,
} from '../../src/lab/query.ts';
import { LAB_NAMES, repoLab } from './helpers.ts';

describe('query API on singlecluster (upstream names)', () => {
  it('finds VTEPs and refuses routers without one', async () => {
    const lab = await repoLab('singlecluster');
    expect(vtepOf(lab, 'leafA')).toBe('100.64.0.1');
    expect(vtepOf(lab, 'leafB')).toBe('100.64.0.2');
    expect(() => vtepOf(lab, 'spine')).toThrow(new LookupError('router "spine" has no VTEP (only leaves terminate VXLAN; it is a spine)'));
    expect(() => vtepOf(lab, 'nope')).toThrow(/lab singlecluster has no router "nope" \(routers: spine, leafA, leafB, leafkind1, leafkind2\)/);
  });

  it('answers addressOf for routers, hosts and cluster nodes', async () => {
    const lab = await repoLab('singlecluster');
    expect(addressOf(lab, 'spine', 'eth3')).toBe('192.168.1.4');
    expect(addressOf(lab, 'hostB_blue', 'eth1')).toBe('192.169.21.2');
    expect(addressOf(lab, 'pe-kind-worker2', 'toswitch2')).toBe('192.168.12.5');
    expect(() => addressOf(lab, 'spine', 'eth9')).toThrow('"spine" has no interface "eth9" (interfaces: eth1, eth2, eth3, eth4)');
    expect(() => addressOf(lab, 'pe-kind-worker', 'eth9')).toThrow('cluster node "pe-kind-worker" has no interface "eth9"');
  });

  it('matches node names with globs', async () => {
    const lab = await repoLab('singlecluster');
    // switches are nodes too
    expect(nodesMatching(lab, 'leaf*')).toEqual(['leafA', 'leafB', 'leafkind1', 'leafkind2', 'leafkind1-sw', 'leafkind2-sw']);
    expect(nodesMatching(lab, 'leaf?')).toEqual(['leafA', 'leafB']);
    expect(nodesMatching(lab, 'host?_red')).toEqual(['hostA_red', 'hostB_red']);
    expect(nodesMatching(lab, '*-sw')).toEqual(['leafkind1-sw', 'leafkind2-sw']);
    expect(nodesMatching(lab, 'pe-kind-*')).toEqual(['pe-kind-control-plane', 'pe-kind-worker', 'pe-kind-worker2']);
    // regex metacharacters are literal
    expect(nodesMatching(lab, 'leaf.')).toEqual([]);
    expect(nodesMatching(lab, 'spine')).toEqual(['spine']);
  });

  it('knows who owns an address', async () => {
    const lab = await repoLab('singlecluster');
    expect(ownerOf(lab, '100.64.0.2')).toEqual({ node: 'leafB', interface: 'lo' });
    expect(ownerOf(lab, '192.168.1.7')).toEqual({ node: 'leafkind2', interface: 'eth1' });
    expect(ownerOf(lab, '192.168.22.2')).toEqual({ node: 'hostA_default', interface: 'eth1' });
    expect(ownerOf(lab, '192.168.11.4')).toEqual({ node: 'pe-kind-worker', interface: 'toswitch1' });
    expect(ownerOf(lab, '192.168.11.2')).toEqual({ node: 'leafkind1', interface: 'toswitch1' });
    expect(ownerOf(lab, '8.8.8.8')).toBeUndefined();
  });

  it('answers leafOf, hostsInVrf, subnetsInVrf, vniOf', async () => {
    const lab = await repoLab('singlecluster');
    expect(leafOf(lab, 'hostB_red').name).toBe('leafB');
    expect(hostsInVrf(lab, 'red').map((h) => h.name)).toEqual(['hostA_red', 'hostB_red']);
    expect(hostsInVrf(lab, 'blue').map((h) => h.name)).toEqual(['hostA_blue', 'hostB_blue']);
    expect(hostsInVrf(lab, undefined).map((h) => h.name)).toEqual(['hostA_default']);
    expect(subnetsInVrf(lab, 'red')).toEqual(['192.168.20.0/24', '192.169.20.0/24']);
    expect(vniOf(lab, 'blue')).toBe(200);
    expect(() => vniOf(lab, 'green')).toThrow('lab singlecluster has no VRF "green" (VRFs: red, blue)');
    expect(() => leafOf(lab, 'hostC')).toThrow(/has no host "hostC"/);
  });

  it('gives the address a router has configured as neighbor', async () => {
    const lab = await repoLab('singlecluster');
    expect(peerAddressFacing(lab, 'spine', 'leafA')).toBe('192.168.1.1');
    expect(peerAddressFacing(lab, 'leafA', 'spine')).toBe('192.168.1.0');
    expect(peerAddressFacing(lab, 'spine', 'leafkind2')).toBe('192.168.1.7');
    expect(peerAddressFacing(lab, 'hostA_red', 'leafA')).toBe('192.168.20.1');
    expect(peerAddressFacing(lab, 'leafA', 'hostA_red')).toBe('192.168.20.2');
    expect(() => peerAddressFacing(lab, 'leafA', 'leafB')).toThrow('"leafA" and "leafB" share no link');
  });

  it('answers switch and role questions', async () => {
    const lab = await repoLab('singlecluster');
    expect(switchOfTor(lab, 'leafkind2')?.name).toBe('leafkind2-sw');
    expect(switchOfTor(lab, 'leafA')).toBeUndefined();
    expect(switchesOfNode(lab, 'pe-kind-worker').map((s) => s.name)).toEqual(['leafkind1-sw', 'leafkind2-sw']);
    expect(routersByRole(lab, 'tor').map((r) => r.name)).toEqual(['leafkind1', 'leafkind2']);
    expect(routersByRole(lab, 'leaf').map((r) => r.name)).toEqual(['leafA', 'leafB']);
    expect(findObject(lab, 'leafkind1-sw')?.kind).toBe('switch');
    expect(findObject(lab, 'pe-kind-worker')?.kind).toBe('cluster-node');
    expect(findObject(lab, 'nothing')).toBeUndefined();
    expect(linkBetween(lab, 'leafB', 'spine')?.subnet).toBe('192.168.1.2/31');
    expect(subnetContains('192.168.20.0/24', '192.168.20.200')).toBe(true);
    expect(subnetContains('192.168.20.0/24', '192.168.21.1')).toBe(false);
  });
});

describe('query API on mini (nothing tied to singlecluster names)', () => {
  it('answers the same questions with its own names', async () => {
    const lab = await repoLab('mini');
    expect(vtepOf(lab, 'edge1')).toBe('10.251.0.1');
    expect(() => vtepOf(lab, 'tor1')).toThrow(/it is a tor/);
    expect(nodesMatching(lab, '*_red')).toEqual(['client_red']);
    expect(nodesMatching(lab, 'leaf*')).toEqual([]);
    expect(leafOf(lab, 'client_red').name).toBe('edge1');
    expect(hostsInVrf(lab, 'red').map((h) => h.name)).toEqual(['client_red']);
    expect(hostsInVrf(lab, undefined)).toEqual([]);
    expect(peerAddressFacing(lab, 'edge1', 'tor1')).toBe('10.250.0.0');
    expect(peerAddressFacing(lab, 'tor1', 'edge1')).toBe('10.250.0.1');
    expect(ownerOf(lab, '10.91.0.10')).toEqual({ node: 'mini-control-plane', interface: 'fabric0' });
    expect(switchesOfNode(lab, 'mini-control-plane').map((s) => s.name)).toEqual(['tor1-sw']);
    expect(vniOf(lab, 'red')).toBe(110);
  });
});

describe.each(LAB_NAMES)('query invariants hold for every object of %s', (name) => {
  it('ownerOf is the inverse of every assigned address', async () => {
    const lab = await repoLab(name);
    for (const r of lab.routers) {
      for (const i of r.interfaces) if (i.address) expect(ownerOf(lab, i.address.ip)).toEqual({ node: r.name, interface: i.name });
      if (r.vtep) expect(ownerOf(lab, r.vtep)).toEqual({ node: r.name, interface: 'lo' });
    }
    for (const h of lab.hosts) expect(ownerOf(lab, h.address.ip)).toEqual({ node: h.name, interface: 'eth1' });
    for (const n of lab.cluster?.nodes ?? []) {
      for (const a of n.attachments) expect(ownerOf(lab, a.address.ip)).toEqual({ node: n.name, interface: a.interface });
    }
  });

  it('peerAddressFacing agrees with both ends of every link and host', async () => {
    const lab = await repoLab(name);
    for (const l of lab.links) {
      expect(peerAddressFacing(lab, l.a.node, l.b.node)).toBe(addressOf(lab, l.b.node, l.b.interface));
      expect(peerAddressFacing(lab, l.b.node, l.a.node)).toBe(addressOf(lab, l.a.node, l.a.interface));
      expect(subnetContains(l.subnet, addressOf(lab, l.a.node, l.a.interface))).toBe(true);
    }
    for (const h of lab.hosts) {
      expect(peerAddressFacing(lab, h.name, h.leaf)).toBe(h.gateway);
      expect(interfaceOf(lab, h.leaf, h.leafInterface).address?.ip).toBe(h.gateway);
      expect(leafOf(lab, h.name).role).toBe('leaf');
      expect(subnetContains(h.subnet, h.gateway) && subnetContains(h.subnet, h.address.ip)).toBe(true);
    }
  });

  it('every leaf VRF has a VNI and hosts partition by VRF', async () => {
    const lab = await repoLab(name);
    for (const r of routersByRole(lab, 'leaf')) for (const v of r.vrfs) expect(vniOf(lab, v)).toBeGreaterThan(0);
    const partitioned = [undefined, ...lab.vrfs.map((v) => v.name)].flatMap((v) => hostsInVrf(lab, v).map((h) => h.name));
    expect(partitioned.sort()).toEqual(lab.hosts.map((h) => h.name).sort());
  });

  it('lookups by name round-trip', async () => {
    const lab = await repoLab(name);
    for (const r of lab.routers) expect(router(lab, r.name)).toBe(r);
    for (const h of lab.hosts) expect(host(lab, h.name)).toBe(h);
    for (const n of lab.cluster?.nodes ?? []) expect(clusterNode(lab, n.name)).toBe(n);
    const all = [...lab.routers, ...lab.hosts, ...lab.switches, ...(lab.cluster?.nodes ?? [])].map((x) => x.name);
    expect(nodesMatching(lab, '*')).toEqual(all);
  });
});
