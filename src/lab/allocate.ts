// Derives every address the lab file leaves implicit. Pure and deterministic: the same file
// always gives the same lab, so generated files can be committed and compared.
import { createHash } from 'node:crypto';
import { compareAddressText, formatCIDR, hostAt, ipv4Network, subnetAt } from '../net/ip.ts';
import type { PathSegment } from '../yaml/path.ts';
import type { LabFile } from './schema.ts';
import type { Cluster, Host, Interface, Lab, Link, Router, Switch } from './model.ts';
import { defaultClientAddress, NODE_NETWORK, NODE_NETWORK_INTERFACE, nodeNetworkAddress } from './node-network.ts';

/** Where an allocated or explicit address came from in the file, for duplicate-address errors. */
export interface AddressOrigin {
  readonly ip: string;
  readonly owner: string;
  readonly path: readonly PathSegment[];
}

interface Allocation {
  readonly lab: Lab;
  readonly origins: readonly AddressOrigin[];
}

/** A stable, locally administered unicast MAC (02:xx:..) derived from the lab, node and purpose. */
export function stableMac(lab: string, node: string, purpose: string): string {
  const digest = createHash('sha256').update(`${lab}/${node}/${purpose}`).digest();
  const bytes = [0x02, digest[0]!, digest[1]!, digest[2]!, digest[3]!, digest[4]!];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function splitEndpoint(endpoint: string): { node: string; interface: string } {
  const [node, iface] = endpoint.split(':') as [string, string];
  return { node, interface: iface };
}

type Spec = LabFile['spec'];

/**
 * What the allocation steps share: every address handed out (with where it came from, for
 * duplicate-address errors) and the interfaces gathered per node, for the routers to collect.
 */
class Allocator {
  readonly origins: AddressOrigin[] = [];
  private readonly interfaces = new Map<string, Interface[]>();
  readonly labName: string;
  constructor(labName: string) {
    this.labName = labName;
  }

  claim(ip: string, owner: string, path: readonly PathSegment[]): string {
    this.origins.push({ ip, owner, path });
    return ip;
  }

  /** An addressed interface on `node` with its stable MAC. */
  addInterface(node: string, iface: Omit<Interface, 'mac' | 'address'> & Required<Pick<Interface, 'address'>>): Interface {
    // Key order as the model prints it: name, address, mac, then the rest.
    const { name, address, ...rest } = iface;
    const full: Interface = { name, address, mac: stableMac(this.labName, node, name), ...rest };
    this.interfaces.set(node, [...(this.interfaces.get(node) ?? []), full]);
    return full;
  }

  interfacesOf(node: string): Interface[] {
    return this.interfaces.get(node) ?? [];
  }
}

/** A /31 per link, from the link's own subnet or the fabricLinks pool in link order; side a gets the even address. */
function allocateLinks(spec: Spec, at: Allocator): Link[] {
  return spec.links.map((link, i) => {
    const a = splitEndpoint(link.a);
    const b = splitEndpoint(link.b);
    const subnet = link.subnet ? ipv4Network(link.subnet, true) : subnetAt(ipv4Network(spec.pools.fabricLinks ?? '', true), 31, i);
    const aIp = at.claim(hostAt(subnet, 0), `${a.node}:${a.interface}`, ['spec', 'links', i, 'a']);
    const bIp = at.claim(hostAt(subnet, 1), `${b.node}:${b.interface}`, ['spec', 'links', i, 'b']);
    at.addInterface(a.node, { name: a.interface, address: { ip: aIp, prefixLength: subnet.prefixLength }, peer: { kind: 'node', name: b.node, interface: b.interface } });
    at.addInterface(b.node, { name: b.interface, address: { ip: bIp, prefixLength: subnet.prefixLength }, peer: { kind: 'node', name: a.node, interface: a.interface } });
    return { a, b, subnet: formatCIDR(subnet) };
  });
}

/** Each host on its leaf's subnet: gateway (the leaf) .1, host .2, unless the file says otherwise. */
function allocateHosts(spec: Spec, at: Allocator): Host[] {
  return spec.hosts.map((h, i) => {
    const subnet = ipv4Network(h.subnet);
    const gateway = at.claim(h.gateway ?? hostAt(subnet, 1), `${h.leaf}:${h.leafInterface}`, ['spec', 'hosts', i, h.gateway ? 'gateway' : 'subnet']);
    const ip = at.claim(h.address ?? hostAt(subnet, 2), `${h.name}:eth1`, ['spec', 'hosts', i, h.address ? 'address' : 'subnet']);
    at.addInterface(h.leaf, {
      name: h.leafInterface,
      address: { ip: gateway, prefixLength: subnet.prefixLength },
      ...(h.vrf ? { vrf: h.vrf } : {}),
      peer: { kind: 'node', name: h.name, interface: 'eth1' },
    });
    // A host's own interface is not a fabric router's: it is kept on the host, not collected.
    const iface: Interface = {
      name: 'eth1',
      address: { ip, prefixLength: subnet.prefixLength },
      mac: stableMac(at.labName, h.name, 'eth1'),
      peer: { kind: 'node', name: h.leaf, interface: h.leafInterface },
    };
    return {
      name: h.name,
      leaf: h.leaf,
      leafInterface: h.leafInterface,
      ...(h.vrf ? { vrf: h.vrf } : {}),
      subnet: formatCIDR(subnet),
      address: iface.address!,
      gateway,
      interface: iface,
    };
  });
}

/** The ToR's address on each switch (.1 unless given). */
function allocateSwitches(spec: Spec, at: Allocator): Switch[] {
  return spec.switches.map((s, i) => {
    const subnet = ipv4Network(s.subnet);
    const torAddress = at.claim(s.torAddress ?? hostAt(subnet, 1), `${s.tor}:${s.torInterface}`, ['spec', 'switches', i, s.torAddress ? 'torAddress' : 'subnet']);
    at.addInterface(s.tor, { name: s.torInterface, address: { ip: torAddress, prefixLength: subnet.prefixLength }, peer: { kind: 'switch', name: s.name } });
    return { name: s.name, tor: s.tor, torInterface: s.torInterface, subnet: formatCIDR(subnet), torAddress, nodeInterface: s.nodeInterface };
  });
}

/**
 * Routers collect the interfaces the other steps gave them. Leaf N (in file order) gets VTEP
 * host N of the pool; the router ID is explicit, else the VTEP, else the lowest own address.
 */
function allocateRouters(spec: Spec, at: Allocator): Router[] {
  const vtepPool = spec.pools.vteps ? ipv4Network(spec.pools.vteps) : undefined;
  let leafOrdinal = 0;
  return spec.routers.map((r, i) => {
    const own = at.interfacesOf(r.name);
    let vtep: string | undefined;
    if (r.role === 'leaf') {
      leafOrdinal += 1;
      vtep = r.vtep ?? (vtepPool ? hostAt(vtepPool, leafOrdinal) : undefined);
      if (vtep) at.claim(vtep, `${r.name}:lo`, ['spec', 'routers', i, r.vtep ? 'vtep' : 'role']);
    }
    const lowest = own
      .map((x) => x.address?.ip)
      .filter((x): x is string => x !== undefined)
      .sort(compareAddressText)[0];
    return {
      name: r.name,
      role: r.role,
      asn: r.asn,
      routerId: r.routerId ?? vtep ?? lowest ?? '0.0.0.0',
      ...(vtep ? { vtep, routerMac: stableMac(at.labName, r.name, 'router-mac') } : {}),
      ...(r.timers ? { timers: r.timers } : {}),
      ...(r.clusterPeering && spec.cluster ? { clusterPeering: { ...r.clusterPeering, asn: r.clusterPeering.asn ?? spec.cluster.nodeASN } } : {}),
      interfaces: own,
      vrfs: spec.vrfs.map((v) => v.name).filter((v) => own.some((x) => x.vrf === v)),
    };
  });
}

/** Cluster node i gets host firstNodeHost+i on every switch; clients on the nodes' L2 network follow the nodes. */
function allocateCluster(c: NonNullable<Spec['cluster']>, switches: readonly Switch[], at: Allocator): Cluster {
  // The nodes' own addresses on their L2 network first, so that a client address cannot take one.
  c.nodes.forEach((n, index) => at.claim(nodeNetworkAddress({ index }), `${n.name}:${NODE_NETWORK_INTERFACE}`, ['spec', 'cluster', 'nodes', index]));
  return {
    name: c.name,
    nodeASN: c.nodeASN,
    nodes: c.nodes.map((n, index) => ({
      name: n.name,
      role: n.role,
      index,
      labels: n.labels ?? {},
      attachments: switches.map((s) => {
        const subnet = ipv4Network(s.subnet);
        const ip = at.claim(hostAt(subnet, c.firstNodeHost + index), `${n.name}:${s.nodeInterface}`, ['spec', 'cluster', 'nodes', index]);
        return { switch: s.name, interface: s.nodeInterface, address: { ip, prefixLength: subnet.prefixLength }, mac: stableMac(at.labName, n.name, s.nodeInterface) };
      }),
    })),
    l2Clients: c.l2Clients.map((client, i) => {
      const ip = at.claim(client.address ?? defaultClientAddress(c.nodes.length, i), `${client.name}:${NODE_NETWORK_INTERFACE}`, ['spec', 'cluster', 'l2Clients', i, client.address ? 'address' : 'name']);
      return { name: client.name, interface: NODE_NETWORK_INTERFACE, address: { ip, prefixLength: NODE_NETWORK.prefixLength }, mac: stableMac(at.labName, client.name, NODE_NETWORK_INTERFACE) };
    }),
  };
}

/** Throws a plain Error for conditions validate.ts reports first with file context. */
export function allocate(file: LabFile, source: string): Allocation {
  const spec = file.spec;
  const at = new Allocator(file.metadata.name);
  // Order matters: routers collect the interfaces links, hosts and switches gave them.
  const links = allocateLinks(spec, at);
  const hosts = allocateHosts(spec, at);
  const switches = allocateSwitches(spec, at);
  const routers = allocateRouters(spec, at);
  const cluster = spec.cluster ? allocateCluster(spec.cluster, switches, at) : undefined;
  const lab: Lab = {
    name: file.metadata.name,
    description: file.metadata.description ?? '',
    source,
    vrfs: spec.vrfs,
    routers,
    links,
    hosts,
    switches,
    ...(cluster ? { cluster } : {}),
  };
  return { lab, origins: at.origins };
}
