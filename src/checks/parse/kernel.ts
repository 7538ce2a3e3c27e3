// iproute2's JSON (`ip -j route show`, `ip -j -d link`; verified with iproute2 6.1).
import { arr, isObject, num, objectOf, parseJsonOutput, str, type JsonObject } from './json.ts';
import { normalizePrefix } from './prefix.ts';

export interface KernelNexthop {
  readonly gateway?: string;
  readonly dev?: string;
  readonly onlink: boolean;
  readonly weight?: number;
}

export interface KernelRoute {
  /** Normalised: the kernel prints a host route as a bare address and the default as `default`. */
  readonly prefix: string;
  /** unicast unless ip says otherwise (blackhole, unreachable, local, ...). */
  readonly type: string;
  readonly protocol?: string;
  readonly table?: string;
  readonly metric?: number;
  /** One per path; multipath routes list several. */
  readonly nexthops: readonly KernelNexthop[];
}

function nexthopOf(o: JsonObject): KernelNexthop {
  const gateway = str(o['gateway']);
  const dev = str(o['dev']);
  const weight = num(o['weight']);
  return {
    ...(gateway !== undefined ? { gateway } : {}),
    ...(dev !== undefined ? { dev } : {}),
    onlink: arr(o['flags']).includes('onlink'),
    ...(weight !== undefined ? { weight } : {}),
  };
}

function jsonArray(text: string, what: string): JsonObject[] {
  // `ip -j` prints nothing at all (not `[]`) in some versions when nothing matches.
  if (text.trim() === '') return [];
  const json = parseJsonOutput(text, what);
  return arr(json).filter(isObject);
}

export function parseIpRoutes(text: string): KernelRoute[] {
  return jsonArray(text, 'ip -j route').map((r) => {
    const protocol = str(r['protocol']);
    const table = str(r['table']);
    const metric = num(r['metric']);
    const multipath = arr(r['nexthops']).filter(isObject);
    const nexthops = multipath.length > 0 ? multipath.map(nexthopOf) : r['gateway'] !== undefined || r['dev'] !== undefined ? [nexthopOf(r)] : [];
    return {
      prefix: normalizePrefix(str(r['dst']) ?? 'default'),
      type: str(r['type']) ?? 'unicast',
      ...(protocol !== undefined ? { protocol } : {}),
      ...(table !== undefined ? { table } : {}),
      ...(metric !== undefined ? { metric } : {}),
      nexthops,
    };
  });
}

interface KernelLink {
  readonly name: string;
  readonly kind?: string;
  readonly operstate?: string;
  /** Administratively up (the UP flag). */
  readonly up: boolean;
  readonly mac?: string;
  readonly mtu?: number;
  readonly master?: string;
  readonly vxlan?: { readonly id?: number; readonly local?: string; readonly port?: number; readonly learning?: boolean };
}

export function parseIpLinks(text: string): KernelLink[] {
  return jsonArray(text, 'ip -j link').map((l) => {
    const info = objectOf(l['linkinfo']);
    const kind = str(info['info_kind']);
    const data = objectOf(info['info_data']);
    const operstate = str(l['operstate']);
    const mac = str(l['address']);
    const mtu = num(l['mtu']);
    const master = str(l['master']);
    const id = num(data['id']);
    const local = str(data['local']);
    const port = num(data['port']);
    return {
      name: str(l['ifname']) ?? '',
      ...(kind !== undefined ? { kind } : {}),
      ...(operstate !== undefined ? { operstate } : {}),
      up: arr(l['flags']).includes('UP'),
      ...(mac !== undefined ? { mac } : {}),
      ...(mtu !== undefined ? { mtu } : {}),
      ...(master !== undefined ? { master } : {}),
      ...(kind === 'vxlan'
        ? {
            vxlan: {
              ...(id !== undefined ? { id } : {}),
              ...(local !== undefined ? { local } : {}),
              ...(port !== undefined ? { port } : {}),
              ...(typeof data['learning'] === 'boolean' ? { learning: data['learning'] } : {}),
            },
          }
        : {}),
    };
  });
}
