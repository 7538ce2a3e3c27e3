// The roles a node of a lab plays: a fabric router, a host, a cluster node's PE router
// (OpenPERouter) or its speaker (MetalLB/frr-k8s on the node's host side), and a workload pod.
// What a role means is the same on every runtime and lives here once: how people and errors name
// it, its folder in a failure bundle, whether it runs FRR, and how the CLI spells it (`leafA`,
// `pe-kind-worker`, `pe-kind-worker:pe`). Where a role runs (a namespace, a container, a pod) is
// each runtime's placement (netns: NetnsRuntime.nsOf; kind: src/runtime/kind/exec.ts).
import { InputError, LabBuildError } from '../errors.ts';
import type { Lab } from '../lab/model.ts';
import { clusterNode, findL2Client, findObject, host, LookupError, router } from '../lab/query.ts';
import type { Target } from './runtime.ts';

type Role = Target['kind'];
type TargetOf<R extends Role> = Extract<Target, { kind: R }>;

interface RoleFacts<R extends Role> {
  /** How reports and errors name the target: `router leafA`, `PE router on pe-kind-worker`. */
  describe(t: TargetOf<R>): string;
  /** The target's folder inside a failure bundle (a safe file name). */
  bundleDir(t: TargetOf<R>): string;
  /** The lab node it lives on, as the fabric picture names it (a pod's node is the scheduler's). */
  labNode(t: TargetOf<R>): string | undefined;
  readonly runsFrr: boolean;
}

/** A name as a safe file name: no path separators, no leading dot. */
export const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';

const ROLES: { readonly [R in Role]: RoleFacts<R> } = {
  router: { describe: (t) => `router ${t.name}`, bundleDir: (t) => safeName(t.name), labNode: (t) => t.name, runsFrr: true },
  host: { describe: (t) => `host ${t.name}`, bundleDir: (t) => safeName(t.name), labNode: (t) => t.name, runsFrr: false },
  pe: { describe: (t) => `PE router on ${t.node}`, bundleDir: (t) => `${safeName(t.node)}.pe`, labNode: (t) => t.node, runsFrr: true },
  speaker: { describe: (t) => `speaker on ${t.node}`, bundleDir: (t) => `${safeName(t.node)}.speaker`, labNode: (t) => t.node, runsFrr: true },
  pod: {
    describe: (t) => `pod ${t.namespace}/${t.name}`,
    bundleDir: (t) => `pod.${safeName(t.namespace)}.${safeName(t.name)}`,
    labNode: () => undefined,
    runsFrr: false,
  },
};

// Each entry takes the target of its own role; the table is indexed by that same kind.
const factsOf = (t: Target): RoleFacts<Role> => ROLES[t.kind] as RoleFacts<Role>;

export const describeTarget = (t: Target): string => factsOf(t).describe(t);

/** The directory of a target inside the bundle: routers and hosts by name, cluster nodes by role. */
export const targetDir = (t: Target): string => factsOf(t).bundleDir(t);

export const runsFrr = (t: Target): boolean => factsOf(t).runsFrr;

/** The lab node a target lives on (the HTML report marks it in the fabric picture). */
export const labNodeOf = (t: Target): string | undefined => factsOf(t).labNode(t);

/** Throws (lab build error) unless the target runs FRR: vtysh, FRR logs, restart-frr need one. */
export function assertRunsFrr(t: Target): void {
  if (!runsFrr(t)) throw new LabBuildError(`${describeTarget(t)} runs no FRR`);
}

/** Every place a lab runs something, the same for every runtime since it follows from the lab alone. */
export function labTargets(lab: Lab): Target[] {
  return [
    ...lab.routers.map((r): Target => ({ kind: 'router', name: r.name })),
    ...lab.hosts.map((h): Target => ({ kind: 'host', name: h.name })),
    // Clients on the nodes' L2 network run commands the way hosts do.
    ...(lab.cluster?.l2Clients ?? []).map((c): Target => ({ kind: 'host', name: c.name })),
    ...(lab.cluster?.nodes ?? []).flatMap((n): Target[] => [
      { kind: 'pe', node: n.name },
      { kind: 'speaker', node: n.name },
    ]),
  ];
}

/** Throws unless the target names something the lab has (a pod needs a cluster to run in). */
export function assertInLab(lab: Lab, t: Target): void {
  switch (t.kind) {
    case 'router':
      return void router(lab, t.name);
    case 'host':
      return void (findL2Client(lab, t.name) ?? host(lab, t.name));
    case 'pe':
    case 'speaker':
      return void clusterNode(lab, t.node);
    case 'pod':
      if (!lab.cluster) throw new LookupError(`lab ${lab.name} has no cluster to run pod ${t.namespace}/${t.name} in`);
  }
}

/**
 * The target a fault names by node: a fabric router or host is itself; on a cluster node the
 * fault acts on the side given (a link fault on the node's fabric interface, which the PE router
 * owns once an Underlay claims it; dropped traffic on the node's host side, where the speaker is).
 */
export function nodeTarget(lab: Lab, name: string, clusterSide: 'pe' | 'speaker'): Target {
  const obj = findObject(lab, name);
  if (obj?.kind === 'router') return { kind: 'router', name };
  if (obj?.kind === 'host' || obj?.kind === 'l2-client') return { kind: 'host', name };
  if (obj?.kind === 'cluster-node') return { kind: clusterSide, node: name };
  const all = [...lab.routers, ...lab.hosts, ...(lab.cluster?.l2Clients ?? []), ...(lab.cluster?.nodes ?? [])].map((x) => x.name);
  throw new LookupError(`lab ${lab.name} has no router, host or cluster node "${name}" (nodes: ${all.join(', ')})`);
}

/** The CLI's spelling of a target: `leafA`, `hostA_red`, `pe-kind-worker` (its speaker), `pe-kind-worker:pe`. */
export function cliTargetNames(lab: Lab): string[] {
  return [...lab.routers, ...lab.hosts, ...(lab.cluster?.l2Clients ?? [])].map((x) => x.name).concat((lab.cluster?.nodes ?? []).flatMap((n) => [n.name, `${n.name}:pe`]));
}

/** Parses the CLI's `name[:pe]` (`:speaker` is the default for a cluster node). Bad input names every node. */
export function parseTarget(lab: Lab, text: string): Target {
  const [name, side, ...rest] = text.split(':');
  const obj = rest.length === 0 ? findObject(lab, name ?? '') : undefined;
  if (obj?.kind === 'router' && side === undefined) return { kind: 'router', name: obj.router.name };
  if (obj?.kind === 'host' && side === undefined) return { kind: 'host', name: obj.host.name };
  if (obj?.kind === 'l2-client' && side === undefined) return { kind: 'host', name: obj.client.name };
  if (obj?.kind === 'cluster-node' && (side === undefined || side === 'speaker' || side === 'pe')) return { kind: side ?? 'speaker', node: obj.node.name };
  throw new InputError('command line', 'node', `a node of lab ${lab.name}: ${cliTargetNames(lab).join(', ')} (got "${text}")`);
}
