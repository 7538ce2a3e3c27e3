// The emulated Kubernetes nodes. Each node has its host side (where MetalLB + frr-k8s speak
// BGP and Services answer) and an OpenPERouter router namespace. Both run FRR configured from
// the manifests applied to the lab, through the same pure plan (src/k8s) the real controllers'
// behaviour is modelled by. Applying, changing and deleting manifests reconciles the namespaces,
// devices and FRR configuration towards the new plan.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabBuildError } from '../../errors.ts';
import { parseBfdPeers } from '../bfd-peers.ts';
import { manifestKey, type Manifest } from '../../k8s/manifest.ts';
import { validateManifests } from '../../k8s/validate.ts';
import { computeDesiredState, mergeLabelChanges } from '../../k8s/desired.ts';
import type { DesiredState, LabelChanges, NodePlan, PeL3VniPlan, PeRouterPlan, HostSessionPlan } from '../../k8s/plan.ts';
import { renderPeRouter } from '../../render/frr-pe.ts';
import { renderSpeaker } from '../../render/frr-speaker.ts';
import type { ApplyResult, L2Status, NodeStatus, PodState, ServiceState, SessionState, Target } from '../runtime.ts';
import type { Ledger } from './ledger.ts';
import { addBatchLines, forwardingLine, l3vniDeviceLines, type Batches, type ClusterNodePlan, type FabricPlan } from './plan.ts';
import type { Lab } from '../../lab/model.ts';
import type { InstanceNames } from './names.ts';
import { EndpointServer } from './endpoints.ts';
import { createNamespaces, deleteNamespaces, inNs, ipBatch, runBatches } from './netops.ts';
import { ledgerFrrBuild, withNetnsVrfLines, type FrrRouter } from './frr.ts';
import { frrQuirks } from './frr-quirks.ts';
import type { Listener } from './endpoint-config.ts';
import type { PodPlan } from '../../k8s/pods.ts';
import { podLinkLines, podNs, podVeth } from './pod-network.ts';
import { listenerFor, startNginx, stopNginx } from './pod-servers.ts';
import { renderKubeProxy, type ProxiedService } from './kube-proxy.ts';
import { run } from '../../proc/run.ts';
import { L2Speakers } from './l2-speakers.ts';
import { confirmZebraAddresses, type ExpectedAddress, type ZebraAddresses } from './zebra-addresses.ts';

/** Addresses reconcilePeLinks added, by the zebra that sees them: the PE's, the speaker's. */
interface AddedAddresses {
  readonly pe: ExpectedAddress[];
  readonly speaker: ExpectedAddress[];
}

/** What preparePeVrfs worked out: the PE configuration to load and the VRFs it adds, removes and parks. */
interface PeConfigStep {
  readonly peConfig: string;
  readonly added: readonly PeL3VniPlan[];
  readonly removed: readonly RealisedNode['vrfs'][number][];
  readonly parked: readonly string[];
}

/** What has been realised on a node so far, kept in the ledger across pelab processes. */
export interface RealisedNode {
  underlay: string[];
  vtep?: string;
  vrfs: { vrf: string; vni: number; vxlan: string; bridge: string; hostInterface: string }[];
  passthrough: boolean;
  /** VRFs whose L3VNI was deleted: their namespace stays known to zebra (see withNetnsVrfLines). */
  parkedVrfs: string[];
  peConfig: string;
  speakerConfig: string;
  /** The kube-proxy ruleset loaded in the node's namespace. */
  kubeProxy: string;
  pods: RealisedPod[];
}

/** A pod as created on its node: its namespace, address and what runs in it. */
export interface RealisedPod {
  readonly key: string;
  readonly ns: string;
  readonly ip: string;
  readonly image: string;
  readonly server: PodPlan['server'];
}

/**
 * The config of a router that nothing configures any more (every manifest for it deleted): its
 * name only. frr-reload refuses an empty file ("is an empty file"); this one removes the rest. Pure.
 */
function unconfiguredRouter(hostname: string): string {
  return `hostname ${hostname}\n!\n`;
}

/** What agnhost netexec on a node's host side listens on (upstream's hosts run it on 8090 too). */
const NODE_ENDPOINT_PORT = 8090;

function emptyRealised(): RealisedNode {
  return { underlay: [], vrfs: [], passthrough: false, parkedVrfs: [], peConfig: '', speakerConfig: '', kubeProxy: '', pods: [] };
}

