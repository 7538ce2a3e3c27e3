// Questions checks, tests and renderers ask of a lab, so that none of them hard-codes a node
// name or an address. Every lookup that can miss throws an error naming what was asked for.
import { containsAddress, ipv4Network } from '../net/ip.ts';
import type { ClusterNode, Host, Interface, L2Client, Lab, Link, Router, RouterRole, Switch } from './model.ts';

export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}

type LabObject =
  | { readonly kind: 'router'; readonly router: Router }
  | { readonly kind: 'host'; readonly host: Host }
  | { readonly kind: 'switch'; readonly switch: Switch }
  | { readonly kind: 'cluster-node'; readonly node: ClusterNode }
  | { readonly kind: 'l2-client'; readonly client: L2Client };

function names(list: readonly { name: string }[]): string {
  return list.map((x) => x.name).join(', ');
}

export function router(lab: Lab, name: string): Router {
  const r = lab.routers.find((x) => x.name === name);
  if (!r) throw new LookupError(`lab ${lab.name} has no router "${name}" (routers: ${names(lab.routers)})`);
  return r;
}

export function host(lab: Lab, name: string): Host {
  const h = lab.hosts.find((x) => x.name === name);
  if (!h) throw new LookupError(`lab ${lab.name} has no host "${name}" (hosts: ${names(lab.hosts)})`);
  return h;
}

/** A client on the cluster nodes' L2 network (`cluster.l2Clients`), if `name` is one. */
export function findL2Client(lab: Lab, name: string): L2Client | undefined {
  return lab.cluster?.l2Clients.find((c) => c.name === name);
}

export function clusterNode(lab: Lab, name: string): ClusterNode {
  const nodes = lab.cluster?.nodes ?? [];
  const n = nodes.find((x) => x.name === name);
  if (!n) throw new LookupError(`lab ${lab.name} has no cluster node "${name}" (nodes: ${names(nodes)})`);
  return n;
}

export function findObject(lab: Lab, name: string): LabObject | undefined {
  const r = lab.routers.find((x) => x.name === name);
  if (r) return { kind: 'router', router: r };
  const h = lab.hosts.find((x) => x.name === name);
  if (h) return { kind: 'host', host: h };
  const s = lab.switches.find((x) => x.name === name);
  if (s) return { kind: 'switch', switch: s };
  const n = lab.cluster?.nodes.find((x) => x.name === name);
  if (n) return { kind: 'cluster-node', node: n };
  const c = findL2Client(lab, name);
  if (c) return { kind: 'l2-client', client: c };
  return undefined;
}

export function routersByRole(lab: Lab, role: RouterRole): Router[] {
  return lab.routers.filter((r) => r.role === role);
}

/** Glob-style match on node names: `*` matches any run of characters, e.g. `leaf*`, `host?_red`. */
export function nodesMatching(lab: Lab, pattern: string): string[] {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const all = [...lab.routers, ...lab.hosts, ...lab.switches, ...(lab.cluster?.nodes ?? [])].map((x) => x.name);
  return all.filter((n) => re.test(n));
}

export function vtepOf(lab: Lab, routerName: string): string {
  const r = router(lab, routerName);
  if (!r.vtep) throw new LookupError(`router "${routerName}" has no VTEP (only leaves terminate VXLAN; it is a ${r.role})`);
  return r.vtep;
}

export function interfaceOf(lab: Lab, node: string, ifaceName: string): Interface {
  const obj = findObject(lab, node);
  const list: readonly Interface[] =
    obj?.kind === 'router' ? obj.router.interfaces : obj?.kind === 'host' ? [obj.host.interface] : [];
  const iface = list.find((i) => i.name === ifaceName);
  if (!iface) throw new LookupError(`"${node}" has no interface "${ifaceName}" (interfaces: ${list.map((i) => i.name).join(', ') || 'none'})`);
  return iface;
}

export function addressOf(lab: Lab, node: string, ifaceName: string): string {
  const obj = findObject(lab, node);
  if (obj?.kind === 'cluster-node') {
    const a = obj.node.attachments.find((x) => x.interface === ifaceName);
    if (!a) throw new LookupError(`cluster node "${node}" has no interface "${ifaceName}"`);
    return a.address.ip;
  }
  const iface = interfaceOf(lab, node, ifaceName);
  if (!iface.address) throw new LookupError(`${node}:${ifaceName} has no address`);
  return iface.address.ip;
}

/** Which node and interface own an address (VTEPs count as the router's lo). */
export function ownerOf(lab: Lab, ip: string): { node: string; interface: string } | undefined {
  for (const r of lab.routers) {
    if (r.vtep === ip) return { node: r.name, interface: 'lo' };
    const i = r.interfaces.find((x) => x.address?.ip === ip);
    if (i) return { node: r.name, interface: i.name };
  }
  for (const h of lab.hosts) if (h.address.ip === ip) return { node: h.name, interface: h.interface.name };
  for (const n of lab.cluster?.nodes ?? []) {
    const a = n.attachments.find((x) => x.address.ip === ip);
    if (a) return { node: n.name, interface: a.interface };
  }
  return undefined;
}

export function leafOf(lab: Lab, hostName: string): Router {
  return router(lab, host(lab, hostName).leaf);
}

export function hostsInVrf(lab: Lab, vrf: string | undefined): Host[] {
  return lab.hosts.filter((h) => h.vrf === vrf);
}

export function vniOf(lab: Lab, vrf: string): number {
  const v = lab.vrfs.find((x) => x.name === vrf);
  if (!v) throw new LookupError(`lab ${lab.name} has no VRF "${vrf}" (VRFs: ${names(lab.vrfs)})`);
  return v.vni;
}

export function linkBetween(lab: Lab, x: string, y: string): Link | undefined {
  return lab.links.find((l) => (l.a.node === x && l.b.node === y) || (l.a.node === y && l.b.node === x));
}

/** The address `peer` uses on the link it shares with `on` (what `on` has configured as neighbor). */
export function peerAddressFacing(lab: Lab, on: string, peer: string): string {
  const link = linkBetween(lab, on, peer);
  if (link) {
    const side = link.a.node === peer ? link.a : link.b;
    return addressOf(lab, peer, side.interface);
  }
  const h = lab.hosts.find((x) => (x.name === on && x.leaf === peer) || (x.name === peer && x.leaf === on));
  if (h) return h.name === peer ? h.address.ip : h.gateway;
  throw new LookupError(`"${on}" and "${peer}" share no link`);
}

/** The switch a ToR serves, and the ToR a switch hangs off. */
export function switchOfTor(lab: Lab, tor: string): Switch | undefined {
  return lab.switches.find((s) => s.tor === tor);
}

export function switchesOfNode(lab: Lab, node: string): Switch[] {
  const n = clusterNode(lab, node);
  return n.attachments.map((a) => lab.switches.find((s) => s.name === a.switch)!);
}

/** The host subnets announced in a VRF (undefined = default table). */
export function subnetsInVrf(lab: Lab, vrf: string | undefined): string[] {
  return hostsInVrf(lab, vrf).map((h) => h.subnet);
}

export function subnetContains(subnet: string, ip: string): boolean {
  return containsAddress(ipv4Network(subnet), ip);
}
