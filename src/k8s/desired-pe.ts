// What OpenPERouter renders for one node: underlay session, VTEP, router ID, one VRF per
// L3VNI with its host session, and the passthrough session.
import { createHash } from 'node:crypto';
import type { InputError } from '../errors.ts';
import type { ClusterNode } from '../lab/model.ts';
import { errorAt } from './load.ts';
import { manifestKey } from './manifest.ts';
import { cidrHost, cidrLast, formatIP, parseCIDR } from '../net/ip.ts';
import type { HostSessionAddresses, HostSessionPlan, PeL3VniPlan, PeNeighborPlan, PeRouterPlan, RemoteAs } from './plan.ts';
import { selectorMatches } from './schemas/common.ts';
import type { LabelSelector } from './schemas/common.ts';
import type { K8sObjects, Obj } from './schemas/index.ts';
import type { HostSession, UnderlayNeighbor } from './schemas/openperouter.ts';

interface PeTuning {
  readonly connectTimeSeconds: number;
  readonly coalesceTimeMs?: number;
}

const DEFAULT_ROUTER_ID_CIDR = '10.0.0.0/24';
const DEFAULT_VXLAN_PORT = 4789;

/** A locally administered unicast MAC derived from the node name (same name, same MAC). */
export function routerMacFor(nodeName: string): string {
  const h = createHash('sha256').update(`pelab/router-mac/${nodeName}`).digest();
  const bytes = [...h.subarray(0, 6)];
  bytes[0] = ((bytes[0] as number) & 0xfc) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function remoteAs(asn: number | undefined, type: 'External' | 'Internal' | undefined): RemoteAs {
  return asn ?? (type === 'External' ? 'external' : 'internal');
}

function underlayNeighbor(n: UnderlayNeighbor, localAsn: number, tuning: PeTuning): PeNeighborPlan {
  const multihop = n.properties?.find((p) => p.type === 'ebgpMultiHop');
  return {
    address: n.address,
    remoteAs: remoteAs(n.asn, n.type),
    ebgp: n.asn !== undefined ? n.asn !== localAsn : n.type === 'External',
    ...(n.port !== undefined ? { port: n.port } : {}),
    ...(n.password !== undefined ? { password: n.password } : {}),
    ...(multihop ? { ebgpMultihop: multihop.ebgpMultiHop?.ttl ?? true } : {}),
    timers: {
      ...(n.holdTimeSeconds !== undefined ? { holdSeconds: n.holdTimeSeconds, keepaliveSeconds: n.keepaliveTimeSeconds } : {}),
      connectSeconds: n.connectTimeSeconds ?? tuning.connectTimeSeconds,
    },
  };
}

/**
 * Router side = the first address of the CIDR, or the second when the first is a .0 (or ::0);
 * host side = router side + 1 + node index. Same rule for both families.
 */
function hostAddresses(cidrText: string, index: number): { ok: HostSessionAddresses } | { error: string } {
  const c = parseCIDR(cidrText);
  if (!c) return { error: `a CIDR (${cidrText} is not)` };
  const lowBits = c.family === 4 ? 0xffn : 0xffffn;
  const first = (c.network & lowBits) === 0n ? c.network + 1n : c.network;
  const host = first + 1n + BigInt(index);
  if (host > cidrLast(c)) return { error: `a CIDR with room for node index ${index} (${cidrText} ends before the host side would)` };
  return {
    ok: {
      routerSide: { ip: formatIP({ family: c.family, value: first }), prefixLength: c.prefixLength },
      hostSide: { ip: formatIP({ family: c.family, value: host }), prefixLength: c.prefixLength },
    },
  };
}

function hostSessionPlan(
  obj: Obj<unknown>,
  hs: HostSession,
  index: number,
  names: { routerInterface: string; hostInterface: string },
  errors: InputError[],
): HostSessionPlan {
  const fam: { ipv4?: HostSessionAddresses; ipv6?: HostSessionAddresses } = {};
  for (const f of ['ipv4', 'ipv6'] as const) {
    const text = hs.localCIDR[f];
    if (text === undefined) continue;
    const r = hostAddresses(text, index);
    if ('error' in r) errors.push(errorAt(obj.manifest, `spec.hostSession.localCIDR.${f}`, r.error));
    else fam[f] = r.ok;
  }
  return {
    asn: hs.asn,
    remoteAs: remoteAs(hs.hostASN, hs.hostType),
    ebgp: hs.hostASN !== undefined ? hs.hostASN !== hs.asn : hs.hostType === 'External',
    ...fam,
    ...names,
  };
}

/** The PE router of one node, or undefined when no Underlay selects it. */
export function pePlanFor(
  node: ClusterNode,
  labels: Readonly<Record<string, string>>,
  o: K8sObjects,
  tuning: PeTuning,
  errors: InputError[],
): PeRouterPlan | undefined {
  const applies = <T extends { spec: { nodeSelector?: LabelSelector } }>(list: readonly T[]) => list.filter((x) => selectorMatches(x.spec.nodeSelector, labels));
  const underlays = applies(o.underlays);
  const l3vnis = applies(o.l3vnis);
  const passthroughs = applies(o.l3passthroughs);
  for (const [list, kind] of [
    [underlays, 'Underlay'],
    [passthroughs, 'L3Passthrough'],
  ] as const) {
    if (list.length > 1) {
      errors.push(errorAt((list[1] as Obj<unknown>).manifest, 'spec.nodeSelector', `a nodeSelector not overlapping ${kind} ${(list[0] as Obj<unknown>).name}: both select node ${node.name}`));
    }
  }
  const underlay = underlays[0];
  if (!underlay) {
    for (const x of [...l3vnis, ...passthroughs] as Obj<unknown>[]) {
      errors.push(errorAt(x.manifest, 'metadata.name', `an Underlay for node ${node.name} as well (${x.manifest.kind} ${x.name} applies to it but no Underlay does)`));
    }
    return undefined;
  }
  const spec = underlay.spec;
  const at = (path: string, expected: string) => errors.push(errorAt(underlay.manifest, path, expected));

  const interfaces = spec.interfaces.flatMap((itf, i) => {
    const name = itf.networkDevice.interfaceName;
    const att = node.attachments.find((a) => a.interface === name);
    if (!att) {
      at(`spec.interfaces[${i}].networkDevice.interfaceName`, `an interface of node ${node.name} (${name} is not; it has ${node.attachments.map((a) => a.interface).join(', ') || 'none'})`);
      return [];
    }
    return [{ name, switch: att.switch, address: att.address, mac: att.mac }];
  });

  const routerIdCidr = parseCIDR(spec.routerIDCIDR ?? DEFAULT_ROUTER_ID_CIDR);
  const routerIdIp = routerIdCidr ? cidrHost(routerIdCidr, node.index + 1) : undefined;
  if (!routerIdIp) at('spec.routerIDCIDR', `a CIDR with room for node index ${node.index} (router ID = host index+1)`);

  let vtep: string | undefined;
  const tunnel = spec.tunnelEndpoint?.cidrs[0];
  if (tunnel !== undefined) {
    const c = parseCIDR(tunnel);
    const ip = c ? cidrHost(c, node.index) : undefined;
    if (ip) vtep = formatIP(ip);
    else at('spec.tunnelEndpoint.cidrs[0]', `a CIDR with room for node index ${node.index} (VTEP = host index)`);
  }

  const vnis: PeL3VniPlan[] = l3vnis.map((v) => {
    if (vtep === undefined) errors.push(errorAt(v.manifest, 'spec.vni', `an Underlay with tunnelEndpoint.cidrs (Underlay ${underlay.name} has none: VXLAN needs a VTEP)`));
    const hs = v.spec.hostSession;
    return {
      name: v.name,
      vrf: v.spec.vrf,
      vni: v.spec.vni,
      vxlanPort: v.spec.vxlanPort ?? DEFAULT_VXLAN_PORT,
      asn: hs?.asn ?? spec.asn,
      bridge: `br-pe-${v.spec.vni}`,
      vxlan: `vni${v.spec.vni}`,
      ...(hs
        ? { hostSession: hostSessionPlan(v as Obj<unknown>, hs, node.index, { routerInterface: `pe-e-${v.spec.vni}`, hostInterface: `host-e-${v.spec.vni}` }, errors) }
        : {}),
      importRTs: v.spec.importRTs ?? [],
      exportRTs: v.spec.exportRTs ?? [],
    };
  });
  // Interface names are limited to 15 characters: pe-e-<vni> fits up to 10 digits, br-pe-<vni>
  // up to 9. VNIs go to 16777215 (8 digits), so every valid VNI fits.

  let passthrough: PeRouterPlan['passthrough'];
  const pt = passthroughs[0];
  if (pt) {
    if (pt.spec.hostSession.asn !== spec.asn) {
      errors.push(errorAt(pt.manifest, 'spec.hostSession.asn', `the Underlay ASN ${spec.asn}: the passthrough session lives in the default BGP router (pelab does not emulate a different local AS)`));
    }
    passthrough = {
      name: pt.name,
      hostSession: hostSessionPlan(pt as Obj<unknown>, pt.spec.hostSession, node.index, { routerInterface: 'pt-ns', hostInterface: 'pt-host' }, errors),
      connectSeconds: 5,
    };
  }

  return {
    asn: spec.asn,
    routerId: routerIdIp ? formatIP(routerIdIp) : '0.0.0.0',
    routerMac: routerMacFor(node.name),
    ...(vtep !== undefined ? { vtep } : {}),
    interfaces,
    neighbors: spec.neighbors.map((n) => underlayNeighbor(n, spec.asn, tuning)),
    l3vnis: [...vnis].sort((a, b) => a.vni - b.vni),
    ...(passthrough ? { passthrough } : {}),
    ...(tuning.coalesceTimeMs !== undefined ? { coalesceTimeMs: tuning.coalesceTimeMs } : {}),
    sources: [underlay, ...l3vnis, ...passthroughs].map((x) => manifestKey(x.manifest)),
  };
}
