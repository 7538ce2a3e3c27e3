// Names a scenario's checks use that neither the lab nor any manifest of the scenario defines:
// a misspelt Service or VRF would otherwise only show as a check that waits out its deadline.
// Routers, hosts and cluster nodes are checked by the resolver when each check is planned.
import type { Manifest } from '../k8s/manifest.ts';
import type { Lab } from '../lab/model.ts';
import type { PathSegment } from '../yaml/path.ts';

interface DanglingReference {
  /** Path inside the check's parameters. */
  readonly path: readonly PathSegment[];
  readonly message: string;
}

interface KnownNames {
  /** `namespace/name` of every Service the scenario's manifests define. */
  readonly services: ReadonlySet<string>;
  /** Lab VRFs, L3VNI VRFs of the manifests, and `default`. */
  readonly vrfs: ReadonlySet<string>;
}

export function knownNames(lab: Lab, manifests: readonly Manifest[]): KnownNames {
  const services = new Set<string>();
  const vrfs = new Set<string>(['default', ...lab.vrfs.map((v) => v.name)]);
  for (const m of manifests) {
    if (m.kind === 'Service') services.add(`${m.metadata.namespace ?? 'default'}/${m.metadata.name}`);
    const vrf = (m.spec as { vrf?: unknown } | undefined)?.vrf;
    if (m.kind === 'L3VNI' && typeof vrf === 'string') vrfs.add(vrf);
  }
  return { services, vrfs };
}

/** Every `service:` and `vrf:` value in a check's parameters that is not defined. */
export function danglingReferences(params: unknown, known: KnownNames, path: PathSegment[] = []): DanglingReference[] {
  if (Array.isArray(params)) return params.flatMap((v, i) => danglingReferences(v, known, [...path, i]));
  if (!params || typeof params !== 'object') return [];
  const out: DanglingReference[] = [];
  for (const [key, value] of Object.entries(params)) {
    const at = [...path, key];
    if (key === 'service' && typeof value === 'string' && !known.services.has(value)) {
      out.push({ path: at, message: `a Service defined by the scenario's manifests (no Service "${value}"; defined: ${[...known.services].sort().join(', ') || 'none'})` });
    } else if (key === 'vrf' && typeof value === 'string' && !known.vrfs.has(value)) {
      out.push({ path: at, message: `a VRF of the lab or of an L3VNI in the scenario's manifests (no VRF "${value}"; known: ${[...known.vrfs].sort().join(', ')})` });
    } else out.push(...danglingReferences(value, known, at));
  }
  return out;
}
