// Pods as kind would run them: each Deployment replica placed on a node (the scheduler), given an
// address from that node's pod CIDR (kindnet's host-local IPAM), and told which server the image
// stands for. Pure: the same Deployments, cluster and previous addresses give the same pods.
import type { Cluster, ClusterNode } from '../lab/model.ts';
import { hostAt, hostNumber, ipv4Network } from '../net/ip.ts';
import type { DeploymentSpec } from './schemas/core.ts';
import type { Obj } from './schemas/index.ts';

/** kind's default `podSubnet`; the controller manager cuts one /24 per node out of it. */
export const POD_SUBNET = '10.244.0.0/16';

/** What runs in a pod, as pelab emulates the image. */
export type PodServer =
  | { readonly kind: 'nginx'; readonly ports: readonly number[] }
  | { readonly kind: 'agnhost-netexec'; readonly ports: readonly number[] }
  | { readonly kind: 'generic'; readonly ports: readonly number[]; readonly image: string };

export interface PodContainerPort {
  readonly name?: string;
  readonly containerPort: number;
}

export interface PodPlan {
  readonly namespace: string;
  readonly name: string;
  readonly deployment: string;
  readonly node: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
  readonly ports: readonly PodContainerPort[];
  readonly server: PodServer;
}

/** A node's pod CIDR: the node index's /24 of POD_SUBNET (node 0, the control plane, gets 10.244.0.0/24). */
export function podCidrOf(node: Pick<ClusterNode, 'index'>): { network: string; gateway: string; prefixLength: 24 } {
  const cidr = ipv4Network(`${hostAt(ipv4Network('10.244.0.0/16'), node.index * 256)}/24`);
  return { network: hostAt(cidr, 0), gateway: hostAt(cidr, 1), prefixLength: 24 };
}

/**
 * Where a Deployment's pods land: kind's control plane is tainted NoSchedule, so workers take
 * them, round robin from the first worker (the control plane only when there is no worker).
 */
export function placePods(replicas: number, cluster: Pick<Cluster, 'nodes'>): string[] {
  const workers = cluster.nodes.filter((n) => n.role === 'worker');
  const pool = workers.length > 0 ? workers : cluster.nodes;
  if (pool.length === 0) return [];
  return Array.from({ length: replicas }, (_, i) => (pool[i % pool.length] as ClusterNode).name);
}

/** agnhost netexec's `--http-port` (default 8080). */
function netexecPorts(args: readonly string[]): number[] {
  const flag = args.find((a) => a.startsWith('--http-port='));
  return [flag ? Number(flag.slice('--http-port='.length)) : 8080];
}

/** Which server stands for the first container's image. */
export function podServerFor(container: { image: string; args?: readonly string[]; command?: readonly string[]; ports?: readonly PodContainerPort[] }): PodServer {
  const repo = container.image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const last = repo.split('/').pop() ?? repo;
  // The nginx image's own configuration listens on 80, whatever containerPort says.
  if (last === 'nginx') return { kind: 'nginx', ports: [80] };
  const args = [...(container.command ?? []), ...(container.args ?? [])].filter((a) => a !== '/agnhost' && a !== 'agnhost');
  if (last === 'agnhost' && args[0] === 'netexec') return { kind: 'agnhost-netexec', ports: netexecPorts(args) };
  return { kind: 'generic', image: container.image, ports: [...new Set((container.ports ?? []).map((p) => p.containerPort))] };
}

/** The warning a pod with an image pelab does not emulate gets. */
export function genericServerWarning(pod: Pick<PodPlan, 'namespace' | 'name' | 'server'>): string | undefined {
  if (pod.server.kind !== 'generic') return undefined;
  const ports = pod.server.ports.length > 0 ? `on container ports ${pod.server.ports.join(', ')}` : 'on no port (the container declares none)';
  return `pod ${pod.namespace}/${pod.name}: image ${pod.server.image} is not emulated; pelab runs its generic echo server ${ports}`;
}

type DeploymentObj = Pick<Obj<DeploymentSpec>, 'name' | 'namespace' | 'spec'>;

/**
 * Every Deployment's pods. Names are `<deployment>-<replica>` (kind's are random: select pods
 * by label for checks that must run on both). Addresses stay with a pod name while it lives,
 * as on kind; new pods take the lowest free address of their node from .2 (.1 is the gateway).
 */
export function planPods(deployments: readonly DeploymentObj[], cluster: Pick<Cluster, 'nodes'>, previous: Readonly<Record<string, string>> = {}): PodPlan[] {
  const wanted = [...deployments]
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
    .flatMap((d) => {
      const container = d.spec.template.spec.containers[0] as DeploymentSpec['template']['spec']['containers'][number] & { args?: string[]; command?: string[] };
      const nodes = placePods(d.spec.replicas ?? 1, cluster);
      return nodes.map((node, i) => ({
        namespace: d.namespace,
        name: `${d.name}-${i}`,
        deployment: d.name,
        node,
        labels: { ...(d.spec.template.metadata?.labels ?? {}) },
        image: container.image,
        ports: (container.ports ?? []).map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.containerPort })),
        server: podServerFor(container),
      }));
    });
  const used = new Map<string, Set<string>>();
  const keep = new Map<string, string>();
  for (const p of wanted) {
    const ip = previous[`${p.namespace}/${p.name}`];
    const node = cluster.nodes.find((n) => n.name === p.node)!;
    if (ip && inPodCidr(ip, node)) {
      keep.set(`${p.namespace}/${p.name}`, ip);
      used.set(p.node, (used.get(p.node) ?? new Set()).add(ip));
    }
  }
  return wanted.map((p) => {
    const key = `${p.namespace}/${p.name}`;
    let ip = keep.get(key);
    if (!ip) {
      const node = cluster.nodes.find((n) => n.name === p.node)!;
      const taken = used.get(p.node) ?? new Set<string>();
      const cidr = ipv4Network(`${podCidrOf(node).network}/24`);
      let host = 2;
      while (host <= 254 && taken.has(hostAt(cidr, host))) host += 1;
      if (host > 254) throw new Error(`node ${p.node}'s pod CIDR has no free address for ${key}`);
      ip = hostAt(cidr, host);
      used.set(p.node, taken.add(ip));
    }
    return { ...p, ip };
  });
}

function inPodCidr(ip: string, node: Pick<ClusterNode, 'index'>): boolean {
  const host = hostNumber(ipv4Network(`${podCidrOf(node).network}/24`), ip);
  return host !== undefined && host > 1 && host < 255;
}

/** The pods a Service's selector picks, in its namespace. */
export function podsOfService(service: { namespace: string; selector?: Readonly<Record<string, string>> }, pods: readonly PodPlan[]): PodPlan[] {
  const sel = service.selector ?? {};
  if (Object.keys(sel).length === 0) return [];
  return pods.filter((p) => p.namespace === service.namespace && Object.entries(sel).every(([k, v]) => p.labels[k] === v));
}
