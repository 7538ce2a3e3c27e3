// Where things live in the real lab: container names, namespaces, labels and containers of the
// upstream charts, the work directory. Every name that reaches a command is checked here first,
// so an argv can never carry something that looks like an option or a path.
import { resolve } from 'node:path';
import { clabLabName } from '../../render/clab.ts';
import type { Lab } from '../../lab/model.ts';

/**
 * OpenPERouter's router DaemonSet. The e2e suite selects its pods with `app=router` in
 * `openperouter-system` and runs commands in container `frr` through
 * `nsenter --net=/var/run/netns/perouter`: FRR itself is started inside that named netns, while
 * `kubectl exec` lands in the pod's (host) network namespace.
 */
export const OPENPEROUTER = {
  namespace: 'openperouter-system',
  routerSelector: 'app=router',
  frrContainer: 'frr',
  netnsPath: '/var/run/netns/perouter',
} as const;

/** frr-k8s DaemonSet: one pod per node, `app=frr-k8s`, FRR in container `frr`, host network. */
export const FRRK8S = {
  namespace: 'frr-k8s-system',
  selector: 'app=frr-k8s',
  frrContainer: 'frr',
} as const;

export const METALLB = {
  namespace: 'metallb-system',
} as const;

/** BGPSessionState: frrk8s.metallb.io/v1beta1, plural bgpsessionstates (see the frr-k8s CRD). */
export const BGP_SESSION_STATE = { group: 'frrk8s.metallb.io', version: 'v1beta1', plural: 'bgpsessionstates' } as const;

/** The field manager pelab's server-side applies use, so its fields can be told apart. */
export const FIELD_MANAGER = 'pelab';

const INSTANCE = /^[a-z][a-z0-9-]{0,19}$/;
// Docker container names: [a-zA-Z0-9][a-zA-Z0-9_.-]+. Lab names are narrower than that already.
const CONTAINER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// RFC 1123 subdomain, what Kubernetes allows for pod and node names.
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const VRF = /^[A-Za-z][A-Za-z0-9_-]{0,14}$/;

function check(re: RegExp, what: string, value: string): string {
  if (!re.test(value)) throw new Error(`invalid ${what} ${JSON.stringify(value)}`);
  return value;
}

export const assertInstance = (s: string): string => check(INSTANCE, 'lab instance name (lowercase letters, digits, "-", at most 20)', s);
export const assertContainer = (s: string): string => check(CONTAINER, 'container name', s);
export const assertK8sName = (s: string): string => check(K8S_NAME, 'Kubernetes object name', s);
export const assertIfName = (s: string): string => check(IFNAME, 'interface name', s);
export const assertVrf = (s: string): string => check(VRF, 'VRF name', s);

/**
 * The name the dry run's cluster client (printing-cluster.ts) gives a pod it did not look up, e.g.
 * `<router-pod-on-pe-kind-worker>`: the angle brackets can never be part of a real pod's name, so
 * a printed command that carries one cannot be mistaken for one that names a real pod.
 */
export function placeholderPodName(what: string, node: string): string {
  return `<${what}-pod-on-${node}>`;
}

/** A pod name for kubectl's argv: a real one is checked; a dry-run stand-in is printed as it is. */
export function podNameArg(name: string): string {
  return /^<[^<>]+>$/.test(name) ? name : assertK8sName(name);
}

/** containerlab names every node container `clab-<lab>-<node>`. */
export function clabContainer(lab: Lab, node: string): string {
  return assertContainer(`clab-${clabLabName(lab)}-${node}`);
}

/** A kind node's container is named like the Kubernetes node (see render/kind-config.ts). */
export function kindNodeContainer(node: string): string {
  return assertContainer(assertK8sName(node));
}

/** `.pelab/kind/<instance>` under the directory pelab runs in. */
export function defaultWorkDir(instance: string, cwd: string = process.cwd()): string {
  return resolve(cwd, '.pelab', 'kind', assertInstance(instance));
}

export interface WorkFiles {
  readonly dir: string;
  readonly topology: string;
  readonly kindConfig: string;
  readonly kubeconfig: string;
  readonly namespaces: string;
  /** What pelab applied through this instance, for status() and cross-object validation. */
  readonly applied: string;
  /** The lab file this instance was built from, so later commands (down, status, exec) can rebuild it. */
  readonly labRecord: string;
  routerDir(router: string): string;
}

/** Contents of WorkFiles.labRecord. */
export interface LabRecord {
  /** Absolute path of the lab file. */
  readonly lab: string;
  readonly name: string;
}

export function workFiles(dir: string): WorkFiles {
  return {
    dir,
    topology: resolve(dir, 'topology.clab.yaml'),
    kindConfig: resolve(dir, 'kind.yaml'),
    kubeconfig: resolve(dir, 'kubeconfig'),
    namespaces: resolve(dir, 'namespaces.yaml'),
    applied: resolve(dir, 'applied.json'),
    labRecord: resolve(dir, 'lab.json'),
    routerDir: (router) => resolve(dir, router),
  };
}
