// The Kubernetes API calls the kind runtime makes, behind a small interface so the runtime can be
// tested without a cluster. The real one talks to the kind cluster through @kubernetes/client-node
// with the kubeconfig `kind get kubeconfig` wrote into the work directory.
import {
  ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject,
} from '@kubernetes/client-node';
import { BGP_SESSION_STATE, FIELD_MANAGER } from './names.ts';

export interface ClusterApi {
  /** Server-side apply of one object (pelab's field manager, conflicts forced); origin says which file:line it came from. */
  apply(body: Record<string, unknown>, origin?: string): Promise<void>;
  /** Deletes one object; false when it did not exist. */
  remove(body: Record<string, unknown>): Promise<boolean>;
  listBgpSessionStates(): Promise<unknown>;
  listServices(): Promise<unknown>;
  /** Pods in `namespace` matching `labelSelector`, on `node` when given. */
  listPods(namespace: string, labelSelector?: string, node?: string): Promise<unknown>;
  listNodes(): Promise<unknown>;
  deletePod(namespace: string, name: string): Promise<void>;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiException ? e.code === 404 : (e as { code?: unknown } | null)?.code === 404;
}

/** The API server's own words for a failed call (its Status message), not the client's wrapper. */
export function apiErrorMessage(e: unknown): string {
  if (e instanceof ApiException) {
    const body = e.body as unknown;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
      if (status?.message) return `${e.code}: ${status.message}`;
    } catch {
      // Not JSON: fall through to the raw body.
    }
    return `${e.code}: ${text}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export function clusterApiFromKubeconfig(kubeconfigPath: string): ClusterApi {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  return {
    async apply(body) {
      await objects.patch(body as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    },
    async remove(body) {
      try {
        await objects.delete(body as KubernetesObject);
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
    listBgpSessionStates: () => custom.listClusterCustomObject({ ...BGP_SESSION_STATE }),
    listServices: () => core.listServiceForAllNamespaces(),
    listPods: (namespace, labelSelector, node) =>
      core.listNamespacedPod({
        namespace,
        ...(labelSelector ? { labelSelector } : {}),
        ...(node ? { fieldSelector: `spec.nodeName=${node}` } : {}),
      }),
    listNodes: () => core.listNode(),
    async deletePod(namespace, name) {
      await core.deleteNamespacedPod({ namespace, name });
    },
  };
}
