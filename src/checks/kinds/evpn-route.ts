// evpn-route: a type-5 (IP prefix) or type-2 (MAC/IP) route in a router's l2vpn evpn table, and
// which VNI, route target and VTEP it carries (upstream e2e: RD -> [5]:[0]:[len]:[ip] -> paths
// with nexthops[].ip = VTEP and RT:x:<vni>). A route with the wrong VNI does not count: that is
// the routing-level isolation upstream asserts with `present: false`.
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { formatMismatches, jsonMatch, type Mismatch } from '../match.ts';
import { parseEvpnRoutes, type EvpnPath } from '../parse/evpn.ts';
import { isIP } from '../../net/ip.ts';
import {
  describeRef, nodeRefLabel, nodeRefSchema, prefixRefSchema, resolvePrefix, vtepRefSchema, type NodeRef, type PrefixRef,
  type Resolver, type VtepRef,
} from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { parts, vtyshText } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const mac = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, { message: 'expected a MAC like 02:00:00:00:0a:02' });
const ip = z.string().refine(isIP, { message: 'expected an IP address' });

const evpnRouteParams = z
  .strictObject({
    on: nodeRefSchema,
    type: z.union([z.literal(5), z.literal(2)]).default(5),
    /** Type 5. */
    prefix: prefixRefSchema.optional(),
    /** Type 2. */
    mac: mac.optional(),
    ip: ip.optional(),
    /** The VNI the route must carry; or name the VRF and let the lab say its VNI. */
    vni: z.number().int().min(1).optional(),
    vrf: z.string().min(1).optional(),
    /** `64514:100` or `RT:64514:100`. */
    rt: z.string().regex(/^(RT:)?[\d.]+:\d+$/, { message: 'expected a route target like 64514:100' }).optional(),
    /** The VTEP: an IP, or `{router: leafA}` / `{pe: node}` meaning that one's VTEP. */
    nexthop: z.union([ip, vtepRefSchema]).optional(),
    rmac: mac.optional(),
    present: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    if (p.type === 5 && p.prefix === undefined) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'a type-5 check needs a prefix' });
    if (p.type === 2 && p.mac === undefined && p.ip === undefined) ctx.addIssue({ code: 'custom', path: ['mac'], message: 'a type-2 check needs a mac or an ip' });
    if (p.type === 2 && p.prefix !== undefined) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'prefix is for type 5; use mac/ip for type 2' });
    if (p.vni !== undefined && p.vrf !== undefined) ctx.addIssue({ code: 'custom', path: ['vrf'], message: 'give vni or vrf, not both' });
  });
type EvpnRouteParams = z.infer<typeof evpnRouteParams>;

interface EvpnRoutePlan {
  readonly target: Target;
  readonly on: string;
  readonly type: 5 | 2;
  readonly prefix?: string;
  readonly mac?: string;
  readonly ip?: string;
  readonly vni?: number;
  readonly rt?: string;
  readonly nexthop?: string;
  readonly rmac?: string;
  readonly present: boolean;
}

/** The VNI of a path: `detail` prints it; otherwise the RT's value when all RTs agree. */
function vniOfPath(p: EvpnPath): number | undefined {
  if (p.vni !== undefined) return p.vni;
  const fromRts = new Set(p.rts.map((rt) => Number(rt.split(':').at(-1))));
  return fromRts.size === 1 ? [...fromRts][0] : undefined;
}

function routeText(p: { type: 5 | 2; prefix?: string | undefined; mac?: string | undefined; ip?: string | undefined }): string {
  return p.type === 5 ? `type-5 ${p.prefix ?? '?'}` : `type-2 ${parts(p.mac, p.ip)}`;
}

function criteriaText(p: { vni?: number | string | undefined; rt?: string | undefined; nexthop?: string | undefined; rmac?: string | undefined }): string {
  return parts(
    p.vni !== undefined && `VNI ${p.vni}`,
    p.rt !== undefined && p.rt,
    p.nexthop !== undefined && `VTEP ${p.nexthop}`,
    p.rmac !== undefined && `router MAC ${p.rmac}`,
  );
}

function expectedText(on: string, route: string, present: boolean, criteria: string): string {
  return `${on} ${present ? 'has' : 'has no'} EVPN ${route}${criteria ? ` with ${criteria}` : ''}`;
}

function isRoute(plan: EvpnRoutePlan, p: EvpnPath): boolean {
  if (p.routeType !== plan.type) return false;
  if (plan.type === 5) return p.prefix !== undefined && p.prefix === plan.prefix;
  if (plan.mac !== undefined && p.mac !== plan.mac) return false;
  if (plan.ip !== undefined && p.ip !== plan.ip) return false;
  return true;
}

