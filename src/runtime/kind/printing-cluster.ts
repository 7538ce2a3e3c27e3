// The dry run's Kubernetes API: every call is printed the way the dry-run prints commands, and
// answered as an empty cluster would (no sessions, services or pods) except for the nodes, which
// carry the node indices the plan pins, so the read-back after `up` agrees. The runtime calls it
// exactly as it calls the real client; it does not branch on being a dry run for these calls.
import { formatApiCall } from './dry-run.ts';
import type { ClusterApi } from './kube.ts';
import { FIELD_MANAGER } from './names.ts';

export interface PrintedNode {
  readonly name: string;
  readonly index: number;
}

function keyOf(body: Record<string, unknown>): string {
  const meta = (body.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(body.kind)}/${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
}

export class PrintingCluster implements ClusterApi {
  private readonly note: (text: string) => void;
  private readonly nodes: readonly PrintedNode[];
  private readonly indexAnnotation: string;

  constructor(note: (text: string) => void, nodes: readonly PrintedNode[], indexAnnotation: string) {
    this.note = note;
    this.nodes = nodes;
    this.indexAnnotation = indexAnnotation;
  }

  async apply(body: Record<string, unknown>, origin?: string): Promise<void> {
    this.note(formatApiCall(`server-side apply ${keyOf(body)} (${String(body.apiVersion)}, field manager ${FIELD_MANAGER}, force)`, origin ? [`from ${origin}`] : []));
  }

  async remove(body: Record<string, unknown>): Promise<boolean> {
    this.note(formatApiCall(`delete ${keyOf(body)} (${String(body.apiVersion)})`));
    return true;
  }

  async listBgpSessionStates(): Promise<unknown> {
    this.note(formatApiCall('list bgpsessionstates.frrk8s.metallb.io (all namespaces)'));
    return { items: [] };
  }

  async listServices(): Promise<unknown> {
    this.note(formatApiCall('list services (all namespaces)'));
    return { items: [] };
  }

  async listPods(namespace: string, labelSelector?: string, node?: string): Promise<unknown> {
    const detail = [...(labelSelector ? [`labelSelector ${labelSelector}`] : []), ...(node ? [`fieldSelector spec.nodeName=${node}`] : [])];
    this.note(formatApiCall(`list the pods of namespace ${namespace}`, detail));
    return { items: [] };
  }

  async listNodes(): Promise<unknown> {
    this.note(formatApiCall(`list nodes (${this.indexAnnotation} of each)`, this.nodes.map((n) => `expected ${n.name}: ${n.index}`)));
    return { items: this.nodes.map((n) => ({ metadata: { name: n.name, annotations: { [this.indexAnnotation]: String(n.index) } } })) };
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    this.note(formatApiCall(`delete pod ${namespace}/${name}`));
  }
}
