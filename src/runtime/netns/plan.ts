// What the netns runtime builds for a lab, as pure data: namespaces, `ip -batch` lines per
// namespace and phase (sysctls included), and the FRR instances to start. The runtime executes it; the
// benchmark's baseline runs the same commands with no scheduling, so both build the same fabric.
import { stableMac } from '../../lab/allocate.ts';
import { hostSetupCommands } from '../../render/host-setup.ts';
import type { Lab, Router } from '../../lab/model.ts';
import { instanceNames, type InstanceNames } from './names.ts';
import { l2ClientLines, nodeNetworkLines, nodeNetworkNs } from './pod-network.ts';

/** Lines for `ip -n <ns> -batch -`, grouped by namespace. Insertion order is execution order. */
export type Batches = Map<string, string[]>;

export interface VrfPlan {
  readonly name: string;
  readonly vni: number;
  readonly ns: string;
}

export interface RouterPlan {
  readonly name: string;
  readonly ns: string;
  readonly instance: string;
  /** zebra runs with the netns VRF backend (-n) and a private view of VRF namespaces. */
  readonly netnsVrf: boolean;
  readonly vrfs: readonly VrfPlan[];
  readonly vtep?: string;
  readonly routerMac?: string;
}

export interface HostPlan {
  readonly name: string;
  readonly ns: string;
}

export interface ClusterNodePlan {
  readonly name: string;
  /**
   * VRF namespaces made ready on the PE at bring-up, one per lab VRF: zebra discovers a VRF added
   * later only after a fixed one-second poll, so an L3VNI for a fabric VRF finds its namespace
   * already known. Until an L3VNI claims it, such a VRF has no configuration.
   */
  readonly preparedVrfs: readonly { readonly name: string; readonly ns: string }[];
  /** The node's host side: where MetalLB/frr-k8s speak and services answer. */
  readonly ns: string;
  /** The OpenPERouter router namespace. */
  readonly peNs: string;
}

export interface FabricPlan {
  readonly names: InstanceNames;
  readonly namespaces: readonly string[];
  /** Phase 1: create veths and bridges (each link from one side). */
  readonly links: Batches;
  /** Phase 2: addresses, enslaving, up, routes, and the forwarding sysctls (forwardingLine). */
  readonly config: Batches;
  readonly routers: readonly RouterPlan[];
  readonly hosts: readonly HostPlan[];
  readonly clusterNodes: readonly ClusterNodePlan[];
  /** Switch namespaces (a Linux bridge each). */
  readonly switches: readonly { readonly name: string; readonly ns: string }[];
}

const SWITCH_BRIDGE = 'br0';
const VXLAN_PORT = 4789;

/** Appends `lines` to namespace `ns`'s batch (created on first use). */
export function addBatchLines(batches: Batches, ns: string, ...lines: string[]): void {
  const list = batches.get(ns) ?? [];
  list.push(...lines);
  batches.set(ns, list);
}

/** Routers, PEs and their VRF namespaces forward; hosts and switches do not. */
const FORWARDING = ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.forwarding=1', 'net.ipv6.conf.all.forwarding=1'];

/**
 * The `ip -batch` line (for that namespace's own batch) that turns forwarding on in `ns`: ip forks
 * `sysctl` itself, so a namespace costs pelab no process of its own. pelab forks every command from
 * its one Node process, and a fork of it blocks that thread 1-3 ms (more under load); one
 * `nsenter ... sysctl` per namespace was 18 of the 128 it started in `up`. `all.forwarding` also
 * sets `default`, so devices created after it forward too.
 */
export function forwardingLine(ns: string): string {
  return `netns exec ${ns} sysctl -q -w ${FORWARDING.join(' ')}`;
}

