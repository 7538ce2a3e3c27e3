// A node's MetalLB/frr-k8s speaker as an FRR 8.4 frr.conf: one default-VRF router, and per
// neighbor an outbound route-map that lets through only that neighbor's prefixes (with their
// local preference and communities) and an inbound one for what it may receive.
import { compareAddressText, parseCIDR, parseIP } from '../net/ip.ts';
import type { AdvertisedPrefix, BfdProfilePlan, SpeakerNeighborPlan, SpeakerPlan } from '../k8s/plan.ts';
import { addressFamily, bfdProfiles, configHeader, routerPreamble, sessionLines } from './frr-blocks.ts';
import type { FrrRenderOptions } from './frr-pe.ts';

type Family = 'ipv4' | 'ipv6';

const familyOf = (address: string): Family => (parseIP(address)?.family === 6 ? 'ipv6' : 'ipv4');
const prefixFamily = (prefix: string): Family => (parseCIDR(prefix)?.family === 6 ? 'ipv6' : 'ipv4');
const plKeyword = (f: Family) => (f === 'ipv6' ? 'ipv6' : 'ip');

const outMapName = (n: Pick<SpeakerNeighborPlan, 'address'>) => `${n.address}-out`;
const inMapName = (n: Pick<SpeakerNeighborPlan, 'address'>) => `${n.address}-in`;

/** Prefixes sharing the same attributes go through one prefix-list and route-map entry. */
function groupByAttributes(prefixes: readonly AdvertisedPrefix[]): { attrs: AdvertisedPrefix; prefixes: string[] }[] {
  const groups = new Map<string, { attrs: AdvertisedPrefix; prefixes: string[] }>();
  for (const p of prefixes) {
    const key = JSON.stringify([p.localPref ?? null, p.communities, p.largeCommunities]);
    const g = groups.get(key) ?? { attrs: p, prefixes: [] };
    g.prefixes.push(p.prefix);
    groups.set(key, g);
  }
  // Map order is insertion order, and prefixes arrive sorted: the output is deterministic.
  return [...groups.values()];
}

function outPolicy(n: SpeakerNeighborPlan): string[] {
  const f = familyOf(n.address);
  const map = outMapName(n);
  const groups = groupByAttributes(n.advertise);
  if (groups.length === 0) return [`route-map ${map} deny 1`, 'exit', '!'];
  const lines: string[] = [];
  groups.forEach((g, i) => {
    const pl = `${map}-${i + 1}`;
    g.prefixes.forEach((p, j) => lines.push(`${plKeyword(f)} prefix-list ${pl} seq ${(j + 1) * 5} permit ${p}`));
    lines.push(`route-map ${map} permit ${(i + 1) * 10}`, ` match ${plKeyword(f)} address prefix-list ${pl}`);
    if (g.attrs.localPref !== undefined) lines.push(` set local-preference ${g.attrs.localPref}`);
    if (g.attrs.communities.length > 0) lines.push(` set community ${g.attrs.communities.join(' ')} additive`);
    if (g.attrs.largeCommunities.length > 0) lines.push(` set large-community ${g.attrs.largeCommunities.join(' ')} additive`);
    lines.push('exit', '!');
  });
  return lines;
}

function inPolicy(n: SpeakerNeighborPlan): string[] {
  const f = familyOf(n.address);
  const map = inMapName(n);
  if (n.receive.mode === 'all') return [`route-map ${map} permit 1`, 'exit', '!'];
  // frr-k8s's default: accept nothing.
  if (n.receive.prefixes.length === 0) return [`route-map ${map} deny 1`, 'exit', '!'];
  const pl = `${map}-1`;
  const lines = n.receive.prefixes.map(
    (p, j) => `${plKeyword(f)} prefix-list ${pl} seq ${(j + 1) * 5} permit ${p.prefix}${p.ge !== undefined ? ` ge ${p.ge}` : ''}${p.le !== undefined ? ` le ${p.le}` : ''}`,
  );
  lines.push(`route-map ${map} permit 10`, ` match ${plKeyword(f)} address prefix-list ${pl}`, 'exit', '!');
  return lines;
}

/** bfdd's profiles, as frr-k8s renders them (internal/frr/templates/bfdprofile.tmpl: only the fields a profile sets). */
function bfdProfileLines(profiles: readonly BfdProfilePlan[]): string[] {
  return bfdProfiles(
    profiles.map((p) => ({
      name: p.name,
      settings: [
        ...(p.receiveIntervalMs !== undefined ? [`receive-interval ${p.receiveIntervalMs}`] : []),
        ...(p.transmitIntervalMs !== undefined ? [`transmit-interval ${p.transmitIntervalMs}`] : []),
        ...(p.detectMultiplier !== undefined ? [`detect-multiplier ${p.detectMultiplier}`] : []),
        ...(p.echoMode ? ['echo-mode'] : []),
        // frr-k8s and MetalLB write both directions (bfdprofile.tmpl); `echo-interval` is FRR's deprecated alias.
        ...(p.echoIntervalMs !== undefined ? [`echo receive-interval ${p.echoIntervalMs}`, `echo transmit-interval ${p.echoIntervalMs}`] : []),
        ...(p.passiveMode ? ['passive-mode'] : []),
        ...(p.minimumTtl !== undefined ? [`minimum-ttl ${p.minimumTtl}`] : []),
      ],
    })),
  );
}

export function renderSpeaker(s: SpeakerPlan, options: FrrRenderOptions = {}): string {
  const neighbors = [...s.neighbors].sort((a, b) => compareAddressText(a.address, b.address));
  const lines = configHeader(options.hostname);
  if (s.routeMapDelay0) lines.push('bgp route-map delay-timer 0', '!');
  // Profiles before the neighbors that name them, as FRR's running config lists them.
  lines.push(...bfdProfileLines(s.bfdProfiles ?? []));
  // Policies first: bgpd warns about route-maps referenced before they exist.
  for (const n of neighbors) lines.push(...outPolicy(n), ...inPolicy(n));
  lines.push(`router bgp ${s.asn}`, ...routerPreamble(s.routerId, s.coalesceTimeMs));
  for (const n of neighbors) {
    lines.push(...sessionLines(n.address, n));
    if (n.bfdProfile !== undefined) lines.push(` neighbor ${n.address} bfd`, ` neighbor ${n.address} bfd profile ${n.bfdProfile}`);
    if (n.gracefulRestart) lines.push(` neighbor ${n.address} graceful-restart`);
  }
  for (const f of ['ipv4', 'ipv6'] as const) {
    const af = [
      ...[...s.prefixes].filter((p) => prefixFamily(p) === f).sort(compareAddressText).map((p) => `  network ${p}`),
      ...neighbors
        .filter((n) => familyOf(n.address) === f)
        .flatMap((n) => [`  neighbor ${n.address} activate`, `  neighbor ${n.address} route-map ${inMapName(n)} in`, `  neighbor ${n.address} route-map ${outMapName(n)} out`]),
    ];
    lines.push(...addressFamily(`${f} unicast`, af));
  }
  lines.push('exit', '!');
  return `${lines.join('\n')}\n`;
}