function condenseEvpnPath(p: EvpnPath): Record<string, unknown> {
  const vni = vniOfPath(p);
  return {
    rd: p.rd,
    ...(p.prefix !== undefined ? { prefix: p.prefix } : {}),
    ...(p.mac !== undefined ? { mac: p.mac } : {}),
    ...(p.routeType === 2 && p.ip !== undefined ? { ip: p.ip } : {}),
    ...(vni !== undefined ? { vni } : {}),
    rts: p.rts,
    nexthops: p.nexthops,
    ...(p.rmac !== undefined ? { rmac: p.rmac } : {}),
    aspath: p.aspath,
    best: p.best,
  };
}

export function evaluateEvpnRoute(plan: EvpnRoutePlan, observed: readonly EvpnPath[]): Evaluation {
  const route = routeText(plan);
  const expected = expectedText(plan.on, route, plan.present, criteriaText(plan));
  const paths = observed.filter((p) => isRoute(plan, p)).map(condenseEvpnPath);
  const shown = paths.length === 0 ? 'absent' : paths;
  const want: Record<string, unknown> = {
    ...(plan.vni !== undefined ? { vni: plan.vni } : {}),
    ...(plan.rt !== undefined ? { rts: [plan.rt] } : {}),
    ...(plan.nexthop !== undefined ? { nexthops: [plan.nexthop] } : {}),
    ...(plan.rmac !== undefined ? { rmac: plan.rmac } : {}),
  };
  const results = paths.map((c) => jsonMatch(want, c));
  const matching = results.filter((m) => m.length === 0).length;
  if (!plan.present) {
    return matching === 0
      ? { ok: true, expected, observed: shown, message: paths.length === 0 ? `${route} absent` : `no path of ${route} matches` }
      : { ok: false, expected, observed: shown, message: `${route} present (${matching} matching path(s))` };
  }
  if (paths.length === 0) return { ok: false, expected, observed: shown, message: `${route} absent` };
  if (matching === 0) {
    const closest = results.reduce<Mismatch[] | undefined>((b, m) => (b === undefined || m.length < b.length ? m : b), undefined) ?? [];
    return { ok: false, expected, observed: shown, message: `no path matches: ${formatMismatches(closest)}` };
  }
  return { ok: true, expected, observed: shown, message: `${route} present (${matching} matching path(s))` };
}

export const evpnRoute: CheckKind<EvpnRouteParams, EvpnRoutePlan, EvpnPath[]> = {
  kind: 'evpn-route',
  params: evpnRouteParams,
  defaultMode: () => 'eventually',
  negative: (p) => !p.present,
  defaults: () => CHECK_DEFAULTS['evpn-route'],
  describe: (p) =>
    expectedText(
      nodeRefLabel(p.on),
      routeText({ type: p.type, prefix: p.prefix !== undefined ? describeRef(p.prefix) : undefined, mac: p.mac, ip: p.ip }),
      p.present,
      criteriaText({
        vni: p.vni ?? (p.vrf !== undefined ? `of ${p.vrf}` : undefined),
        rt: p.rt,
        nexthop: p.nexthop !== undefined ? describeRef(p.nexthop) : undefined,
        rmac: p.rmac,
      }),
    ),
  plan(p, resolver: Resolver) {
    const on = p.on as NodeRef;
    const vni = p.vni ?? (p.vrf !== undefined ? resolver.vni(p.vrf) : undefined);
    return {
      target: resolver.target(on),
      on: nodeRefLabel(on),
      type: p.type,
      ...(p.prefix !== undefined ? { prefix: resolvePrefix(resolver, p.prefix as PrefixRef) } : {}),
      ...(p.mac !== undefined ? { mac: p.mac.toLowerCase() } : {}),
      ...(p.ip !== undefined ? { ip: p.ip } : {}),
      ...(vni !== undefined ? { vni } : {}),
      ...(p.rt !== undefined ? { rt: p.rt.startsWith('RT:') ? p.rt : `RT:${p.rt}` } : {}),
      ...(p.nexthop !== undefined ? { nexthop: typeof p.nexthop === 'string' ? p.nexthop : resolver.vtep(p.nexthop as VtepRef) } : {}),
      ...(p.rmac !== undefined ? { rmac: p.rmac.toLowerCase() } : {}),
      present: p.present,
    };
  },
  async probe(plan, env: ProbeEnv) {
    // `detail` is the only form that prints the VNI of each path.
    const type = plan.type === 5 ? 'prefix' : 'macip';
    return parseEvpnRoutes(await vtyshText(env.runtime, plan.target, `show bgp l2vpn evpn route detail type ${type} json`));
  },
  evaluate: evaluateEvpnRoute,
};
