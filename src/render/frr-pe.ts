// The OpenPERouter PE router of one node as an FRR 8.4 frr.conf (loadable with `vtysh -f`):
// the default router with the underlay sessions (and the passthrough session), one
// `vrf`/`vni` + `router bgp ... vrf` per L3VNI with its host session.
import { compareAddressText } from '../net/ip.ts';
import type { HostSessionPlan, PeNeighborPlan, PeRouterPlan } from '../k8s/plan.ts';
import { addressFamily, configHeader, routerPreamble, sessionLines, vrfVniStanza } from './frr-blocks.ts';

export interface FrrRenderOptions {
  /** Emitted as `hostname`; FRR 8.4 ignores it when loading, but it labels the file. */
  readonly hostname?: string;
}

const ALLOW_ALL = 'allowall';

function hostNeighbor(hs: HostSessionPlan): { family: 'ipv4' | 'ipv6'; address: string; network: string }[] {
  return [
    ...(hs.ipv4 ? [{ family: 'ipv4' as const, address: hs.ipv4.hostSide.ip, network: `${hs.ipv4.hostSide.ip}/32` }] : []),
    ...(hs.ipv6 ? [{ family: 'ipv6' as const, address: hs.ipv6.hostSide.ip, network: `${hs.ipv6.hostSide.ip}/128` }] : []),
  ];
}

/** A host session: allowall both ways, next-hop-self force only towards an iBGP host. */
function hostSessionAfLines(address: string, hs: HostSessionPlan): string[] {
  return [
    `  neighbor ${address} activate`,
    ...(hs.ebgp ? [] : [`  neighbor ${address} next-hop-self force`]),
    `  neighbor ${address} route-map ${ALLOW_ALL} in`,
    `  neighbor ${address} route-map ${ALLOW_ALL} out`,
  ];
}

function underlayAfLines(neighbors: readonly PeNeighborPlan[]): string[] {
  return neighbors.flatMap((n) => [`  neighbor ${n.address} activate`, ...(n.ebgp ? [`  neighbor ${n.address} allowas-in`] : [])]);
}

function defaultRouter(pe: PeRouterPlan): string[] {
  const neighbors = [...pe.neighbors].sort((a, b) => compareAddressText(a.address, b.address));
  const pt = pe.passthrough;
  const ptNeighbors = pt ? hostNeighbor(pt.hostSession) : [];
  const lines = ['router bgp ' + pe.asn, ...routerPreamble(pe.routerId, pe.coalesceTimeMs)];
  for (const n of neighbors) lines.push(...sessionLines(n.address, n));
  for (const h of ptNeighbors) lines.push(...sessionLines(h.address, { remoteAs: pt!.hostSession.remoteAs, timers: { connectSeconds: pt!.connectSeconds } }));

  const v4Hosts = ptNeighbors.filter((h) => h.family === 'ipv4');
  const v4 = [
    ...(pe.vtep !== undefined ? [`  network ${pe.vtep}/32`] : []),
    ...v4Hosts.map((h) => `  network ${h.network}`),
    ...underlayAfLines(neighbors),
    ...v4Hosts.flatMap((h) => hostSessionAfLines(h.address, pt!.hostSession)),
  ];
  // IPv6 unicast on the underlay only carries a passthrough IPv6 host prefix.
  const v6Hosts = ptNeighbors.filter((h) => h.family === 'ipv6');
  const v6 =
    v6Hosts.length > 0
      ? [...v6Hosts.map((h) => `  network ${h.network}`), ...underlayAfLines(neighbors), ...v6Hosts.flatMap((h) => hostSessionAfLines(h.address, pt!.hostSession))]
      : [];
  const evpn = pe.l3vnis.length > 0 ? [...underlayAfLines(neighbors), ...(pe.vtep !== undefined ? ['  advertise-all-vni'] : [])] : [];
  lines.push(...addressFamily('ipv4 unicast', v4), ...addressFamily('ipv6 unicast', v6), ...addressFamily('l2vpn evpn', evpn), 'exit', '!');
  return lines;
}

function vrfRouter(pe: PeRouterPlan, v: PeRouterPlan['l3vnis'][number]): string[] {
  const hosts = v.hostSession ? hostNeighbor(v.hostSession) : [];
  const lines = [`router bgp ${v.asn} vrf ${v.vrf}`, ...routerPreamble(pe.routerId, pe.coalesceTimeMs)];
  for (const h of hosts) lines.push(...sessionLines(h.address, { remoteAs: v.hostSession!.remoteAs }));
  const af = (family: 'ipv4' | 'ipv6') => {
    const list = hosts.filter((h) => h.family === family);
    return [...list.map((h) => `  network ${h.network}`), ...list.flatMap((h) => hostSessionAfLines(h.address, v.hostSession!))];
  };
  const evpn = [
    '  advertise ipv4 unicast',
    ...(v.hostSession?.ipv6 ? ['  advertise ipv6 unicast'] : []),
    ...[...v.importRTs].sort().map((rt) => `  route-target import ${rt}`),
    ...[...v.exportRTs].sort().map((rt) => `  route-target export ${rt}`),
  ];
  lines.push(...addressFamily('ipv4 unicast', af('ipv4')), ...addressFamily('ipv6 unicast', af('ipv6')), ...addressFamily('l2vpn evpn', evpn), 'exit', '!');
  return lines;
}

export function renderPeRouter(pe: PeRouterPlan, options: FrrRenderOptions = {}): string {
  const lines = configHeader(options.hostname);
  for (const v of pe.l3vnis) lines.push(...vrfVniStanza(v.vrf, v.vni));
  // Defined before use: bgpd warns about route-maps referenced before they exist.
  lines.push(`route-map ${ALLOW_ALL} permit 1`, 'exit', '!');
  lines.push(...defaultRouter(pe));
  for (const v of pe.l3vnis) lines.push(...vrfRouter(pe, v));
  return `${lines.join('\n')}\n`;
}
