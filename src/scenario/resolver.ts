// Resolves the names checks use into targets and addresses, from the lab (fabric facts) and the
// cluster plan computed from the applied manifests (PE VTEPs, host-session addresses). Service
// IPs come from the runtime (the cluster API's view), refreshed while checks run.
import { describePodRef, ResolveError, type NodeRef, type PeerRef, type PodRef, type ResolvedPod, type Resolver, type VtepRef } from '../checks/resolver.ts';
import type { PodState } from '../runtime/runtime.ts';
import type { DesiredState, NodePlan } from '../k8s/plan.ts';
import type { Lab } from '../lab/model.ts';
import {
  clusterNode, findL2Client, host, LookupError, peerAddressFacing, router, switchOfTor, vtepOf,
} from '../lab/query.ts';
import { NODE_NETWORK_CIDR } from '../lab/node-network.ts';
import type { Target } from '../runtime/runtime.ts';

export class LabResolver implements Resolver {
  readonly lab: Lab;
  private current: DesiredState | undefined;
  /**
   * Earlier plans, newest first: a check that something is gone (a deleted L3VNI's session)
   * still needs the address it had.
   */
  private readonly history: DesiredState[] = [];
  private serviceMap = new Map<string, readonly string[]>();
  private podList: readonly PodState[] | undefined;

  constructor(lab: Lab, desired?: DesiredState) {
    this.lab = lab;
    this.current = desired;
  }

  get desired(): DesiredState | undefined {
    return this.current;
  }

  set desired(next: DesiredState | undefined) {
    if (this.current && this.current !== next) this.history.unshift(this.current);
    this.current = next;
  }

