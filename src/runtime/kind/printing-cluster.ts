// The dry run's Kubernetes API: every call is printed the way the dry-run prints commands, and
// answered as an empty cluster would (no sessions, services or workload pods) except where the
// runtime looks something up to go on: the nodes carry the node indices the plan pins, so the
// read-back after `up` agrees, and a router or frr-k8s pod asked for by label is a stand-in per
// node (placeholderPodName, phase Unknown: nobody looked). The runtime calls it exactly as it
// calls the real client; it never asks whether it has the printing one.
import { formatApiCall } from './dry-run.ts';
import type { ClusterApi } from './kube.ts';
import { FIELD_MANAGER, placeholderPodName } from './names.ts';

interface PrintedNode {
  readonly name: string;
  readonly index: number;
}

function keyOf(body: Record<string, unknown>): string {
  const meta = (body.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(body.kind)}/${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
}

export class PrintingCluster implements ClusterApi {
  private readonly print: (text: string) => void;
  private readonly nodes: readonly PrintedNode[];
  private readonly indexAnnotation: string;
  private readonly kubeconfig: string;
  private connected = false;

  constructor(print: (text: string) => void, options: { nodes: readonly PrintedNode[]; indexAnnotation: string; kubeconfig: string }) {
    this.print = print;
    this.nodes = options.nodes;
    this.indexAnnotation = options.indexAnnotation;
    this.kubeconfig = options.kubeconfig;
  }

  /** Prints one call; the first also says which API server the real client would talk to. */
  private note(text: string): void {
    if (!this.connected) {
      this.connected = true;
      this.print(formatApiCall('connect to the Kubernetes API server', [`kubeconfig ${this.kubeconfig}`]));
    }
    this.print(text);
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
    // `app=router` -> router: what the stand-in is named after.
    const what = labelSelector?.split('=')[1];
    if (!what) return { items: [] };
    const nodes = this.nodes.filter((n) => node === undefined || n.name === node);
    return {
      items: nodes.map((n) => ({
        metadata: { name: placeholderPodName(what, n.name), namespace, labels: { app: what } },
        spec: { nodeName: n.name },
        status: { phase: 'Unknown' },
      })),
    };
  }

  async listNodes(): Promise<unknown> {
    this.note(formatApiCall(`list nodes (${this.indexAnnotation} of each)`, this.nodes.map((n) => `expected ${n.name}: ${n.index}`)));
    return { items: this.nodes.map((n) => ({ metadata: { name: n.name, annotations: { [this.indexAnnotation]: String(n.index) } } })) };
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    this.note(formatApiCall(`delete pod ${namespace}/${name}`));
  }
}
