// The resolved lab: every address, VTEP, router ID and MAC filled in. Everything downstream
// (renderers, runtimes, checks, reports) reads this and never the raw lab file, so that derived
// values are computed in exactly one place (allocate.ts).

export type RouterRole = 'spine' | 'leaf' | 'tor';
export type ClusterNodeRole = 'control-plane' | 'worker';

/** An IPv4 interface address with its prefix length, e.g. 192.168.1.0/31. */
export interface InterfaceAddress {
  readonly ip: string;
  readonly prefixLength: number;
}

export interface Interface {
  readonly name: string;
  readonly address?: InterfaceAddress;
  readonly mac: string;
  /** VRF the interface belongs to on its router; absent means the default table. */
  readonly vrf?: string;
  /** Where the other end is: a node and interface, or a switch. */
  readonly peer: { readonly kind: 'node' | 'switch'; readonly name: string; readonly interface?: string };
}

export interface BgpTimers {
  readonly keepalive: number;
  readonly hold: number;
  readonly connect: number;
}

/** A ToR's side of its sessions with the cluster nodes (the `cluster-nodes` peer group). */
export interface ClusterPeering {
  /** Remote AS of the nodes; the router's own AS makes the sessions iBGP. */
  readonly asn: number;
  readonly password?: string;
  readonly nextHopSelf?: boolean;
  /** BFD on the sessions, intervals in ms (bfdd's defaults where unset). */
  readonly bfd?: { readonly receiveInterval?: number; readonly transmitInterval?: number; readonly detectMultiplier?: number };
  readonly timers?: { readonly keepalive: number; readonly hold: number };
  readonly gracefulRestart?: boolean;
}

export interface Vrf {
  readonly name: string;
  readonly vni: number;
}

export interface Router {
  readonly name: string;
  readonly role: RouterRole;
  readonly asn: number;
  readonly routerId: string;
  /** VXLAN tunnel endpoint (leaves only). */
  readonly vtep?: string;
  /** Stable router MAC used for the L3VNI bridges (leaves only). */
  readonly routerMac?: string;
  readonly timers?: BgpTimers;
  /** ToRs of a lab with a cluster only. */
  readonly clusterPeering?: ClusterPeering;
  readonly interfaces: readonly Interface[];
  /** VRFs instantiated on this router (leaves that host a VRF segment). */
  readonly vrfs: readonly string[];
}

export interface Host {
  readonly name: string;
  readonly leaf: string;
  readonly leafInterface: string;
  readonly vrf?: string;
  readonly subnet: string;
  readonly address: InterfaceAddress;
  readonly gateway: string;
  readonly interface: Interface;
}

export interface Switch {
  readonly name: string;
  readonly tor: string;
  readonly torInterface: string;
  readonly subnet: string;
  readonly torAddress: string;
  readonly nodeInterface: string;
}

export interface ClusterNodeAttachment {
  readonly switch: string;
  readonly interface: string;
  readonly address: InterfaceAddress;
  readonly mac: string;
}

export interface ClusterNode {
  readonly name: string;
  readonly role: ClusterNodeRole;
  /** OpenPERouter node index: the order the nodes are listed in, from 0. */
  readonly index: number;
  /** Labels the lab gives the node beyond kind's own (hostname, os, control-plane role). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly attachments: readonly ClusterNodeAttachment[];
}

/** A host on the nodes' L2 network (kind's docker network), e.g. a client of MetalLB's L2 mode. */
export interface L2Client {
  readonly name: string;
  /** Its interface on the network (`eth0`, as in a container on the kind network). */
  readonly interface: string;
  readonly address: InterfaceAddress;
  readonly mac: string;
}

export interface Cluster {
  readonly name: string;
  readonly nodeASN: number;
  readonly nodes: readonly ClusterNode[];
  /** Clients on the nodes' L2 network (src/lab/node-network.ts). */
  readonly l2Clients: readonly L2Client[];
}

export interface Link {
  readonly a: { readonly node: string; readonly interface: string };
  readonly b: { readonly node: string; readonly interface: string };
  readonly subnet: string;
}

export interface Lab {
  readonly name: string;
  readonly description: string;
  /** Path of the file it was loaded from (for messages). */
  readonly source: string;
  readonly vrfs: readonly Vrf[];
  readonly routers: readonly Router[];
  readonly links: readonly Link[];
  readonly hosts: readonly Host[];
  readonly switches: readonly Switch[];
  readonly cluster?: Cluster;
}