const podKey = (p: Pick<PodPlan, 'namespace' | 'name'>): string => `${p.namespace}/${p.name}`;
const samePod = (a: RealisedPod, p: PodPlan): boolean => a.ip === p.ip && a.image === p.image && JSON.stringify(a.server) === JSON.stringify(p.server);

/**
 * What the emulated cluster needs from the runtime that hosts it (NetnsRuntime implements it):
 * declared here so the cluster does not import the runtime that imports it.
 */
interface ClusterHost {
  readonly lab: Lab;
  readonly instance: string;
  readonly names: InstanceNames;
  readonly plan: FabricPlan;
  readonly ledger: Ledger;
  frrRouter(ns: string, hostname: string, vrfs?: ReadonlyMap<string, string>, netnsVrf?: boolean): FrrRouter;
  stopFrr(ns: string): Promise<void>;
  vtysh(target: Target, command: string): Promise<string>;
}

/** MetalLB L2 mode's emulation notes, for `pelab status` and reports. */
const L2_DEVIATION =
  'MetalLB L2 mode: a stopped speaker hands its Service IPs on as soon as the fault is applied; MetalLB\'s memberlist takes a few seconds to declare a speaker dead, so real failovers take longer.';

export class ClusterEmulator {
  private readonly rt: ClusterHost;

  constructor(rt: ClusterHost) {
    this.rt = rt;
  }

  private get ledger(): Ledger {
    return this.rt.ledger;
  }

  private get l2(): L2Speakers {
    return new L2Speakers({ dir: this.rt.names.dir, ledger: this.ledger, owner: this.rt.instance, nsOf: (node) => this.nodePlan(node).ns });
  }

  /** A `speakerDown`/`speakerUp` fault: MetalLB's speaker on `node` stops or comes back. */
  async setSpeakerDown(node: string, down: boolean): Promise<void> {
    this.nodePlan(node);
    await this.l2.setSpeakerDown(node, down, this.ledger.data.desired as DesiredState | undefined, this.rt.plan.clusterNodes.map((n) => n.name));
  }

  /** Who answers ARP for each Service IP (MetalLB's ServiceL2Status). */
  async l2Statuses(): Promise<readonly L2Status[]> {
    return this.l2.state.statuses;
  }

  private nodePlan(name: string): ClusterNodePlan {
    const n = this.rt.plan.clusterNodes.find((x) => x.name === name);
    if (!n) throw new LabBuildError(`lab ${this.rt.lab.name} has no cluster node ${name}`);
    return n;
  }

  private vrfNs(node: string, vrf: string): string {
    return `${this.nodePlan(node).peNs}.${vrf}`;
  }

  private pe(node: string, vrfs: readonly string[] = this.knownVrfs(node)): FrrRouter {
    const plan = this.nodePlan(node);
    return this.rt.frrRouter(plan.peNs, `${node}-pe`, new Map(vrfs.map((v) => [v, this.vrfNs(node, v)])), true);
  }

  /** VRF namespaces a PE has: live L3VNIs and parked ones. */
  private knownVrfs(node: string): string[] {
    const r = this.realised(node);
    return [...r.vrfs.map((v) => v.vrf), ...(r.parkedVrfs ?? [])];
  }

  private speaker(node: string): FrrRouter {
    const plan = this.nodePlan(node);
    return this.rt.frrRouter(plan.ns, node);
  }

  private realised(node: string): RealisedNode {
    return (this.ledger.data.cluster?.[node] as RealisedNode | undefined) ?? emptyRealised();
  }

  private saveRealised(node: string, r: RealisedNode): void {
    this.ledger.update((d) => {
      d.cluster = { ...(d.cluster ?? {}), [node]: r };
    });
  }

  async startNode(node: ClusterNodePlan): Promise<void> {
    const prepared = node.preparedVrfs.map((v) => v.name);
    this.saveRealised(node.name, { ...emptyRealised(), parkedVrfs: prepared });
    await Promise.all([this.pe(node.name, prepared).start(), this.speaker(node.name).start()]);
  }

  /** The lab HTTP server's listener on a node's host side. */
  nodeListener(node: ClusterNodePlan): Listener {
    return { ns: node.ns, ports: [NODE_ENDPOINT_PORT], kind: 'agnhost-netexec', identity: node.name };
  }

  appliedKeys(ledger: Ledger): string[] {
    return ledger.data.applied.map((a) => a.key);
  }

