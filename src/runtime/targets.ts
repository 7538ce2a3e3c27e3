// Every place a lab runs something: fabric routers, hosts, and each cluster node's PE router
// and speaker. The same for every runtime, since it follows from the lab alone.
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
