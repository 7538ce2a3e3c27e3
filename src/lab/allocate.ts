// Derives every address the lab file leaves implicit. Pure and deterministic: the same file
// always gives the same lab, so generated files can be committed and compared.
import { createHash } from 'node:crypto';
import { compareAddressText, formatCIDR, hostAt, ipv4Network, subnetAt } from '../net/ip.ts';
import type { PathSegment } from '../yaml/located.ts';
import type { LabFile } from './schema.ts';
import type { Cluster, Host, Interface, Lab, Link, Router, Switch } from './model.ts';

/** Where an allocated or explicit address came from in the file, for duplicate-address errors. */
export interface AddressOrigin {
  readonly ip: string;
  readonly owner: string;
  readonly path: readonly PathSegment[];
}

export interface Allocation {
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

/** Throws a plain Error for conditions validate.ts reports first with file context. */
export function allocate(file: LabFile, source: string): Allocation {
  const labName = file.metadata.name;
  const spec = file.spec;
  const origins: AddressOrigin[] = [];
  const interfaces = new Map<string, Interface[]>();
  const addInterface = (node: string, iface: Interface): void => {
    const list = interfaces.get(node) ?? [];
    list.push(iface);
    interfaces.set(node, list);
  };

  const links: Link[] = spec.links.map((link, i) => {
    const a = splitEndpoint(link.a);
    const b = splitEndpoint(link.b);
    const subnet = link.subnet
      ? ipv4Network(link.subnet, true)
      : subnetAt(ipv4Network(spec.pools.fabricLinks ?? '', true), 31, i);
    const aIp = hostAt(subnet, 0);
    const bIp = hostAt(subnet, 1);
    origins.push({ ip: aIp, owner: `${a.node}:${a.interface}`, path: ['spec', 'links', i, 'a'] });
    origins.push({ ip: bIp, owner: `${b.node}:${b.interface}`, path: ['spec', 'links', i, 'b'] });
    addInterface(a.node, {
      name: a.interface,
      address: { ip: aIp, prefixLength: subnet.prefixLength },
      mac: stableMac(labName, a.node, a.interface),
      peer: { kind: 'node', name: b.node, interface: b.interface },
    });
    addInterface(b.node, {
      name: b.interface,
      address: { ip: bIp, prefixLength: subnet.prefixLength },
      mac: stableMac(labName, b.node, b.interface),
      peer: { kind: 'node', name: a.node, interface: a.interface },
    });
    return { a, b, subnet: formatCIDR(subnet) };
  });

  const hosts: Host[] = spec.hosts.map((h, i) => {
    const subnet = ipv4Network(h.subnet);
    const gateway = h.gateway ?? hostAt(subnet, 1);
    const ip = h.address ?? hostAt(subnet, 2);
    origins.push({ ip: gateway, owner: `${h.leaf}:${h.leafInterface}`, path: ['spec', 'hosts', i, h.gateway ? 'gateway' : 'subnet'] });
    origins.push({ ip, owner: `${h.name}:eth1`, path: ['spec', 'hosts', i, h.address ? 'address' : 'subnet'] });
    addInterface(h.leaf, {
      name: h.leafInterface,
      address: { ip: gateway, prefixLength: subnet.prefixLength },
      mac: stableMac(labName, h.leaf, h.leafInterface),
      ...(h.vrf ? { vrf: h.vrf } : {}),
      peer: { kind: 'node', name: h.name, interface: 'eth1' },
    });
    const iface: Interface = {
      name: 'eth1',
      address: { ip, prefixLength: subnet.prefixLength },
      mac: stableMac(labName, h.name, 'eth1'),
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

  const switches: Switch[] = spec.switches.map((s, i) => {
    const subnet = ipv4Network(s.subnet);
    const torAddress = s.torAddress ?? hostAt(subnet, 1);
    origins.push({ ip: torAddress, owner: `${s.tor}:${s.torInterface}`, path: ['spec', 'switches', i, s.torAddress ? 'torAddress' : 'subnet'] });
    addInterface(s.tor, {
      name: s.torInterface,
      address: { ip: torAddress, prefixLength: subnet.prefixLength },
      mac: stableMac(labName, s.tor, s.torInterface),
      peer: { kind: 'switch', name: s.name },
    });
    return { name: s.name, tor: s.tor, torInterface: s.torInterface, subnet: formatCIDR(subnet), torAddress, nodeInterface: s.nodeInterface };
  });

  const vtepPool = spec.pools.vteps ? ipv4Network(spec.pools.vteps) : undefined;
  let leafOrdinal = 0;
  const routers: Router[] = spec.routers.map((r, i) => {
    const own = interfaces.get(r.name) ?? [];
    let vtep: string | undefined;
    if (r.role === 'leaf') {
      leafOrdinal += 1;
      vtep = r.vtep ?? (vtepPool ? hostAt(vtepPool, leafOrdinal) : undefined);
      if (vtep) origins.push({ ip: vtep, owner: `${r.name}:lo`, path: ['spec', 'routers', i, r.vtep ? 'vtep' : 'role'] });
    }
    const lowest = own
      .map((x) => x.address?.ip)
      .filter((x): x is string => x !== undefined)
      .sort(compareAddressText)[0];
    const routerId = r.routerId ?? vtep ?? lowest ?? '0.0.0.0';
    const vrfs = spec.vrfs.map((v) => v.name).filter((v) => own.some((x) => x.vrf === v));
    return {
      name: r.name,
      role: r.role,
      asn: r.asn,
      routerId,
      ...(vtep ? { vtep, routerMac: stableMac(labName, r.name, 'router-mac') } : {}),
      ...(r.timers ? { timers: r.timers } : {}),
      ...(r.clusterPeering && spec.cluster ? { clusterPeering: { ...r.clusterPeering, asn: r.clusterPeering.asn ?? spec.cluster.nodeASN } } : {}),
      interfaces: own,
      vrfs,
    };
  });

  let cluster: Cluster | undefined;
  if (spec.cluster) {
    const c = spec.cluster;
    cluster = {
      name: c.name,
      nodeASN: c.nodeASN,
      nodes: c.nodes.map((n, index) => ({
        name: n.name,
        role: n.role,
        index,
        labels: n.labels ?? {},
        attachments: switches.map((s, si) => {
          const ip = hostAt(ipv4Network(s.subnet), c.firstNodeHost + index);
          origins.push({ ip, owner: `${n.name}:${s.nodeInterface}`, path: ['spec', 'cluster', 'nodes', index] });
          void si;
          return {
            switch: s.name,
            interface: s.nodeInterface,
            address: { ip, prefixLength: ipv4Network(s.subnet).prefixLength },
            mac: stableMac(labName, n.name, s.nodeInterface),
          };
        }),
      })),
    };
  }

  const lab: Lab = {
    name: labName,
    description: file.metadata.description ?? '',
    source,
    vrfs: spec.vrfs,
    routers,
    links,
    hosts,
    switches,
    ...(cluster ? { cluster } : {}),
  };
  return { lab, origins };
}
