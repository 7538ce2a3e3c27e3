// kind's node network: the docker network `kind` every node container sits on with `eth0`. It is
// the cluster's own L2 segment: pods on different nodes and kube-proxy's Cluster policy ride on
// it, and MetalLB's L2 mode answers ARP on it for a Service IP. Clients a lab puts there
// (`cluster.l2Clients`) reach Services the way a machine on the same LAN would.
import { hostAt, ipv4Network } from '../net/ip.ts';

/** kind's docker network; nodes get .2, .3, ... in node order (docker hands them out in start order). */
export const NODE_NETWORK = { network: '172.18.0.0', prefixLength: 16 } as const;
export const NODE_NETWORK_CIDR = `${NODE_NETWORK.network}/${NODE_NETWORK.prefixLength}`;
/** docker's gateway on the network (.1): no lab object may take it. */
export const NODE_NETWORK_GATEWAY = hostAt(ipv4Network(NODE_NETWORK_CIDR), 1);
/** The node's interface on the node network, as in a kind node container; a client's too. */
export const NODE_NETWORK_INTERFACE = 'eth0';

export function nodeNetworkAddress(node: { readonly index: number }): string {
  return hostAt(ipv4Network(NODE_NETWORK_CIDR), 2 + node.index);
}

/**
 * A client's address when the lab gives none: the next ones after the nodes', in file order, as
 * docker hands them out to containers started after the kind nodes.
 */
export function defaultClientAddress(nodeCount: number, clientIndex: number): string {
  return hostAt(ipv4Network(NODE_NETWORK_CIDR), 2 + nodeCount + clientIndex);
}
