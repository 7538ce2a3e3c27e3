// bgp-route: a prefix in a router's BGP table, with the attributes a scenario cares about
// (upstream e2e: `routes[prefix][]` with bestpath && valid and nexthops[].ip). Probed with the
// per-prefix command, the only one that prints communities in FRR 8.4.
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { jsonMatch, formatMismatches, type Mismatch } from '../match.ts';
import { numericCommunity, parseBgpRoutes, type BgpPath } from '../parse/bgp.ts';
import {
  addressRefSchema, describeRef, nodeRefLabel, nodeRefSchema, peerRefSchema, prefixRefSchema, resolveAddress,
  resolvePeer, resolvePrefix, type AddressRef, type NodeRef, type PeerRef, type PrefixRef, type Resolver,
} from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { inVrf, parts, vrfPart, vtyshText } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

/** A next hop: an IP, a peer ref (`{peRouterSide: {vrf: red}}`), or `{vtep: {pe: node}}` for EVPN-imported routes. */
export const nexthopRefSchema = z.union([peerRefSchema, addressRefSchema]);
type NexthopRef = z.infer<typeof nexthopRefSchema>;

export function resolveNexthop(resolver: Resolver, on: NodeRef, ref: NexthopRef, vrf?: string): string {
  if (typeof ref === 'string') return ref;
  if ('service' in ref || 'host' in ref || 'vtep' in ref) return resolveAddress(resolver, ref as AddressRef);
  return resolvePeer(resolver, on, ref as PeerRef, vrf);
}

const bgpRouteParams = z.strictObject({
  on: nodeRefSchema,
  vrf: z.string().min(1).optional(),
  afi: z.enum(['ipv4', 'ipv6']).default('ipv4'),
  prefix: prefixRefSchema,
  present: z.boolean().default(true),
  nexthop: nexthopRefSchema.optional(),
  /** The AS path as FRR prints it, e.g. "64514 64515"; "" for a local route. */
  aspath: z.union([z.string(), z.array(z.number().int())]).optional(),
  /** Standard communities `A:B`; a well-known name (no-export) means its number. */
  communities: z.array(z.string().min(1)).optional(),
  /** Large communities `A:B:C`. */
  largeCommunities: z.array(z.string().regex(/^\d+:\d+:\d+$/, 'a large community A:B:C')).optional(),
  localPref: z.number().int().optional(),
  best: z.boolean().optional(),
  valid: z.boolean().optional(),
  /** Number of paths (ECMP: one per announcing node). */
  paths: z.number().int().min(0).optional(),
});
type BgpRouteParams = z.infer<typeof bgpRouteParams>;

interface PathCriteria {
  readonly nexthop?: string;
  readonly aspath?: string;
  readonly communities?: readonly string[];
  readonly largeCommunities?: readonly string[];
  readonly localPref?: number;
  readonly best?: boolean;
  readonly valid?: boolean;
}

interface BgpRoutePlan {
  readonly target: Target;
  readonly on: string;
  readonly vrf?: string;
  readonly afi: 'ipv4' | 'ipv6';
  readonly prefix: string;
  readonly present: boolean;
  readonly criteria: PathCriteria;
  readonly paths?: number;
}

const normAspath = (a: string | readonly number[]) => (typeof a === 'string' ? a : a.join(' ')).trim().replace(/\s+/g, ' ');

function criteriaText(c: PathCriteria): string {
  return parts(
    c.nexthop !== undefined && `next hop ${c.nexthop}`,
    c.aspath !== undefined && `AS path "${c.aspath}"`,
    c.communities?.length ? `communities ${c.communities.join(' ')}` : undefined,
    c.largeCommunities?.length ? `large communities ${c.largeCommunities.join(' ')}` : undefined,
    c.localPref !== undefined && `local-pref ${c.localPref}`,
    c.best !== undefined && (c.best ? 'best' : 'not best'),
    c.valid !== undefined && (c.valid ? 'valid' : 'not valid'),
  );
}

function expectedText(p: { on: string; vrf?: string | undefined; prefix: string; present: boolean; criteria: PathCriteria; paths?: number | undefined }): string {
  const attrs = criteriaText(p.criteria);
  if (!p.present) return `${p.on} has no BGP route ${p.prefix}${inVrf(p.vrf)}${attrs ? ` with ${attrs}` : ''}`;
  return `${p.on} has BGP route ${p.prefix}${inVrf(p.vrf)}${attrs ? ` with ${attrs}` : ''}${p.paths !== undefined ? `, ${p.paths} path(s)` : ''}`;
}

/** The subset of a condensed path the criteria ask for (matched with the common matcher). */
function expectedSubset(c: PathCriteria): Record<string, unknown> {
  return {
    ...(c.nexthop !== undefined ? { nexthops: [c.nexthop] } : {}),
    ...(c.aspath !== undefined ? { aspath: c.aspath } : {}),
    ...(c.communities?.length ? { communities: c.communities.map(numericCommunity) } : {}),
    ...(c.largeCommunities?.length ? { largeCommunities: [...c.largeCommunities] } : {}),
    ...(c.localPref !== undefined ? { localPref: c.localPref } : {}),
    ...(c.best !== undefined ? { best: c.best } : {}),
    ...(c.valid !== undefined ? { valid: c.valid } : {}),
  };
}

