// Every place a lab runs something: fabric routers, hosts, and each cluster node's PE router
// and speaker. The same for every runtime, since it follows from the lab alone. Also how a target
// is named in a failure bundle (its folder and its description), the same on every runtime.
import type { Lab } from '../lab/model.ts';
import type { Target } from './runtime.ts';

export function labTargets(lab: Lab): Target[] {
  return [
    ...lab.routers.map((r): Target => ({ kind: 'router', name: r.name })),
    ...lab.hosts.map((h): Target => ({ kind: 'host', name: h.name })),
    ...(lab.cluster?.nodes ?? []).flatMap((n): Target[] => [
      { kind: 'pe', node: n.name },
      { kind: 'speaker', node: n.name },
    ]),
  ];
}

/** A name as a safe file name: no path separators, no leading dot. */
export const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';

/** The directory of a target inside the bundle: routers and hosts by name, cluster nodes by role. */
export function targetDir(t: Target): string {
  switch (t.kind) {
    case 'router':
    case 'host':
      return safeName(t.name);
    case 'pe':
      return `${safeName(t.node)}.pe`;
    case 'speaker':
      return `${safeName(t.node)}.speaker`;
    case 'pod':
      return `pod.${safeName(t.namespace)}.${safeName(t.name)}`;
  }
}

export function describeTarget(t: Target): string {
  if (t.kind === 'pod') return `pod ${t.namespace}/${t.name}`;
  return t.kind === 'router' || t.kind === 'host' ? `${t.kind} ${t.name}` : t.kind === 'pe' ? `PE router on ${t.node}` : `speaker on ${t.node}`;
}
