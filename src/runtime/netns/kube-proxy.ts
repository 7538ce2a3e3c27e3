// kube-proxy and kindnet's NAT on one emulated node, as an nftables ruleset (pure: rendered here,
// loaded with `nft -f` by the cluster emulator). It follows kube-proxy's nftables mode:
// - a LoadBalancer IP:port is DNATed to one of the Service's endpoints (pod IP:targetPort);
// - `externalTrafficPolicy: Cluster` picks any endpoint in the cluster and marks the packet, and
//   marked packets are masqueraded to the node's outgoing address, so the pod sees the node;
// - `Local` picks only this node's endpoints and keeps the client address; a node without one
//   drops the traffic (MetalLB does not announce from it). Traffic from pods and from the node
//   itself is treated as `Cluster`, as kube-proxy does for Local services;
// - kindnet masquerades pod traffic leaving the pod network (its ip-masq-agent rule).
import type { PodPlan } from '../../k8s/pods.ts';
import { POD_SUBNET } from '../../k8s/pods.ts';

const KUBE_PROXY_TABLE = 'kube-proxy';
/** kube-proxy's masquerade mark bit. */
const MASQ_MARK = '0x4000';

export interface ProxiedService {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly ports: readonly { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly port: number; readonly targetPort: number }[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** Its endpoints' pods (the pods the Service selects). */
  readonly pods: readonly Pick<PodPlan, 'name' | 'node' | 'ip'>[];
}

interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** The endpoints a node may pick for a Service port: all of them, or only its own for `Local`. */
export function endpointsFor(service: ProxiedService, port: ProxiedService['ports'][number], node: string, local: boolean): Endpoint[] {
  return service.pods.filter((p) => !local || p.node === node).map((p) => ({ ip: p.ip, port: port.targetPort }));
}

function chainName(kind: string, s: ProxiedService, protocol: string, port: number): string {
  return `${kind}-${s.namespace}/${s.name}/${protocol.toLowerCase()}/${port}`;
}

// nft identifiers take letters, digits, "-", "_", "/" and "." unquoted (kube-proxy's nftables mode names chains the same way).
const quote = (name: string): string => name;

/** Spreads traffic over endpoints: one DNAT, or a random pick among several. */
// nft maps a port only after a transport protocol match, hence `meta l4proto` before every dnat.
function pickLines(proto: string, endpoints: readonly Endpoint[], noEndpoints: 'drop' | 'reject'): string[] {
  if (endpoints.length === 0) return [noEndpoints === 'drop' ? 'drop' : proto === 'tcp' ? 'reject with tcp reset' : 'reject'];
  if (endpoints.length === 1) return [`meta l4proto ${proto} dnat ip to ${endpoints[0]!.ip}:${endpoints[0]!.port}`];
  const map = endpoints.map((e, i) => `${i} : ${e.ip} . ${e.port}`).join(', ');
  return [`meta l4proto ${proto} dnat ip to numgen random mod ${endpoints.length} map { ${map} }`];
}

/** The whole ruleset for `node`; loading it replaces the previous one atomically. */
export function renderKubeProxy(node: string, services: readonly ProxiedService[]): string {
  const dispatch: string[] = [];
  const chains: string[] = [];
  for (const s of [...services].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
    for (const p of s.ports) {
      if (p.protocol === 'SCTP') continue;
      const proto = p.protocol.toLowerCase();
      const cluster = chainName('svc', s, p.protocol, p.port);
      chains.push(chain(cluster, [`meta mark set meta mark | ${MASQ_MARK}`, ...pickLines(proto, endpointsFor(s, p, node, false), 'reject')]));
      let external = cluster;
      if (s.externalTrafficPolicy === 'Local') {
        external = chainName('ext', s, p.protocol, p.port);
        chains.push(
          chain(external, [
            `ip saddr ${POD_SUBNET} goto ${quote(cluster)}`,
            'fib saddr type local goto ' + quote(cluster),
            ...pickLines(proto, endpointsFor(s, p, node, true), 'drop'),
          ]),
        );
      }
      for (const ip of s.ips.filter((x) => !x.includes(':'))) dispatch.push(`ip daddr ${ip} ${proto} dport ${p.port} goto ${quote(external)}`);
    }
  }
  return [
    `table ip ${KUBE_PROXY_TABLE}`,
    `delete table ip ${KUBE_PROXY_TABLE}`,
    `table ip ${KUBE_PROXY_TABLE} {`,
    chain('services', dispatch),
    ...chains,
    chain('prerouting', ['type nat hook prerouting priority dstnat; policy accept;', 'jump services']),
    chain('output', ['type nat hook output priority -100; policy accept;', 'jump services']),
    chain('postrouting', [
      'type nat hook postrouting priority srcnat; policy accept;',
      `meta mark & ${MASQ_MARK} == ${MASQ_MARK} masquerade fully-random`,
      // kindnet: pods reach the outside world from the node's address; pod-to-pod keeps its own.
      `ip saddr ${POD_SUBNET} ip daddr != ${POD_SUBNET} masquerade fully-random`,
    ]),
    '}',
    '',
  ].join('\n');
}

function chain(name: string, lines: readonly string[]): string {
  return [`  chain ${quote(name)} {`, ...lines.map((l) => `    ${l}`), '  }'].join('\n');
}