function condensePath(p: BgpPath): Record<string, unknown> {
  return {
    nexthops: p.nexthops,
    aspath: p.aspath,
    best: p.best,
    valid: p.valid,
    ...(p.localPref !== undefined ? { localPref: p.localPref } : {}),
    ...(p.communities.length ? { communities: p.communities } : {}),
    ...(p.largeCommunities.length ? { largeCommunities: p.largeCommunities } : {}),
    ...(p.peer !== undefined ? { peer: p.peer } : {}),
  };
}

export function evaluateBgpRoute(plan: BgpRoutePlan, observed: readonly BgpPath[]): Evaluation {
  const expected = expectedText(plan);
  const paths = observed.filter((p) => p.prefix === plan.prefix);
  const condensed = paths.map(condensePath);
  const shown = paths.length === 0 ? 'absent' : condensed;
  const want = expectedSubset(plan.criteria);
  const results = condensed.map((c) => jsonMatch(want, c));
  const matching = results.filter((m) => m.length === 0).length;
  if (!plan.present) {
    return matching === 0
      ? { ok: true, expected, observed: shown, message: paths.length === 0 ? `${plan.prefix} absent` : `no path of ${plan.prefix} matches` }
      : { ok: false, expected, observed: shown, message: `${plan.prefix} present (${matching} matching path(s))` };
  }
  if (paths.length === 0) return { ok: false, expected, observed: shown, message: `${plan.prefix} absent` };
  if (matching === 0) {
    const closest = results.reduce<Mismatch[] | undefined>((best, m) => (best === undefined || m.length < best.length ? m : best), undefined) ?? [];
    return { ok: false, expected, observed: shown, message: `no path matches: ${formatMismatches(closest)}` };
  }
  if (plan.paths !== undefined && paths.length !== plan.paths) {
    return { ok: false, expected, observed: shown, message: `${paths.length} path(s), expected ${plan.paths}` };
  }
  return { ok: true, expected, observed: shown, message: `${plan.prefix} present (${matching} matching path(s))` };
}

export const bgpRoute: CheckKind<BgpRouteParams, BgpRoutePlan, BgpPath[]> = {
  kind: 'bgp-route',
  params: bgpRouteParams,
  defaultMode: () => 'eventually',
  negative: (p) => !p.present,
  defaults: () => CHECK_DEFAULTS['bgp-route'],
  describe: (p) =>
    expectedText({
      on: nodeRefLabel(p.on),
      vrf: p.vrf,
      prefix: describeRef(p.prefix),
      present: p.present,
      criteria: {
        ...(p.nexthop !== undefined ? { nexthop: describeRef(p.nexthop) } : {}),
        ...(p.aspath !== undefined ? { aspath: normAspath(p.aspath) } : {}),
        ...(p.communities ? { communities: p.communities } : {}),
        ...(p.largeCommunities ? { largeCommunities: p.largeCommunities } : {}),
        ...(p.localPref !== undefined ? { localPref: p.localPref } : {}),
        ...(p.best !== undefined ? { best: p.best } : {}),
        ...(p.valid !== undefined ? { valid: p.valid } : {}),
      },
      paths: p.paths,
    }),
  plan(p, resolver: Resolver) {
    const on = p.on as NodeRef;
    return {
      target: resolver.target(on),
      on: nodeRefLabel(on),
      ...(p.vrf !== undefined ? { vrf: p.vrf } : {}),
      afi: p.afi,
      prefix: resolvePrefix(resolver, p.prefix as PrefixRef),
      present: p.present,
      criteria: {
        ...(p.nexthop !== undefined ? { nexthop: resolveNexthop(resolver, on, p.nexthop, p.vrf) } : {}),
        ...(p.aspath !== undefined ? { aspath: normAspath(p.aspath) } : {}),
        ...(p.communities ? { communities: p.communities } : {}),
        ...(p.largeCommunities ? { largeCommunities: p.largeCommunities } : {}),
        ...(p.localPref !== undefined ? { localPref: p.localPref } : {}),
        ...(p.best !== undefined ? { best: p.best } : {}),
        ...(p.valid !== undefined ? { valid: p.valid } : {}),
      },
      ...(p.paths !== undefined ? { paths: p.paths } : {}),
    };
  },
  async probe(plan, env: ProbeEnv) {
    // An exact prefix with its length: without one FRR answers with the longest match.
    const text = await vtyshText(env.runtime, plan.target, `show bgp${vrfPart(plan.vrf)} ${plan.afi} unicast ${plan.prefix} json`);
    return parseBgpRoutes(text);
  },
  evaluate: evaluateBgpRoute,
};
