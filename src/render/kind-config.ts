// kind cluster config (kind.x-k8s.io/v1alpha4) for a lab's cluster. containerlab's k8s-kind node
// reads it as its startup-config and creates the cluster itself.
import type { Cluster, ClusterNodeRole, Lab } from '../lab/model.ts';

export interface KindConfigOptions {
  /** kindest/node image for every node; kind's built-in default when absent. */
  readonly nodeImage?: string;
  /** Raw containerd config patches (e.g. a local registry mirror), passed through as is. */
  readonly containerdConfigPatches?: readonly string[];
}

export interface KindNode {
  role: ClusterNodeRole;
  image?: string;
}

export interface KindCluster {
  kind: 'Cluster';
  apiVersion: 'kind.x-k8s.io/v1alpha4';
  name: string;
  networking: { ipFamily: 'dual'; disableDefaultCNI: boolean };
  nodes: KindNode[];
  containerdConfigPatches?: string[];
}

/**
 * The container names kind gives the nodes, in config order: `<cluster>-<role>` for the first of
 * a role, then `<cluster>-<role>2`, `<cluster>-<role>3`, ...
 */
export function kindContainerNames(cluster: Cluster): string[] {
  const seen = new Map<ClusterNodeRole, number>();
  return cluster.nodes.map((n) => {
    const count = (seen.get(n.role) ?? 0) + 1;
    seen.set(n.role, count);
    return `${cluster.name}-${n.role}${count === 1 ? '' : String(count)}`;
  });
}

/**
 * The Kubernetes node name of a kind node is its container name, and containerlab finds the
 * containers by the same name. A lab whose node names differ could not be found in either.
 */
export function assertKindNodeNames(lab: Lab): Cluster {
  const cluster = lab.cluster;
  if (!cluster) throw new Error(`lab ${lab.name} has no cluster: nothing to render for kind`);
  const expected = kindContainerNames(cluster);
  const wrong = cluster.nodes
    .map((n, i) => ({ actual: n.name, expected: expected[i]! }))
    .filter((x) => x.actual !== x.expected);
  if (wrong.length > 0) {
    const list = wrong.map((w) => `"${w.actual}" must be "${w.expected}"`).join(', ');
    throw new Error(`${lab.source}: cluster ${cluster.name}: kind names node containers <cluster>-<role>[N] in order; ${list}`);
  }
  return cluster;
}

export function renderKindConfig(lab: Lab, options: KindConfigOptions = {}): KindCluster {
  const cluster = assertKindNodeNames(lab);
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cluster.name,
    // dual stack like the upstream lab; kind's default CNI (kindnet) stays: OpenPERouter and
    // MetalLB sit beside the CNI, they do not replace it.
    networking: { ipFamily: 'dual', disableDefaultCNI: false },
    nodes: cluster.nodes.map((n) => ({ role: n.role, ...(options.nodeImage ? { image: options.nodeImage } : {}) })),
    ...(options.containerdConfigPatches?.length ? { containerdConfigPatches: [...options.containerdConfigPatches] } : {}),
  };
}
