// The per-node emulation plan computed from manifests + the lab's cluster: what each node's
// OpenPERouter PE router and MetalLB/frr-k8s speaker would run, and what each Service got.
// Renderers and runtimes read only this, never the manifests.
import type { InterfaceAddress } from '../lab/model.ts';
import type { PodPlan } from './pods.ts';
import type { L2Candidate } from './l2-election.ts';

/** A BGP remote AS: a number, or FRR's `external`/`internal` keywords. */
export type RemoteAs = number | 'external' | 'internal';

export interface NeighborTimers {
  /** Both or neither (FRR's `timers <keepalive> <hold>`). */
  readonly keepaliveSeconds?: number;
  readonly holdSeconds?: number;
  /** Always set: from the manifest, or the emulation's default (see DesiredState.deviations). */
  readonly connectSeconds?: number;
}

export interface PeUnderlayInterface {
  /** The node attachment interface the PE takes over (moved into the router namespace). */
  readonly name: string;
  readonly switch: string;
  readonly address: InterfaceAddress;
  readonly mac: string;
}

export interface PeNeighborPlan {
  readonly address: string;
  readonly remoteAs: RemoteAs;
  readonly ebgp: boolean;
  readonly port?: number;
  readonly password?: string;
  /** `ebgp-multihop [ttl]`: true = FRR's default TTL. */
  readonly ebgpMultihop?: number | true;
  readonly timers: NeighborTimers;
}

export interface HostSessionAddresses {
  /** The PE's end, the same on every node (e.g. 192.169.10.1/24). */
  readonly routerSide: InterfaceAddress;
  /** The node's end: router side + 1 + node index (e.g. 192.169.10.2/24 on node 0). */
  readonly hostSide: InterfaceAddress;
}

export interface HostSessionPlan {
  readonly asn: number;
  readonly remoteAs: RemoteAs;
  readonly ebgp: boolean;
  readonly ipv4?: HostSessionAddresses;
  readonly ipv6?: HostSessionAddresses;
  /** Veth end on the router side (`pe-e-<vni>`, or `pt-ns` for passthrough). */
  readonly routerInterface: string;
  /** Veth end in the node's default namespace (`host-e-<vni>`, or `pt-host`). */
  readonly hostInterface: string;
}

export interface PeL3VniPlan {
  /** The L3VNI object's name. */
  readonly name: string;
  readonly vrf: string;
  readonly vni: number;
  readonly vxlanPort: number;
  /** ASN of `router bgp <asn> vrf <vrf>`: hostSession.asn, else the underlay ASN. */
  readonly asn: number;
  readonly bridge: string;
  readonly vxlan: string;
  readonly hostSession?: HostSessionPlan;
  readonly importRTs: readonly string[];
  readonly exportRTs: readonly string[];
}

export interface PePassthroughPlan {
  readonly name: string;
  readonly hostSession: HostSessionPlan;
  /** Upstream renders `timers connect 5` on the passthrough host neighbor. */
  readonly connectSeconds: number;
}

export interface PeRouterPlan {
  readonly asn: number;
  readonly routerId: string;
  /** Locally administered, derived from the node name: stable across runs. */
  readonly routerMac: string;
  /** VTEP address (a /32 on the router's loopback); absent without tunnelEndpoint. */
  readonly vtep?: string;
  readonly interfaces: readonly PeUnderlayInterface[];
  readonly neighbors: readonly PeNeighborPlan[];
  readonly l3vnis: readonly PeL3VniPlan[];
  readonly passthrough?: PePassthroughPlan;
  /** `coalesce-time` for every BGP instance of this router; absent = FRR's default. */
  readonly coalesceTimeMs?: number;
  /** The objects this router was computed from (Kind/namespace/name). */
  readonly sources: readonly string[];
}

export interface AdvertisedPrefix {
  readonly prefix: string;
  readonly localPref?: number;
  /** Standard communities `A:B`, sorted. */
  readonly communities: readonly string[];
  /** Large communities `A:B:C`, sorted. */
  readonly largeCommunities: readonly string[];
}

export interface ReceivedPrefix {
  readonly prefix: string;
  readonly ge?: number;
  readonly le?: number;
}

/** What a speaker accepts from a neighbor: frr-k8s denies everything unless told otherwise. */
export type ReceivePolicy = { readonly mode: 'all' } | { readonly mode: 'filtered'; readonly prefixes: readonly ReceivedPrefix[] };