  /** The first plan, newest first, in which `pick` finds something. */
  private fromPlans<T>(pick: (d: DesiredState) => T | undefined): T | undefined {
    for (const d of [...(this.current ? [this.current] : []), ...this.history]) {
      const found = pick(d);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  setServices(services: readonly { namespace: string; name: string; externalIPs: readonly string[] }[]): void {
    this.serviceMap = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s.externalIPs]));
  }

  private nodePlan(node: string): NodePlan {
    clusterNode(this.lab, node);
    const plan = this.fromPlans((d) => d.nodes.find((n) => n.node === node && n.pe));
    if (!plan) throw new ResolveError(`cluster node ${node} has no configuration applied yet`);
    return plan;
  }

  target(ref: NodeRef): Target {
    if ('router' in ref) return { kind: 'router', name: router(this.lab, ref.router).name };
    // A client on the nodes' L2 network is a host too: commands run in it the same way.
    if ('host' in ref) return { kind: 'host', name: (findL2Client(this.lab, ref.host) ?? host(this.lab, ref.host)).name };
    if ('pe' in ref) return { kind: 'pe', node: clusterNode(this.lab, ref.pe).name };
    return { kind: 'speaker', node: clusterNode(this.lab, ref.speaker).name };
  }

  private nameOf(ref: NodeRef): string {
    return 'router' in ref ? ref.router : 'host' in ref ? ref.host : 'pe' in ref ? ref.pe : ref.speaker;
  }

  peerAddress(on: NodeRef, peer: Exclude<PeerRef, string>, vrf?: string): string {
    if ('router' in peer) {
      const r = router(this.lab, peer.router);
      if ('pe' in on || 'speaker' in on) {
        // A PE peers with the ToR on the switch its underlay interface is attached to; so does
        // a speaker that talks to the routers itself (MetalLB without OpenPERouter).
        const sw = switchOfTor(this.lab, r.name);
        if (!sw) throw new LookupError(`router ${r.name} is not a ToR serving the cluster`);
        return sw.torAddress;
      }
      return peerAddressFacing(this.lab, this.nameOf(on), r.name);
    }
    if ('pe' in peer) {
      const pe = this.nodePlan(peer.pe).pe;
      if (!pe) throw new ResolveError(`node ${peer.pe} has no Underlay applied`);
      const sw = 'router' in on ? switchOfTor(this.lab, on.router) : undefined;
      const itf = (sw && pe.interfaces.find((i) => i.switch === sw.name)) ?? pe.interfaces[0];
      if (!itf) throw new ResolveError(`the PE of ${peer.pe} has no underlay interface`);
      return itf.address.ip;
    }
    if ('speaker' in peer) {
      // From a ToR: the node's own address on that ToR's switch (MetalLB peering directly).
      const sw = 'router' in on ? switchOfTor(this.lab, on.router) : undefined;
      const attachment = sw && clusterNode(this.lab, peer.speaker).attachments.find((a) => a.switch === sw.name);
      if (attachment) return attachment.address.ip;
      const session = this.hostSession(peer.speaker, peer.vrf ?? vrf);
      if (!session.ipv4) throw new ResolveError(`the host session of ${peer.speaker} has no IPv4 address`);
      return session.ipv4.hostSide.ip;
    }
    // The PE's end of a host session is the same on every node; any node with it will do.
    const node = 'pe' in on ? on.pe : 'speaker' in on ? on.speaker : this.desired?.nodes.find((n) => n.pe)?.node;
    if (!node) throw new ResolveError('no PE router is configured yet');
    const session = this.hostSession(node, peer.peRouterSide.vrf);
    if (!session.ipv4) throw new ResolveError(`the ${peer.peRouterSide.vrf} host session has no IPv4 address`);
    return session.ipv4.routerSide.ip;
  }

  /** The host session of a node in a VRF ('default' or undefined = the L3Passthrough one). */
  private hostSession(node: string, vrf: string | undefined) {
    clusterNode(this.lab, node);
    const pe = (d: DesiredState) => d.nodes.find((n) => n.node === node)?.pe;
    if (vrf === undefined || vrf === 'default') {
      const pt = this.fromPlans((d) => pe(d)?.passthrough?.hostSession);
      if (!pt) throw new ResolveError(`node ${node} has no L3Passthrough (name a vrf for an L3VNI session)`);
      return pt;
    }
    const l3 = this.fromPlans((d) => pe(d)?.l3vnis.find((l) => l.vrf === vrf)?.hostSession);
    if (!l3) throw new ResolveError(`node ${node} has no L3VNI host session in VRF ${vrf}`);
    return l3;
  }

  vtep(ref: VtepRef): string {
    if ('router' in ref) return vtepOf(this.lab, ref.router);
    const pe = this.nodePlan(ref.pe).pe;
    if (!pe?.vtep) throw new ResolveError(`the PE of ${ref.pe} has no VTEP (no Underlay tunnelEndpoint applied)`);
    return pe.vtep;
  }

  vni(vrf: string): number {
    const fabric = this.lab.vrfs.find((v) => v.name === vrf);
    if (fabric) return fabric.vni;
    const vni = this.fromPlans((d) => d.nodes.flatMap((n) => n.pe?.l3vnis ?? []).find((l) => l.vrf === vrf)?.vni);
    if (vni !== undefined) return vni;
    throw new LookupError(`no VRF "${vrf}" in lab ${this.lab.name} or in the applied L3VNIs`);
  }

  hostAddress(name: string): string {
    return (findL2Client(this.lab, name) ?? host(this.lab, name)).address.ip;
  }

  hostSubnet(name: string): string {
    return findL2Client(this.lab, name) ? NODE_NETWORK_CIDR : host(this.lab, name).subnet;
  }

  serviceIPs(service: string): readonly string[] {
    return this.serviceMap.get(service) ?? [];
  }

  /** Pods as the cluster API lists them; until set, the applied plan's pods stand in. */
  setPods(pods: readonly PodState[] | undefined): void {
    this.podList = pods;
  }

  pod(ref: PodRef): ResolvedPod {
    const pods = this.podList ?? this.current?.pods ?? [];
    const matching = pods
      .filter((p) =>
        typeof ref === 'string'
          ? `${p.namespace}/${p.name}` === ref
          : p.namespace === ref.namespace && Object.entries(ref.selector).every(([k, v]) => p.labels[k] === v),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    const p = matching[0];
    if (!p) throw new ResolveError(`no ${describePodRef(ref)} (yet)`);
    return { target: { kind: 'pod', namespace: p.namespace, name: p.name }, ip: p.ip, node: p.node, label: `${p.namespace}/${p.name}` };
  }

  clusterNodes(): readonly string[] {
    return (this.lab.cluster?.nodes ?? []).map((n) => n.name);
  }
}