/** `ip -batch` lines that build an L3VNI's VXLAN device and bridge (run in the router ns, then the VRF ns). */
export function l3vniDeviceLines(vni: number, vtep: string, routerMac: string, vrfNs: string, names?: { bridge?: string; vxlan?: string }) {
  const vxlan = names?.vxlan ?? `vni${vni}`;
  const bridge = names?.bridge ?? `br${vni}`;
  return {
    vxlan,
    bridge,
    // The VXLAN device is created from the router's underlay namespace, so that its UDP socket
    // lives there, directly into the VRF namespace where the bridge is (`netns` on `link add`).
    // Created first and moved after, it appeared to the router's zebra under the same name in
    // two namespaces: FRR 10.3's zebra handled the removal of the first copy after the arrival
    // of the second and left the L3VNI without a VXLAN interface (`Vxlan-Intf: None`, measured
    // in about half of the bring-ups); 8.4 happened not to, and works either way.
    inRouter: [`link add ${vxlan} netns ${vrfNs} type vxlan id ${vni} local ${vtep} dstport ${VXLAN_PORT} nolearning`],
    inVrf: [
      `link add ${bridge} address ${routerMac} type bridge stp_state 0`,
      `link set ${bridge} addrgenmode none`,
      `link set ${vxlan} master ${bridge} addrgenmode none`,
      `link set ${vxlan} type bridge_slave neigh_suppress on learning off`,
      `link set ${bridge} up`,
      `link set ${vxlan} up`,
    ],
  };
}

function routerNs(names: InstanceNames, r: Router, vrf: string | undefined): string {
  return vrf ? names.vrfNs(r.name, vrf) : names.ns(r.name);
}