  private appliedManifests(): Manifest[] {
    return this.ledger.data.applied.map((a) => a.manifest);
  }

  async apply(manifests: readonly Manifest[]): Promise<ApplyResult> {
    const byKey = new Map(this.appliedManifests().map((m) => [manifestKey(m), m]));
    const { manifests: converted, warnings } = validateManifests(manifests);
    for (const m of converted) byKey.set(manifestKey(m), m);
    return this.reconcile([...byKey.values()], warnings);
  }

  async delete(manifests: readonly Manifest[]): Promise<ApplyResult> {
    const { manifests: converted, warnings } = validateManifests(manifests, { crossObject: false });
    const remove = new Set(converted.map(manifestKey));
    const kept = this.appliedManifests().filter((m) => !remove.has(manifestKey(m)));
    return this.reconcile(kept, warnings);
  }

  /**
   * `kubectl label node`: the controllers re-render every node's configuration with the new
   * labels (a peer or advertisement whose node selector now matches starts, one that no longer
   * does stops), which is a reconcile of the applied manifests.
   */
  async relabel(node: string, changes: LabelChanges): Promise<ApplyResult> {
    this.nodePlan(node);
    this.ledger.update((d) => {
      d.labelChanges = { ...(d.labelChanges ?? {}), [node]: { ...mergeLabelChanges(d.labelChanges?.[node], changes) } };
    });
    return this.reconcile(this.appliedManifests(), []);
  }

  private async reconcile(all: Manifest[], warnings: readonly string[]): Promise<ApplyResult> {
    const cluster = this.rt.lab.cluster;
    if (!cluster) throw new LabBuildError(`lab ${this.rt.lab.name} has no cluster to apply manifests to`);
    // Validate the whole set as the API server + controllers would see it.
    const { manifests: valid, warnings: more } = validateManifests(all);
    const previousPodIPs = Object.fromEntries(Object.values(this.ledger.data.cluster ?? {}).flatMap((r) => ((r as RealisedNode).pods ?? []).map((p) => [p.key, p.ip])));
    const desired = computeDesiredState(valid, cluster, {
      previousAllocations: this.ledger.data.serviceIPs,
      previousPodIPs,
      ...(this.ledger.data.labelChanges ? { labelChanges: this.ledger.data.labelChanges } : {}),
    });
    // Nodes are independent: reconcile them at once (the ledger writes are synchronous).
    const repaired = (await Promise.all(desired.nodes.map((node) => this.reconcileNode(node, desired)))).flat();
    const pods = desired.pods.flatMap((p) => listenerFor(p, podNs(this.rt.names, p)) ?? []);
    await new EndpointServer(this.rt.names.dir, this.ledger).update((l) => l.ns.startsWith(`${this.rt.names.prefix}pod.`), pods);
    const serviceIPs = Object.fromEntries(desired.services.filter((s) => s.ips.length > 0).map((s) => [`${s.namespace}/${s.name}`, [...s.ips]]));
    // After kube-proxy's rules: a client that learns the MAC is answered at once.
    await this.l2.reconcile(desired, cluster.nodes.map((n) => n.name));
    const l2 = desired.services.some((s) => s.l2Candidates.length > 0);
    this.ledger.update((d) => {
      d.applied = valid.map((m) => ({ key: manifestKey(m), manifest: m }));
      d.serviceIPs = serviceIPs;
      d.desired = desired;
      d.notes = [...desired.deviations, ...(l2 ? [L2_DEVIATION] : [])];
    });
    return { warnings: [...warnings, ...more, ...desired.warnings, ...repaired], serviceIPs, desired };
  }

