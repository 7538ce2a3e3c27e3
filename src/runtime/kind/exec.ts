// Where a command runs in the real lab, as argv. Fabric routers and hosts are containerlab
// containers (docker exec). The PE is OpenPERouter's router pod on the node: kubectl exec into
// its `frr` container, then nsenter into the named netns `perouter` where FRR and the VRFs live
// (how upstream's e2e executor does it; kubectl exec alone lands in the host network). The
// speaker is the frr-k8s pod's `frr` container on the node (host network).
import type { Lab } from '../../lab/model.ts';
import { assertInLab } from '../roles.ts';
import type { Target } from '../runtime.ts';
import { assertContainer, assertK8sName, assertVrf, clabContainer, FRRK8S, OPENPEROUTER, podNameArg } from './names.ts';

/**
 * The kind placement of the cluster-node roles: the pod on the node (namespace, label selector),
 * the container FRR runs in, and for the PE the netns inside it. Routers and hosts are
 * containerlab containers; workload pods are themselves.
 */
export const POD_PLACEMENT = {
  pe: {
    namespace: OPENPEROUTER.namespace, selector: OPENPEROUTER.routerSelector, container: OPENPEROUTER.frrContainer,
    netns: OPENPEROUTER.netnsPath as string | undefined, podWord: 'router', what: 'OpenPERouter router',
  },
  speaker: {
    namespace: FRRK8S.namespace, selector: FRRK8S.selector, container: FRRK8S.frrContainer,
    netns: undefined as string | undefined, podWord: 'frr-k8s', what: 'frr-k8s',
  },
} as const;

export interface PodExecContext {
  readonly kubeconfig: string;
  /** The router (pe) or frr-k8s (speaker) pod on the target's node, as the cluster client named it. */
  readonly pod: string;
}

interface ExecArgvOptions {
  readonly vrf?: string;
  /** stdin is fed to the command (docker/kubectl need -i for that). */
  readonly stdin?: boolean;
}

/**
 * `ip vrf exec <vrf>`: sockets of the command are bound to the VRF device. Only in the fabric's
 * containers, which are privileged: it creates a cgroup and attaches a BPF program.
 */
export function vrfPrefix(vrf: string | undefined): string[] {
  return vrf === undefined ? [] : ['ip', 'vrf', 'exec', assertVrf(vrf)];
}

const IP_OBJECTS: Readonly<Record<string, 'link' | 'address' | 'route' | 'neigh'>> = {
  l: 'link', link: 'link',
  a: 'address', addr: 'address', address: 'address',
  r: 'route', ro: 'route', route: 'route',
  n: 'neigh', neigh: 'neigh', neighbor: 'neigh', neighbour: 'neigh',
};
const SHOW = new Set(['show', 'list', 'lst', 'ls', 'sh']);

/** A command that cannot be scoped to a VRF inside an unprivileged pod. */
export class PodVrfRefused extends Error {
  override readonly name = 'PodVrfRefused';
}

/**
 * The pod form of "this command in VRF <vrf>". The router and frr-k8s containers are not
 * privileged (capabilities dropped, read-only cgroup fs), so `ip vrf exec` fails there; upstream's
 * e2e reads VRF state with iproute2's own `vrf NAME` selector instead. That selector exists for
 * `ip link|address|route|neigh show`; any other command with a VRF is refused with the reason.
 * A `table X` on a route listing is replaced: the VRF names its table.
 */
function podVrfArgv(argv: readonly string[], vrf: string): string[] {
  const name = assertVrf(vrf);
  const refuse = (): never => {
    throw new PodVrfRefused(
      `\`${argv.join(' ')}\` in vrf ${name}: on a pod target only \`ip [-opts] link|address|route|neigh [show …]\` can be scoped to a VRF (\`ip vrf exec\` needs privileges the router pod does not have)`,
    );
  };
  if (argv[0] !== 'ip') return refuse();
  let i = 1;
  while (i < argv.length && argv[i]!.startsWith('-')) i++;
  const object = IP_OBJECTS[argv[i] ?? ''];
  if (!object) return refuse();
  const head = [...argv.slice(0, i), argv[i]!];
  let rest = argv.slice(i + 1);
  if (rest.length > 0 && SHOW.has(rest[0]!)) rest = rest.slice(1);
  else if (rest.length > 0) return refuse();
  const out: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    if (rest[k] === 'table' || rest[k] === 'vrf') {
      k++;
      continue;
    }
    out.push(rest[k]!);
  }
  return [...head, 'show', 'vrf', name, ...out];
}

