// The FRR configuration blocks every renderer shares (fabric routers, the PE router, the speaker):
// the file header, a VRF's VNI stanza, an address-family, bfdd profiles, and the lines every BGP
// instance and neighbor starts with. One spelling each, so the three configs cannot drift apart.
import type { NeighborTimers, RemoteAs } from '../k8s/plan.ts';

/** The first lines of every frr.conf: the defaults profile spelled out, so `-F` cannot change timers; then global settings. */
export function configHeader(hostname: string | undefined, ...globals: string[]): string[] {
  return ['frr defaults traditional', ...(hostname ? [`hostname ${hostname}`] : []), ...globals, '!'];
}

/** `vrf X` with its L3VNI, before the router blocks that use it. */
export function vrfVniStanza(vrf: string, vni: number): string[] {
  return [`vrf ${vrf}`, ` vni ${vni}`, 'exit-vrf', '!'];
}

/** An address-family inside a router block; nothing when it has no lines. */
export function addressFamily(name: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [' !', ` address-family ${name}`, ...lines, ' exit-address-family'];
}

/** bfdd's `bfd` block with one ` profile` per entry, each holding its (unindented) settings. */
export function bfdProfiles(profiles: readonly { readonly name: string; readonly settings: readonly string[] }[]): string[] {
  if (profiles.length === 0) return [];
  return ['bfd', ...profiles.flatMap((p) => [` profile ${p.name}`, ...p.settings.map((l) => `  ${l}`), ' exit']), 'exit', '!'];
}

/** Session-level lines shared by every neighbor kind (remote-as, port, password, timers). */
export function sessionLines(
  address: string,
  n: { readonly remoteAs: RemoteAs; readonly port?: number; readonly password?: string; readonly ebgpMultihop?: number | boolean; readonly timers?: NeighborTimers },
): string[] {
  const out = [` neighbor ${address} remote-as ${n.remoteAs}`];
  if (n.port !== undefined) out.push(` neighbor ${address} port ${n.port}`);
  if (n.password !== undefined) out.push(` neighbor ${address} password ${n.password}`);
  if (n.ebgpMultihop === true) out.push(` neighbor ${address} ebgp-multihop`);
  else if (typeof n.ebgpMultihop === 'number') out.push(` neighbor ${address} ebgp-multihop ${n.ebgpMultihop}`);
  const t = n.timers;
  if (t?.holdSeconds !== undefined && t.keepaliveSeconds !== undefined) out.push(` neighbor ${address} timers ${t.keepaliveSeconds} ${t.holdSeconds}`);
  if (t?.connectSeconds !== undefined) out.push(` neighbor ${address} timers connect ${t.connectSeconds}`);
  return out;
}

/** The lines every router block of the PE and speaker configs starts with (as frr-k8s and OpenPERouter do). */
export function routerPreamble(routerId: string | undefined, coalesceTimeMs: number | undefined): string[] {
  return [
    ...(routerId !== undefined ? [` bgp router-id ${routerId}`] : []),
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    ...(coalesceTimeMs !== undefined ? [` coalesce-time ${coalesceTimeMs}`] : []),
  ];
}