  /** Reconciles one node; resolves with a warning per address its zebras had lost and pelab re-announced. */
  private async reconcileNode(plan: NodePlan, desired: DesiredState): Promise<string[]> {
    const r: RealisedNode = structuredClone(this.realised(plan.node));
    // New VRF namespaces first: zebra's netns VRF backend must know a namespace before a config
    // names its VRF.
    const step = await this.preparePeVrfs(plan, r);
    // Then the PE's and the speaker's configs at once, before the links, as OpenPERouter's
    // controller does (Reconcile: configureFRR, then configureInterfaces). bgpd opens a released
    // neighbor only 1 s later (BGP_INIT_START_TIMER; frr-reload's vtysh -f waits
    // BGP_POST_CONFIG_DELAY_SECONDS the same way), so whatever does not feed that first connect
    // (links, L3VNI devices, pods, kube-proxy's rules) runs inside that second. Measured against
    // links-first (metallb-evpn, 20 runs each): every session Established 1.22 s after apply
    // started instead of 1.37 s (medians), apply 0.32 s instead of 0.36 s. Nothing observes the lab
    // in between: apply returns only once all of it is in place.
    await Promise.all([this.reconcilePeConfig(plan, r, step), this.reconcileSpeakerConfig(plan, r)]);
    // Then the links (underlay, VTEP, host-session veths). zebra 8.4 drops an address whose link
    // its main thread has not read yet (zebra/interface.c:1507), which a config load keeping that
    // thread busy makes likely: the PE's underlay address or a host-session address was lost in
    // 1-2 of 25 runs with the configs first, and links-first only made it rarer. So each address
    // added is confirmed in the zebra that sees it and re-announced if lost (zebra-addresses.ts;
    // it fired in 1 of the 20 runs above), beside the L3VNI devices and workloads. The L3VNI
    // devices still come after the config: zebra must know the VRF's VNI before its VXLAN device.
    const expected = await this.reconcilePeLinks(plan, r, step);
    const [warnings] = await Promise.all([
      this.confirmAddresses(plan.node, expected),
      this.reconcilePeVrfDevices(plan, r, step),
      this.reconcileWorkloads(plan, desired, r),
    ]);
    this.saveRealised(plan.node, r);
    return warnings;
  }

  /** Waits until the PE's and the speaker's zebras know the addresses just added (zebra-addresses.ts). */
  private async confirmAddresses(node: string, expected: AddedAddresses): Promise<string[]> {
    const zebras: ZebraAddresses[] = [
      { router: `PE ${node}`, instance: this.pe(node).instance, addresses: expected.pe },
      { router: `speaker ${node}`, instance: this.speaker(node).instance, addresses: expected.speaker },
    ];
    return (await Promise.all(zebras.map((z) => confirmZebraAddresses(z)))).flat();
  }

  /** What changes in the PE's VRFs, its configuration, and the namespaces of new VRFs (created here). */
  private async preparePeVrfs(plan: NodePlan, r: RealisedNode): Promise<PeConfigStep> {
    const node = plan.node;
    const pe = plan.pe;
    const wantVrfs = pe?.l3vnis ?? [];
    // VRFs that go away: configuration first, so FRR withdraws before the devices vanish.
    const removed = r.vrfs.filter((v) => !wantVrfs.some((w) => w.vrf === v.vrf && w.vni === v.vni));
    const added = wantVrfs.filter((w) => !r.vrfs.some((v) => v.vrf === w.vrf && v.vni === w.vni));
    const quirks = frrQuirks(ledgerFrrBuild(this.ledger));
    r.parkedVrfs ??= [];
    // A deleted L3VNI's namespace is parked, never deleted: zebra crashes on a netns VRF removed
    // and created again, on 8.4.4 and on 10.3 alike (see the end of frr-quirks.ts).
    const parked = [...new Set([...r.parkedVrfs, ...removed.map((v) => v.vrf)])].filter((v) => !added.some((a) => a.vrf === v));
    // With every OpenPERouter object deleted, a PE that was configured keeps its name (and, on
    // 8.4, its parked VRFs' stanzas) and nothing else.
    const rendered = pe ? renderPeRouter(pe, { hostname: `${node}-pe` }) : r.peConfig !== '' ? unconfiguredRouter(`${node}-pe`) : '';
    const peConfig = rendered !== '' && quirks.netnsLinesInConfig ? withNetnsVrfLines(rendered, parked) : rendered;

    const newVrfs = added.filter((v) => !r.parkedVrfs.includes(v.vrf));
    for (const v of newVrfs) {
      const vrfNs = this.vrfNs(node, v.vrf);
      this.ledger.addNamespaces([vrfNs]);
      await createNamespaces([vrfNs]);
      await ipBatch(vrfNs, ['link set lo up', forwardingLine(vrfNs)]);
      await this.pe(node, []).exposeVrf(v.vrf, vrfNs);
    }
    if (newVrfs.length > 0) await this.pe(node).waitForVrfs(newVrfs.map((v) => v.vrf));
    return { peConfig, added, removed, parked };
  }