export function planFabric(lab: Lab, instance: string): FabricPlan {
  const names = instanceNames(instance);
  const links: Batches = new Map();
  const config: Batches = new Map();
  const namespaces: string[] = [];
  const addNs = (ns: string, forwarding: boolean): void => {
    namespaces.push(ns);
    addBatchLines(config, ns, 'link set lo up');
    if (forwarding) addBatchLines(config, ns, forwardingLine(ns));
  };

  const routers: RouterPlan[] = lab.routers.map((r) => {
    addNs(names.ns(r.name), true);
    const vrfs = r.vrfs.map((v) => ({ name: v, vni: lab.vrfs.find((x) => x.name === v)!.vni, ns: names.vrfNs(r.name, v) }));
    for (const v of vrfs) addNs(v.ns, true);
    if (r.vtep) addBatchLines(config, names.ns(r.name), `address add ${r.vtep}/32 dev lo`);
    return {
      name: r.name,
      ns: names.ns(r.name),
      instance: names.frrInstance(names.ns(r.name)),
      netnsVrf: vrfs.length > 0,
      vrfs,
      ...(r.vtep ? { vtep: r.vtep } : {}),
      ...(r.routerMac ? { routerMac: r.routerMac } : {}),
    };
  });
  const hosts: HostPlan[] = lab.hosts.map((h) => {
    addNs(names.ns(h.name), false);
    return { name: h.name, ns: names.ns(h.name) };
  });
  const switches = lab.switches.map((s) => {
    const ns = names.ns(s.name);
    addNs(ns, false);
    addBatchLines(links, ns, `link add ${SWITCH_BRIDGE} address ${stableMac(lab.name, s.name, SWITCH_BRIDGE)} type bridge stp_state 0`);
    addBatchLines(config, ns, `link set ${SWITCH_BRIDGE} up`);
    return { name: s.name, ns };
  });
  const clusterNodes: ClusterNodePlan[] = (lab.cluster?.nodes ?? []).map((n) => {
    addNs(names.ns(n.name), true);
    addNs(names.peNs(n.name), true);
    const preparedVrfs = lab.vrfs.map((v) => ({ name: v.name, ns: `${names.peNs(n.name)}.${v.name}` }));
    for (const v of preparedVrfs) addNs(v.ns, true);
    return { name: n.name, ns: names.ns(n.name), peNs: names.peNs(n.name), preparedVrfs };
  });

  // kind's node network: what pods on different nodes and kube-proxy's Cluster policy ride on.
  if (lab.cluster && lab.cluster.nodes.length > 0) {
    addNs(nodeNetworkNs(names), false);
    const net = nodeNetworkLines(names, lab.cluster.nodes);
    for (const [ns, lines] of net.links) addBatchLines(links, ns, ...lines);
    for (const [ns, lines] of net.config) addBatchLines(config, ns, ...lines.filter((l) => l !== 'link set lo up'));
    // Clients on that network (MetalLB L2 mode's LAN): hosts like the fabric's, without a leaf.
    for (const c of lab.cluster.l2Clients) {
      addNs(names.ns(c.name), false);
      hosts.push({ name: c.name, ns: names.ns(c.name) });
    }
    const clients = l2ClientLines(names, lab.cluster.l2Clients);
    for (const [ns, lines] of clients.links) addBatchLines(links, ns, ...lines);
    for (const [ns, lines] of clients.config) addBatchLines(config, ns, ...lines);
  }

  // Router interfaces: fabric links, host segments (in the VRF namespace when the segment is in
  // a VRF) and ToR switch ports.
  const routerByName = new Map(lab.routers.map((r) => [r.name, r]));
  for (const link of lab.links) {
    const a = routerByName.get(link.a.node)!;
    const b = routerByName.get(link.b.node)!;
    const aIf = a.interfaces.find((i) => i.name === link.a.interface)!;
    const bIf = b.interfaces.find((i) => i.name === link.b.interface)!;
    addBatchLines(links, names.ns(a.name), `link add ${aIf.name} address ${aIf.mac} type veth peer name ${bIf.name} address ${bIf.mac} netns ${names.ns(b.name)}`);
    addBatchLines(config, names.ns(a.name), `address add ${aIf.address!.ip}/${aIf.address!.prefixLength} dev ${aIf.name}`, `link set ${aIf.name} up`);
    addBatchLines(config, names.ns(b.name), `address add ${bIf.address!.ip}/${bIf.address!.prefixLength} dev ${bIf.name}`, `link set ${bIf.name} up`);
  }
  for (const h of lab.hosts) {
    const leaf = routerByName.get(h.leaf)!;
    const leafIf = leaf.interfaces.find((i) => i.name === h.leafInterface)!;
    const leafNs = routerNs(names, leaf, h.vrf);
    const hostNs = names.ns(h.name);
    addBatchLines(links, hostNs, `link add ${h.interface.name} address ${h.interface.mac} type veth peer name ${leafIf.name} address ${leafIf.mac} netns ${leafNs}`);
    addBatchLines(config, leafNs, `address add ${h.gateway}/${h.address.prefixLength} dev ${leafIf.name}`, `link set ${leafIf.name} up`);
    // The same commands containerlab's exec runs, as `ip -batch` lines (argv minus "ip").
    addBatchLines(config, hostNs, ...hostSetupCommands(lab, h.name).map((argv) => argv.slice(1).join(' ')));
  }
  for (const s of lab.switches) {
    const swNs = names.ns(s.name);
    const tor = routerByName.get(s.tor)!;
    const torIf = tor.interfaces.find((i) => i.name === s.torInterface)!;
    addBatchLines(links, swNs, `link add to-tor address ${stableMac(lab.name, s.name, 'to-tor')} type veth peer name ${torIf.name} address ${torIf.mac} netns ${names.ns(tor.name)}`);
    addBatchLines(config, swNs, `link set to-tor master ${SWITCH_BRIDGE}`, 'link set to-tor up');
    addBatchLines(config, names.ns(tor.name), `address add ${s.torAddress}/${torIf.address!.prefixLength} dev ${torIf.name}`, `link set ${torIf.name} up`);
    for (const n of lab.cluster?.nodes ?? []) {
      const att = n.attachments.find((a) => a.switch === s.name)!;
      const port = `to-node${n.index}`;
      addBatchLines(links, swNs, `link add ${port} address ${stableMac(lab.name, s.name, port)} type veth peer name ${att.interface} address ${att.mac} netns ${names.ns(n.name)}`);
      addBatchLines(config, swNs, `link set ${port} master ${SWITCH_BRIDGE}`, `link set ${port} up`);
      addBatchLines(config, names.ns(n.name), `address add ${att.address.ip}/${att.address.prefixLength} dev ${att.interface}`, `link set ${att.interface} up`);
    }
  }
  return { names, namespaces, links, config, routers, hosts, clusterNodes, switches };
}