function containerExecArgv(container: string, argv: readonly string[], options: ExecArgvOptions = {}): string[] {
  if (argv.length === 0) throw new Error('exec: empty command');
  return ['docker', 'exec', ...(options.stdin ? ['-i'] : []), assertContainer(container), ...vrfPrefix(options.vrf), ...argv];
}

function kubeconfigOf(ctx: PodExecContext | undefined): string[] {
  if (!ctx) throw new Error('exec in a pod needs the kubeconfig');
  return ['--kubeconfig', ctx.kubeconfig];
}

function podExecArgv(ctx: PodExecContext, namespace: string, container: string, inner: readonly string[], stdin: boolean): string[] {
  return [
    'kubectl', '--kubeconfig', ctx.kubeconfig, 'exec', ...(stdin ? ['-i'] : []),
    '-n', namespace, podNameArg(ctx.pod), '-c', container, '--', ...inner,
  ];
}

/**
 * The argv that runs `argv` on `target`. Pod targets need the pod (resolved from the API first).
 */
export function execArgv(lab: Lab, target: Target, argv: readonly string[], options: ExecArgvOptions = {}, pod?: PodExecContext): string[] {
  assertInLab(lab, target);
  if (argv.length === 0) throw new Error('exec: empty command');
  switch (target.kind) {
    case 'router':
    case 'host':
      return containerExecArgv(clabContainer(lab, target.name), argv, options);
    case 'pe':
    case 'speaker': {
      const place = POD_PLACEMENT[target.kind];
      if (!pod) throw new Error(`no ${place.podWord} pod known on ${target.node}`);
      const inVrf = options.vrf === undefined ? [...argv] : podVrfArgv(argv, options.vrf);
      const inner = place.netns === undefined ? inVrf : ['nsenter', `--net=${place.netns}`, ...inVrf];
      return podExecArgv(pod, place.namespace, place.container, inner, options.stdin ?? false);
    }
    case 'pod':
      // A workload pod: kubectl exec into its first container (it must ship the command, e.g. curl).
      if (options.vrf !== undefined) throw new Error(`pod ${target.namespace}/${target.name} has no VRF ${options.vrf}`);
      return [
        'kubectl', ...(kubeconfigOf(pod)), 'exec', ...(options.stdin ? ['-i'] : []),
        '-n', assertK8sName(target.namespace), assertK8sName(target.name), '--', ...argv,
      ];
  }
}

export function vtyshArgv(command: string): string[] {
  if (command.trim() === '') throw new Error('vtysh: empty command');
  return ['vtysh', '-c', command];
}

export function linkArgv(iface: string, state: 'up' | 'down'): string[] {
  return ['ip', 'link', 'set', 'dev', iface, state];
}

/**
 * Restarting a fabric router's FRR: its container's PID 1 is tini -> docker-start -> watchfrr,
 * so restarting the container or watchfrr would stop the container and take containerlab's
 * veths with it. Killing bgpd makes watchfrr start it again, which drops and re-forms every
 * session like a daemon crash does.
 */
export const ROUTER_RESTART = {
  kill: ['pkill', '-KILL', '-x', 'bgpd'],
  pid: ['pgrep', '-x', 'bgpd'],
  /** Re-applies /etc/frr/frr.conf in case the restarted bgpd came back without it. */
  reload: ['vtysh', '-b'],
  runningConfig: ['vtysh', '-c', 'show running-config'],
} as const;
