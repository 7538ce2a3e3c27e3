// MetalLB's layer 2 mode as a pure function: which nodes may answer ARP for a Service IP, in the
// order MetalLB elects them. One node announces at a time; the runtime picks the first candidate
// whose speaker runs (memberlist's view), so a failed speaker hands the IP to the next one.
//
// The rules follow MetalLB's speaker/layer2_controller.go (ShouldAnnounce, speakersForPool,
// nodesWithEndpoint, ipAdvertisementFor):
// - no ready endpoint anywhere: nobody announces;
// - a node is eligible when an L2Advertisement covering the Service's pool selects it
//   (nodeSelectors, empty = all) and, unless the speaker runs with ignoreExcludeLB (pelab installs
//   it so, as the OpenPERouter demos do: METALLB_IGNORE_EXCLUDE_LB), it is not labelled
//   node.kubernetes.io/exclude-from-external-load-balancers;
// - `externalTrafficPolicy: Local`: only eligible nodes with a ready endpoint;
// - the order: eligible nodes sorted by sha256(node name + "#" + first Service IP), bytewise
//   ascending; the first one announces ("sort.Slice(availableNodes, ... sha256.Sum256([]byte(
//   availableNodes[i] + \"#\" + ipString)) ... bytes.Compare(hi[:], hj[:]) < 0") so every speaker
//   computes the same winner and Services sharing an IP share the winner;
// - interfaces: the union of the `interfaces` of the advertisements selecting the node; one
//   without `interfaces` means every interface.
import { createHash } from 'node:crypto';
import { selectorMatches } from './schemas/common.ts';
import type { Obj } from './schemas/index.ts';
import type { IPAddressPoolSpec, L2AdvertisementSpec } from './schemas/metallb.ts';
import { advertisedPools } from './validate.ts';

/** The label kubeadm puts on control-plane nodes; MetalLB skips such nodes unless told otherwise. */
export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/**
 * MetalLB's speaker setting `ignoreExcludeLB` as pelab deploys MetalLB on every runtime (the kind
 * runtime's helm values read it; the OpenPERouter demos set it): nodes labelled
 * EXCLUDE_FROM_LB_LABEL, kind's control plane among them, still announce.
 */
export const METALLB_IGNORE_EXCLUDE_LB = true;

/** A node MetalLB may elect, with the interfaces it would answer on (`all` = every interface). */
export interface L2Candidate {
  readonly node: string;
  readonly interfaces: readonly string[] | 'all';
}

interface L2ServiceInput {
  readonly labels: Readonly<Record<string, string>>;
  readonly ips: readonly string[];
  readonly pool: string;
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** Nodes with a ready endpoint of the Service. */
  readonly endpointNodes: readonly string[];
}

interface L2NodeInput {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** sha256(node + "#" + ip), MetalLB's election key. */
function electionKey(node: string, ip: string): Buffer {
  return createHash('sha256').update(`${node}#${ip}`).digest();
}

/** Nodes in MetalLB's election order for `ip`: the first one announces. */
export function electionOrder(nodes: readonly string[], ip: string): string[] {
  return [...nodes].sort((a, b) => Buffer.compare(electionKey(a, ip), electionKey(b, ip)));
}

/** The L2 candidates of a Service in election order; empty when no node may announce it. */
export function l2Candidates(
  service: L2ServiceInput,
  nodes: readonly L2NodeInput[],
  advertisements: readonly Obj<L2AdvertisementSpec>[],
  pools: readonly Obj<IPAddressPoolSpec>[],
): L2Candidate[] {
  const first = service.ips[0];
  if (first === undefined || service.endpointNodes.length === 0) return [];
  const covering = advertisements.filter(
    (adv) =>
      advertisedPools(adv, pools).some((p) => p.name === service.pool) &&
      ((adv.spec.serviceSelectors ?? []).length === 0 || (adv.spec.serviceSelectors ?? []).some((s) => selectorMatches(s, service.labels))),
  );
  const interfacesOn = new Map<string, readonly string[] | 'all'>();
  for (const node of nodes) {
    if (!METALLB_IGNORE_EXCLUDE_LB && Object.hasOwn(node.labels, EXCLUDE_FROM_LB_LABEL)) continue;
    if (service.externalTrafficPolicy === 'Local' && !service.endpointNodes.includes(node.name)) continue;
    const selecting = covering.filter((adv) => (adv.spec.nodeSelectors ?? []).length === 0 || (adv.spec.nodeSelectors ?? []).some((s) => selectorMatches(s, node.labels)));
    if (selecting.length === 0) continue;
    interfacesOn.set(
      node.name,
      selecting.some((adv) => (adv.spec.interfaces ?? []).length === 0) ? 'all' : [...new Set(selecting.flatMap((adv) => adv.spec.interfaces ?? []))].sort(),
    );
  }
  return electionOrder([...interfacesOn.keys()], first).map((node) => ({ node, interfaces: interfacesOn.get(node)! }));
}