  /**
   * The PE's links: the node's fabric interface with its address, the VTEP, and the host-session
   * veths. Resolves with the addresses added, by the zebra that sees them.
   */
  private async reconcilePeLinks(plan: NodePlan, r: RealisedNode, step: PeConfigStep): Promise<AddedAddresses> {
    const node = plan.node;
    const ns = this.nodePlan(node);
    const pe = plan.pe;
    const added: AddedAddresses = { pe: [], speaker: [] };
    const underlay = async (): Promise<void> => {
      if (!pe) return;
      const moved = pe.interfaces.filter((itf) => !r.underlay.includes(itf.name));
      if (moved.length > 0) await ipBatch(ns.ns, moved.map((itf) => `link set ${itf.name} netns ${ns.peNs}`));
      const inPe = moved.flatMap((itf) => [`address add ${itf.address.ip}/${itf.address.prefixLength} dev ${itf.name}`, `link set ${itf.name} up`]);
      added.pe.push(...moved.map((itf) => ({ vrf: 'default', ns: ns.peNs, ifname: itf.name, address: `${itf.address.ip}/${itf.address.prefixLength}` })));
      const newVtep = pe.vtep !== undefined && r.vtep !== pe.vtep;
      if (newVtep) {
        inPe.push(...(r.vtep ? [`address del ${r.vtep}/32 dev lo`] : []), `address add ${pe.vtep}/32 dev lo`);
        added.pe.push({ vrf: 'default', ns: ns.peNs, ifname: 'lo', address: `${pe.vtep}/32` });
      }
      if (inPe.length > 0) await ipBatch(ns.peNs, inPe);
      r.underlay.push(...moved.map((itf) => itf.name));
      if (newVtep) r.vtep = pe.vtep;
    };
    const sessions = step.added.flatMap((v) => (v.hostSession ? [{ routerNs: this.vrfNs(node, v.vrf), vrf: v.vrf, hs: v.hostSession }] : []));
    const passthrough = pe?.passthrough !== undefined && !r.passthrough;
    if (passthrough) sessions.push({ routerNs: ns.peNs, vrf: 'default', hs: pe!.passthrough!.hostSession });
    await Promise.all([underlay(), this.createHostSessions(ns.ns, sessions, added)]);
    if (passthrough) r.passthrough = true;
    return added;
  }

