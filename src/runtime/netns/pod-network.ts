// The pod network as kind builds it, as pure `ip -batch` lines:
// - the nodes share one L2 network (kind's docker network `kind`), each node on `eth0`;
// - every pod is a namespace with a veth to its node, as kindnet's ptp CNI plugin wires it: the
//   pod has its address /24 with routes via the gateway (.1 of the node's pod CIDR), the node
//   side carries the gateway as a /32 and a /32 route to the pod;
// - each node routes the other nodes' pod CIDRs via their node addresses (kindnet's routes).
import { createHash } from 'node:crypto';
import type { ClusterNode, L2Client } from '../../lab/model.ts';
import { NODE_NETWORK, NODE_NETWORK_INTERFACE, nodeNetworkAddress } from '../../lab/node-network.ts';
import { podCidrOf, type PodPlan } from '../../k8s/pods.ts';
import type { InstanceNames } from './names.ts';

const SWITCH_BRIDGE = 'br0';

/** The namespace standing for kind's docker network (a bridge). */
export function nodeNetworkNs(names: InstanceNames): string {
  return `${names.prefix}kind-network`;
}

export function podNs(names: InstanceNames, pod: Pick<PodPlan, 'namespace' | 'name'>): string {
  return `${names.prefix}pod.${pod.namespace}.${pod.name}`;
}

/** The node-side veth of a pod: `veth` + 8 hex digits, as kindnet names them (stable per pod). */
export function podVeth(pod: Pick<PodPlan, 'namespace' | 'name'>): string {
  return `veth${createHash('sha256').update(`${pod.namespace}/${pod.name}`).digest('hex').slice(0, 8)}`;
}

/** Node network links (phase 1, from the bridge side) and addresses/routes (phase 2). */
export function nodeNetworkLines(names: InstanceNames, nodes: readonly ClusterNode[]): { links: Map<string, string[]>; config: Map<string, string[]> } {
  const bridgeNs = nodeNetworkNs(names);
  const links = new Map<string, string[]>([[bridgeNs, [`link add ${SWITCH_BRIDGE} type bridge stp_state 0`]]]);
  const config = new Map<string, string[]>([[bridgeNs, ['link set lo up', `link set ${SWITCH_BRIDGE} up`]]]);
  for (const n of nodes) {
    const port = `node${n.index}`;
    links.get(bridgeNs)!.push(`link add ${port} type veth peer name ${NODE_NETWORK_INTERFACE} netns ${names.ns(n.name)}`);
    config.get(bridgeNs)!.push(`link set ${port} master ${SWITCH_BRIDGE}`, `link set ${port} up`);
    config.set(names.ns(n.name), [
      `address add ${nodeNetworkAddress(n)}/${NODE_NETWORK.prefixLength} dev ${NODE_NETWORK_INTERFACE}`,
      `link set ${NODE_NETWORK_INTERFACE} up`,
      ...nodes.filter((o) => o.name !== n.name).map((o) => `route add ${podCidrOf(o).network}/24 via ${nodeNetworkAddress(o)} dev ${NODE_NETWORK_INTERFACE}`),
    ]);
  }
  return { links, config };
}

/** Clients on the node network (`cluster.l2Clients`): a veth from the bridge to the client's `eth0`. */
export function l2ClientLines(names: InstanceNames, clients: readonly L2Client[]): { links: Map<string, string[]>; config: Map<string, string[]> } {
  const bridgeNs = nodeNetworkNs(names);
  const links = new Map<string, string[]>([[bridgeNs, []]]);
  const config = new Map<string, string[]>([[bridgeNs, []]]);
  clients.forEach((c, i) => {
    const port = `client${i}`;
    links.get(bridgeNs)!.push(`link add ${port} type veth peer name ${c.interface} address ${c.mac} netns ${names.ns(c.name)}`);
    config.get(bridgeNs)!.push(`link set ${port} master ${SWITCH_BRIDGE}`, `link set ${port} up`);
    config.set(names.ns(c.name), [`address add ${c.address.ip}/${c.address.prefixLength} dev ${c.interface}`, `link set ${c.interface} up`]);
  });
  return { links, config };
}

/** A pod's veth: lines for its node's namespace and for the pod's own namespace. */
export function podLinkLines(names: InstanceNames, pod: Pick<PodPlan, 'namespace' | 'name' | 'ip'>, node: Pick<ClusterNode, 'index'>): { inNode: string[]; inPod: string[] } {
  const veth = podVeth(pod);
  const { gateway, network } = podCidrOf(node);
  return {
    inNode: [
      `link add ${veth} type veth peer name eth0 netns ${podNs(names, pod)}`,
      `address add ${gateway}/32 dev ${veth}`,
      `link set ${veth} up`,
      `route add ${pod.ip}/32 dev ${veth} scope host`,
    ],
    inPod: [
      'link set lo up',
      `address add ${pod.ip}/24 dev eth0 noprefixroute`,
      'link set eth0 up',
      `route add ${gateway}/32 dev eth0 scope link`,
      `route add ${network}/24 via ${gateway} dev eth0`,
      `route add default via ${gateway} dev eth0`,
    ],
  };
}