/** A BFD profile as bfdd takes it (intervals in ms). Unset fields keep bfdd's defaults. */
export interface BfdProfilePlan {
  readonly name: string;
  readonly receiveIntervalMs?: number;
  readonly transmitIntervalMs?: number;
  readonly detectMultiplier?: number;
  readonly echoIntervalMs?: number;
  readonly echoMode?: boolean;
  readonly passiveMode?: boolean;
  readonly minimumTtl?: number;
}

export interface SpeakerNeighborPlan {
  readonly address: string;
  readonly remoteAs: RemoteAs;
  readonly port?: number;
  readonly password?: string;
  readonly ebgpMultihop: boolean;
  readonly timers: NeighborTimers;
  /** BFD on this session: the profile's name (its settings are in SpeakerPlan.bfdProfiles). */
  readonly bfdProfile?: string;
  /** BGP graceful restart on this session (enableGracefulRestart). */
  readonly gracefulRestart?: boolean;
  /** Only this neighbor's prefixes (of its address family), sorted. */
  readonly advertise: readonly AdvertisedPrefix[];
  readonly receive: ReceivePolicy;
  /** MetalLB BGPPeer names behind this session (empty when it comes only from FRRConfigurations). */
  readonly peerNames: readonly string[];
}

export interface SpeakerPlan {
  readonly asn: number;
  readonly routerId?: string;
  /** `network` statements: every prefix the router originates, sorted. */
  readonly prefixes: readonly string[];
  readonly neighbors: readonly SpeakerNeighborPlan[];
  /** The BFD profiles its neighbors use, sorted by name. */
  readonly bfdProfiles: readonly BfdProfilePlan[];
  readonly coalesceTimeMs?: number;
  /** `bgp route-map delay-timer 0`: apply route-map changes at once. */
  readonly routeMapDelay0: boolean;
  /** The objects merged into this speaker (BGPPeer/..., FRRConfiguration/...). */
  readonly sources: readonly string[];
}

/** A change to a node's labels, as `kubectl label` makes it: a value sets the key, null removes it. */
export type LabelChanges = Readonly<Record<string, string | null>>;

export interface NodePlan {
  readonly node: string;
  readonly index: number;
  /** Labels the emulated node carries (selectors match against these). */
  readonly labels: Readonly<Record<string, string>>;
  /** Absent when no Underlay applies to the node. */
  readonly pe?: PeRouterPlan;
  /** Absent when no BGPPeer or FRRConfiguration applies to the node. */
  readonly speaker?: SpeakerPlan;
}

export interface ServicePortPlan {
  readonly name?: string;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  /** The container port traffic goes to (named ports resolved against the backend). */
  readonly targetPort: number;
}

export interface ServiceBackendPlan {
  readonly deployment: string;
  readonly image: string;
  readonly replicas: number;
  readonly containerPorts: readonly number[];
}

export interface ServiceAnnouncement {
  readonly node: string;
  /** The speaker neighbor address it goes to. */
  readonly neighbor: string;
  readonly prefix: string;
}

export interface ServicePlan {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly pool?: string;
  readonly ports: readonly ServicePortPlan[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly backends: readonly ServiceBackendPlan[];
  /** Nodes where the backend pods are placed (emulated scheduling: workers, round robin). */
  readonly endpointNodes: readonly string[];
  readonly announcements: readonly ServiceAnnouncement[];
  /**
   * MetalLB L2 mode: the nodes that may answer ARP for the Service's IP, in election order
   * (src/k8s/l2-election.ts); the first whose speaker runs announces. Empty: no L2 announcement.
   */
  readonly l2Candidates: readonly L2Candidate[];
  /** Set when MetalLB could not allocate: the Service stays pending. */
  readonly failure?: { readonly reason: 'AllocationFailed'; readonly message: string };
}

export interface DesiredState {
  readonly nodes: readonly NodePlan[];
  readonly services: readonly ServicePlan[];
  /** Every Deployment replica: node, address, server (src/k8s/pods.ts). */
  readonly pods: readonly PodPlan[];
  readonly warnings: readonly string[];
  /** Emulation tuning that differs from what upstream renders, one sentence each, for reports. */
  readonly deviations: readonly string[];
}