  /** The PE's configuration: a deleted L3VNI taken down first, then the new config. */
  private async reconcilePeConfig(plan: NodePlan, r: RealisedNode, step: PeConfigStep): Promise<void> {
    const node = plan.node;
    const ns = this.nodePlan(node);
    const { peConfig, removed } = step;
    // frr-reload removes `router bgp X vrf V` before the VRF's `vni`, which bgpd refuses ("Please
    // unconfigure l3vni"); take a deleted L3VNI down in the order FRR accepts first.
    for (const v of removed) {
      const asn = /^router bgp (\d+) vrf (\S+)$/m.exec(r.peConfig.split('\n').filter((l) => l.endsWith(` vrf ${v.vrf}`)).join('\n'))?.[1];
      try {
        await this.pe(node).removeL3vni(v.vrf, v.vni, asn === undefined ? undefined : Number(asn));
      } catch (e) {
        throw new LabBuildError(`could not remove L3VNI ${v.vni} (vrf ${v.vrf}) from ${node}'s PE: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (peConfig !== r.peConfig) {
      await this.pushConfig(this.pe(node), ns.peNs, peConfig, r.peConfig === '');
      r.peConfig = peConfig;
    }
  }

  /** After the PE's configuration: the L3VNI devices of added VRFs, then what removed VRFs leave. */
  private async reconcilePeVrfDevices(plan: NodePlan, r: RealisedNode, step: PeConfigStep): Promise<void> {
    const node = plan.node;
    const ns = this.nodePlan(node);
    const pe = plan.pe;
    const { added, removed, parked } = step;
    // zebra must know the VRF's VNI (the config just loaded) before its VXLAN device exists, or the L3VNI stays down.
    for (const v of added) {
      const vrfNs = this.vrfNs(node, v.vrf);
      const lines = l3vniDeviceLines(v.vni, pe!.vtep!, pe!.routerMac, vrfNs, { bridge: v.bridge, vxlan: v.vxlan });
      await ipBatch(ns.peNs, lines.inRouter);
      await ipBatch(vrfNs, lines.inVrf);
      r.vrfs.push({ vrf: v.vrf, vni: v.vni, vxlan: v.vxlan, bridge: v.bridge, hostInterface: v.hostSession?.hostInterface ?? '' });
    }
    for (const v of removed) {
      // The namespace is parked, not deleted; its devices and host session go.
      await ipBatch(this.vrfNs(node, v.vrf), [`link del ${v.vxlan}`, `link del ${v.bridge}`], { force: true });
      if (v.hostInterface) await ipBatch(ns.ns, [`link del ${v.hostInterface}`], { force: true });
      r.vrfs = r.vrfs.filter((x) => x.vrf !== v.vrf);
    }
    r.parkedVrfs = [...parked];
    if (!pe?.passthrough && r.passthrough) {
      await ipBatch(ns.ns, ['link del pt-host'], { force: true });
      r.passthrough = false;
    }
  }

  /**
   * The speaker's (MetalLB + frr-k8s) configuration. Its prefixes need no route in the RIB
   * (`no bgp network import-check`), so it does not wait for the pods or kube-proxy's rules.
   */
  private async reconcileSpeakerConfig(plan: NodePlan, r: RealisedNode): Promise<void> {
    const node = plan.node;
    const ns = this.nodePlan(node);
    // Without an explicit router ID, bgpd would take the highest loopback address, which here is
    // a Service IP: moving a Service would change the router ID and reset every session. A real
    // node's host addresses are stable; its fabric attachment address stands in for them.
    const stableId = this.rt.lab.cluster?.nodes.find((n) => n.name === node)?.attachments[0]?.address.ip;
    const speakerConfig = plan.speaker
      ? renderSpeaker({ ...plan.speaker, ...(plan.speaker.routerId === undefined && stableId ? { routerId: stableId } : {}) }, { hostname: node })
      : r.speakerConfig !== '' ? unconfiguredRouter(node) : '';
    if (speakerConfig !== r.speakerConfig) {
      const first = r.speakerConfig === '';
      await this.pushConfig(this.speaker(node), ns.ns, speakerConfig, first);
      // With `bgp route-map delay-timer 0`, bgpd applies changed prefix-lists and route-maps but
      // does not re-evaluate routes already sent or held back: a moved Service would never be
      // announced. A soft refresh re-runs the policies without resetting the sessions.
      if (!first) {
        const r2 = await this.speaker(node).vtysh(['clear bgp * soft']);
        if (r2.exitCode !== 0) throw new LabBuildError(`soft refresh on ${node}'s speaker failed: ${(r2.stdout + r2.stderr).trim()}`);
      }
      r.speakerConfig = speakerConfig;
    }
  }

  /** The node's pods and kube-proxy's rules. kube-proxy puts no LoadBalancer IP on an interface: its DNAT rules catch the traffic as it arrives. */
  private async reconcileWorkloads(plan: NodePlan, desired: DesiredState, r: RealisedNode): Promise<void> {
    const node = plan.node;
    const ns = this.nodePlan(node);
    await this.reconcilePods(plan, desired, r);
    const kubeProxy = renderKubeProxy(node, proxiedServices(desired));
    if (kubeProxy !== r.kubeProxy) {
      const file = join(this.rt.names.dir, 'configs', `${ns.ns}.nft`);
      writeFileSync(file, kubeProxy);
      const loaded = await run(inNs(ns.ns, ['nft', '-f', file]), { allowFailure: true });
      if (loaded.exitCode !== 0) throw new LabBuildError(`kube-proxy rules for ${node} (${file}) did not load: ${loaded.stderr.trim()}`);
      r.kubeProxy = kubeProxy;
    }
  }

  /** Creates the node's new pods and removes the ones gone or changed, as the kubelet would. */
  private async reconcilePods(plan: NodePlan, desired: DesiredState, r: RealisedNode): Promise<void> {
    const nodeNs = this.nodePlan(plan.node).ns;
    const node = this.rt.lab.cluster!.nodes.find((n) => n.name === plan.node)!;
    const wanted = desired.pods.filter((p) => p.node === plan.node);
    r.pods ??= [];
    const gone = r.pods.filter((a) => !wanted.some((p) => podKey(p) === a.key && samePod(a, p)));
    for (const a of gone) {
      if (a.server.kind === 'nginx') await stopNginx(a.ns, this.ledger);
      // The lab server's sockets in the pod would keep its namespace, and so the veth, alive.
      else await new EndpointServer(this.rt.names.dir, this.ledger).update((l) => l.ns === a.ns, []);
      await ipBatch(nodeNs, [`link del ${podVeth({ namespace: a.key.split('/')[0]!, name: a.key.split('/')[1]! })}`], { force: true });
      // Deleting the namespace takes the pod's veth, and with it the node's /32 route, along.
      await deleteNamespaces([a.ns]);
      this.ledger.update((d) => {
        d.namespaces = d.namespaces.filter((n) => n !== a.ns);
      });
    }
    r.pods = r.pods.filter((a) => !gone.includes(a));
    for (const p of wanted.filter((w) => !r.pods.some((a) => a.key === podKey(w)))) {
      const ns = podNs(this.rt.names, p);
      this.ledger.addNamespaces([ns]);
      await createNamespaces([ns]);
      const lines = podLinkLines(this.rt.names, p, node);
      await ipBatch(nodeNs, lines.inNode);
      await ipBatch(ns, lines.inPod);
      if (p.server.kind === 'nginx') await startNginx(ns, join(this.rt.names.dir, 'pods', ns), p.server.ports, this.ledger, this.rt.instance);
      r.pods.push({ key: podKey(p), ns, ip: p.ip, image: p.image, server: p.server });
    }
  }

  /**
   * Veth pairs between the node and its PE router: every pair with its node-side addresses in one
   * `ip` run in the node's namespace, then each router-side namespace's addresses in one run each
   * (at once). They used to go one pair at a time in three runs each, because with everything in
   * one batch the speaker's zebra once lost a host-side address (2 of 15 bench runs, zebra 8.4
   * dropping an address that arrives before its link); confirmAddresses now repairs that (it did,
   * for host-e-200, in 1 of 20 measured runs), so the split bought nothing. Records what it adds in
   * `added`.
   */
  private async createHostSessions(nodeNs: string, sessions: readonly { routerNs: string; vrf: string; hs: HostSessionPlan }[], added: AddedAddresses): Promise<void> {
    if (sessions.length === 0) return;
    const addr = (a: { ip: string; prefixLength: number }): string => `${a.ip}/${a.prefixLength}`;
    const side = (ns: string, vrf: string, ifname: string, v4: string | undefined, v6: string | undefined): { lines: string[]; addresses: ExpectedAddress[] } => ({
      lines: [...(v4 ? [`address add ${v4} dev ${ifname}`] : []), ...(v6 ? [`address add ${v6} dev ${ifname} nodad`] : []), `link set ${ifname} up`],
      addresses: [
        ...(v4 ? [{ vrf, ns, ifname, address: v4 }] : []),
        ...(v6 ? [{ vrf, ns, ifname, address: v6, flags: ['nodad'] }] : []),
      ],
    });
    const hostSides = sessions.map(({ hs }) => side(nodeNs, 'default', hs.hostInterface, hs.ipv4 && addr(hs.ipv4.hostSide), hs.ipv6 && addr(hs.ipv6.hostSide)));
    await ipBatch(nodeNs, sessions.flatMap(({ routerNs, hs }, i) => [`link add ${hs.hostInterface} type veth peer name ${hs.routerInterface} netns ${routerNs}`, ...hostSides[i]!.lines]));
    added.speaker.push(...hostSides.flatMap((h) => h.addresses));
    const routerSides = sessions.map(({ routerNs, vrf, hs }) => ({ routerNs, ...side(routerNs, vrf, hs.routerInterface, hs.ipv4 && addr(hs.ipv4.routerSide), hs.ipv6 && addr(hs.ipv6.routerSide)) }));
    const byNs: Batches = new Map();
    for (const r of routerSides) addBatchLines(byNs, r.routerNs, ...r.lines);
    await runBatches(byNs);
    added.pe.push(...routerSides.flatMap((r) => r.addresses));
  }

  private async pushConfig(frr: FrrRouter, ns: string, config: string, first: boolean): Promise<void> {
    const dir = join(this.rt.names.dir, 'configs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${ns}.conf`);
    writeFileSync(file, config);
    if (first) await frr.loadConfig(file);
    else await frr.reloadConfig(file);
  }

  async restartFrr(target: Extract<Target, { kind: 'pe' | 'speaker' }>): Promise<void> {
    const ns = this.nodePlan(target.node);
    const r = this.realised(target.node);
    if (target.kind === 'speaker') {
      await this.rt.stopFrr(ns.ns);
      await this.speaker(target.node).start();
      if (r.speakerConfig) await this.pushConfig(this.speaker(target.node), ns.ns, r.speakerConfig, true);
      return;
    }
    await this.rt.stopFrr(ns.peNs);
    // Recreate the L3VNI devices after zebra knows the VRFs again, or the L3VNI stays down.
    for (const v of r.vrfs) await ipBatch(this.vrfNs(target.node, v.vrf), [`link del ${v.vxlan}`, `link del ${v.bridge}`], { force: true });
    const pe = this.pe(target.node);
    await pe.start();
    if (this.knownVrfs(target.node).length > 0) await pe.waitForVrfs(this.knownVrfs(target.node));
    if (r.peConfig) await this.pushConfig(pe, ns.peNs, r.peConfig, true);
    const plan = (this.ledger.data.desired as DesiredState | undefined)?.nodes.find((n) => n.node === target.node)?.pe as PeRouterPlan | undefined;
    for (const v of r.vrfs) {
      const lines = l3vniDeviceLines(v.vni, r.vtep!, plan!.routerMac, this.vrfNs(target.node, v.vrf), { bridge: v.bridge, vxlan: v.vxlan });
      await ipBatch(ns.peNs, lines.inRouter);
      await ipBatch(this.vrfNs(target.node, v.vrf), lines.inVrf);
    }
  }

  async sessionStates(): Promise<readonly SessionState[]> {
    const desired = this.ledger.data.desired as DesiredState | undefined;
    const out: SessionState[] = [];
    for (const n of desired?.nodes ?? []) {
      if (!n.speaker) continue;
      const raw = await this.rt.vtysh({ kind: 'speaker', node: n.node }, 'show bgp vrf all neighbors json');
      const parsed = JSON.parse(raw || '{}') as Record<string, Record<string, { bgpState?: string }>>;
      // bfdd runs only where a configuration uses BFD; frr-k8s reports N/A for sessions without it.
      const bfd = n.speaker.neighbors.some((nb) => nb.bfdProfile !== undefined)
        ? parseBfdPeers((await this.rt.vtysh({ kind: 'speaker', node: n.node }, 'show bfd peers json')) || '[]')
        : [];
      for (const nb of n.speaker.neighbors) {
        const state = Object.values(parsed).find((vrf) => vrf[nb.address])?.[nb.address]?.bgpState;
        const bfdStatus = nb.bfdProfile === undefined ? 'N/A' : (bfd.find((p) => p.peer === nb.address)?.status ?? 'down');
        out.push({ node: n.node, peer: nb.address, vrf: '', bgpStatus: state ?? 'Idle', bfdStatus });
      }
    }
    return out;
  }

  /** Each realised pod: its node, address and server, for `pelab status`. */
  podStatus(ledger: Ledger, namespaces: ReadonlySet<string>): NodeStatus[] {
    return Object.entries(ledger.data.cluster ?? {}).flatMap(([node, r]) =>
      ((r as RealisedNode).pods ?? []).map((p): NodeStatus => ({
        name: p.key,
        kind: 'pod',
        state: namespaces.has(p.ns) ? 'up' : 'down',
        detail: `on ${node}, ${p.ip}, ${p.server.kind === 'generic' ? `generic server (${p.image})` : p.server.kind} :${p.server.ports.join(',')}`,
      })),
    );
  }

  /** Pods as created (the desired plan carries the addresses the pods were given). */
  async pods(): Promise<readonly PodState[]> {
    const desired = this.ledger.data.desired as DesiredState | undefined;
    return (desired?.pods ?? []).map((p) => ({ namespace: p.namespace, name: p.name, node: p.node, ip: p.ip, labels: p.labels }));
  }

  async services(): Promise<readonly ServiceState[]> {
    const desired = this.ledger.data.desired as DesiredState | undefined;
    return (desired?.services ?? []).map((s) => ({ namespace: s.namespace, name: s.name, externalIPs: s.ips, ...(s.pool ? { pool: s.pool } : {}) }));
  }
}

/** Each Service with its endpoints, as kube-proxy sees them through EndpointSlices. */
function proxiedServices(desired: Pick<DesiredState, 'services' | 'pods'>): ProxiedService[] {
  return desired.services.map((s) => ({
    namespace: s.namespace,
    name: s.name,
    ips: s.ips,
    ports: s.ports,
    externalTrafficPolicy: s.externalTrafficPolicy,
    pods: desired.pods.filter((p) => p.namespace === s.namespace && s.backends.some((b) => b.deployment === p.deployment)),
  }));
}
