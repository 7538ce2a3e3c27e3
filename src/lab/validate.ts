// Cross-reference checks a schema cannot express. Each problem names the path in the file and
// what was expected there; load.ts turns them into InputErrors with line numbers.
import { cidrSize, containsAddress, formatCIDR, ipv4Network, subnetAt } from '../net/ip.ts';
import type { PathSegment } from '../yaml/path.ts';
import type { LabFile } from './schema.ts';
import type { AddressOrigin } from './allocate.ts';
import { NODE_NETWORK_CIDR, NODE_NETWORK_GATEWAY } from './node-network.ts';

export interface Problem {
  readonly path: readonly PathSegment[];
  readonly expected: string;
}

export function validateReferences(file: LabFile): Problem[] {
  const problems: Problem[] = [];
  const spec = file.spec;
  const routers = new Map(spec.routers.map((r) => [r.name, r]));
  const vrfNames = new Set(spec.vrfs.map((v) => v.name));

  const seenNames = new Map<string, string>();
  const claimName = (name: string, path: PathSegment[]): void => {
    const prior = seenNames.get(name);
    if (prior) problems.push({ path, expected: `a unique name ("${name}" is already used by ${prior})` });
    else seenNames.set(name, path.join('.'));
  };
  spec.routers.forEach((r, i) => claimName(r.name, ['spec', 'routers', i, 'name']));
  spec.hosts.forEach((h, i) => claimName(h.name, ['spec', 'hosts', i, 'name']));
  spec.switches.forEach((s, i) => claimName(s.name, ['spec', 'switches', i, 'name']));
  spec.cluster?.nodes.forEach((n, i) => claimName(n.name, ['spec', 'cluster', 'nodes', i, 'name']));
  spec.cluster?.l2Clients.forEach((c, i) => claimName(c.name, ['spec', 'cluster', 'l2Clients', i, 'name']));
  spec.cluster?.l2Clients.forEach((c, i) => {
    if (c.address === undefined) return;
    const path = ['spec', 'cluster', 'l2Clients', i, 'address'];
    if (!containsAddress(ipv4Network(NODE_NETWORK_CIDR), c.address)) problems.push({ path, expected: `an address on the nodes' L2 network ${NODE_NETWORK_CIDR} (kind's docker network)` });
    else if (c.address === NODE_NETWORK_GATEWAY) problems.push({ path, expected: `an address other than ${NODE_NETWORK_GATEWAY} (the network's gateway)` });
  });

  const vnis = new Map<number, string>();
  const vrfSeen = new Set<string>();
  spec.vrfs.forEach((v, i) => {
    if (vrfSeen.has(v.name)) problems.push({ path: ['spec', 'vrfs', i, 'name'], expected: `a unique VRF name ("${v.name}" is defined twice)` });
    vrfSeen.add(v.name);
    const other = vnis.get(v.vni);
    if (other !== undefined) problems.push({ path: ['spec', 'vrfs', i, 'vni'], expected: `a VNI not used by another VRF (${v.vni} is already VRF "${other}")` });
    else vnis.set(v.vni, v.name);
  });

  const interfaces = new Map<string, string>();
  const claimInterface = (node: string, iface: string, path: PathSegment[]): void => {
    const key = `${node}:${iface}`;
    const prior = interfaces.get(key);
    if (prior) problems.push({ path, expected: `an interface not used twice on ${node} (${iface} is already used at ${prior})` });
    else interfaces.set(key, path.join('.'));
  };

  spec.links.forEach((l, i) => {
    for (const side of ['a', 'b'] as const) {
      const [node, iface] = l[side].split(':') as [string, string];
      if (!routers.has(node)) {
        problems.push({ path: ['spec', 'links', i, side], expected: `a router defined in spec.routers (unknown node "${node}")` });
      } else claimInterface(node, iface, ['spec', 'links', i, side]);
    }
    if (l.a.split(':')[0] === l.b.split(':')[0]) problems.push({ path: ['spec', 'links', i], expected: 'a link between two different routers' });
  });
  // allocate.ts carves these as networks; host bits set would otherwise surface as an error
  // without file or line.
  const networkProblem = (text: string, path: PathSegment[]): boolean => {
    const net = formatCIDR(ipv4Network(text));
    if (net === text) return false;
    problems.push({ path, expected: `a network address with no host bits set (${net}, not ${text})` });
    return true;
  };
  spec.links.forEach((l, i) => {
    if (l.subnet) networkProblem(l.subnet, ['spec', 'links', i, 'subnet']);
  });
  const unaddressedLinks = spec.links.filter((l) => !l.subnet).length;
  if (unaddressedLinks > 0) {
    if (!spec.pools.fabricLinks) problems.push({ path: ['spec', 'pools'], expected: 'a fabricLinks pool (links without an explicit subnet take /31s from it)' });
    else if (!networkProblem(spec.pools.fabricLinks, ['spec', 'pools', 'fabricLinks'])) {
      try {
        subnetAt(ipv4Network(spec.pools.fabricLinks), 31, spec.links.length - 1);
      } catch {
        problems.push({ path: ['spec', 'pools', 'fabricLinks'], expected: `a pool with room for ${spec.links.length} /31 links` });
      }
    }
  }

  spec.hosts.forEach((h, i) => {
    const leaf = routers.get(h.leaf);
    if (!leaf) problems.push({ path: ['spec', 'hosts', i, 'leaf'], expected: `a router defined in spec.routers (unknown node "${h.leaf}")` });
    else if (leaf.role !== 'leaf') problems.push({ path: ['spec', 'hosts', i, 'leaf'], expected: `a router with role leaf ("${h.leaf}" is a ${leaf.role})` });
    else claimInterface(h.leaf, h.leafInterface, ['spec', 'hosts', i, 'leafInterface']);
    if (h.vrf && !vrfNames.has(h.vrf)) problems.push({ path: ['spec', 'hosts', i, 'vrf'], expected: `a VRF defined in spec.vrfs (unknown VRF "${h.vrf}")` });
    const subnet = ipv4Network(h.subnet);
    if (cidrSize(subnet) < 4n) problems.push({ path: ['spec', 'hosts', i, 'subnet'], expected: 'a host subnet of /30 or larger (gateway .1 and host .2)' });
    for (const key of ['address', 'gateway'] as const) {
      const ip = h[key];
      if (ip && !containsAddress(subnet, ip)) problems.push({ path: ['spec', 'hosts', i, key], expected: `an address inside ${h.subnet}` });
    }
  });

  spec.switches.forEach((s, i) => {
    const tor = routers.get(s.tor);
    if (!tor) problems.push({ path: ['spec', 'switches', i, 'tor'], expected: `a router defined in spec.routers (unknown node "${s.tor}")` });
    else if (tor.role !== 'tor') problems.push({ path: ['spec', 'switches', i, 'tor'], expected: `a router with role tor ("${s.tor}" is a ${tor.role})` });
    else claimInterface(s.tor, s.torInterface, ['spec', 'switches', i, 'torInterface']);
    if (s.torAddress && !containsAddress(ipv4Network(s.subnet), s.torAddress)) {
      problems.push({ path: ['spec', 'switches', i, 'torAddress'], expected: `an address inside ${s.subnet}` });
    }
    const c = spec.cluster;
    if (c && c.firstNodeHost + c.nodes.length > Number(cidrSize(ipv4Network(s.subnet))) - 1) {
      problems.push({ path: ['spec', 'switches', i, 'subnet'], expected: `a subnet with room for ${c.nodes.length} cluster nodes from host ${c.firstNodeHost}` });
    }
  });

  const needsVtepPool = spec.routers.some((r) => r.role === 'leaf' && !r.vtep);
  if (needsVtepPool && !spec.pools.vteps && spec.vrfs.length > 0) {
    problems.push({ path: ['spec', 'pools'], expected: 'a vteps pool (leaves without an explicit vtep take one from it)' });
  }
  // Leaf N (1-based, in file order, counting leaves with an explicit vtep too) takes host N.
  const lastFromPool = spec.routers.filter((r) => r.role === 'leaf').reduce((last, r, n) => (r.vtep ? last : n + 1), 0);
  if (spec.pools.vteps && lastFromPool >= Number(cidrSize(ipv4Network(spec.pools.vteps)))) {
    problems.push({ path: ['spec', 'pools', 'vteps'], expected: `a pool with room for host ${lastFromPool} (one VTEP per leaf, in file order)` });
  }
  if (spec.cluster && spec.switches.length === 0) {
    problems.push({ path: ['spec', 'cluster'], expected: 'at least one switch in spec.switches to attach the cluster nodes to' });
  }
  return problems;
}

/** After allocation: every address must be owned by exactly one interface. */
export function findDuplicateAddresses(origins: readonly AddressOrigin[]): Problem[] {
  const byIp = new Map<string, AddressOrigin>();
  const problems: Problem[] = [];
  for (const o of origins) {
    const prior = byIp.get(o.ip);
    if (prior) problems.push({ path: o.path, expected: `a unique address (${o.ip} for ${o.owner} is already used by ${prior.owner})` });
    else byIp.set(o.ip, o);
  }
  return problems;
}
