// kernel-route: what the kernel will actually forward with (FRR's RIB can say installed while the
// kernel disagrees). `ip -j route show [table N] <prefix>` in the target, inside the VRF if given.
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { parseIpRoutes, type KernelRoute } from '../parse/kernel.ts';
import {
  describeRef, nodeRefLabel, nodeRefSchema, prefixRefSchema, resolvePrefix, type NodeRef, type PrefixRef, type Resolver,
} from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { nexthopRefSchema, resolveNexthop } from './bgp-route.ts';
import { inVrf, parts } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const kernelRouteParams = z.strictObject({
  on: nodeRefSchema,
  vrf: z.string().min(1).optional(),
  table: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
  prefix: prefixRefSchema,
  present: z.boolean().default(true),
  /** A gateway: IP, peer ref, or `{vtep: {pe: node}}` for a route through the fabric. */
  via: nexthopRefSchema.optional(),
  dev: z.string().min(1).optional(),
  /** Number of next hops (ECMP). */
  nexthops: z.number().int().min(1).optional(),
});
type KernelRouteParams = z.infer<typeof kernelRouteParams>;

interface KernelRoutePlan {
  readonly target: Target;
  readonly on: string;
  readonly vrf?: string;
  readonly table?: string;
  readonly prefix: string;
  readonly present: boolean;
  readonly via?: string;
  readonly dev?: string;
  readonly nexthops?: number;
}

function kernelRouteArgv(plan: { table?: string | undefined; prefix: string }): string[] {
  return ['ip', '-j', 'route', 'show', ...(plan.table !== undefined ? ['table', plan.table] : []), plan.prefix];
}

function expectedText(p: { on: string; vrf?: string | undefined; table?: string | undefined; prefix: string; present: boolean; via?: string | undefined; dev?: string | undefined; nexthops?: number | undefined }): string {
  const where = `${inVrf(p.vrf)}${p.table !== undefined ? ` table ${p.table}` : ''}`;
  const attrs = parts(p.via !== undefined && `via ${p.via}`, p.dev !== undefined && `dev ${p.dev}`, p.nexthops !== undefined && `${p.nexthops} next hop(s)`);
  return `${p.on} kernel ${p.present ? 'has' : 'has no'} route ${p.prefix}${where}${attrs ? ` ${attrs}` : ''}`;
}

function condense(r: KernelRoute): Record<string, unknown> {
  return {
    ...(r.type !== 'unicast' ? { type: r.type } : {}),
    ...(r.protocol !== undefined ? { protocol: r.protocol } : {}),
    nexthops: r.nexthops.map((n) => parts(n.gateway !== undefined && `via ${n.gateway}`, n.dev !== undefined && `dev ${n.dev}`, n.onlink && 'onlink').replaceAll(', ', ' ')),
  };
}

export function evaluateKernelRoute(plan: KernelRoutePlan, observed: readonly KernelRoute[]): Evaluation {
  const expected = expectedText(plan);
  const routes = observed.filter((r) => r.prefix === plan.prefix);
  const shown = routes.length === 0 ? 'absent' : routes.map(condense);
  const fits = (r: KernelRoute) =>
    r.nexthops.some((n) => (plan.via === undefined || n.gateway === plan.via) && (plan.dev === undefined || n.dev === plan.dev)) ||
    (plan.via === undefined && plan.dev === undefined);
  const matching = routes.filter(fits);
  if (!plan.present) {
    return matching.length === 0
      ? { ok: true, expected, observed: shown, message: routes.length === 0 ? `${plan.prefix} absent` : `no route ${plan.prefix} matches` }
      : { ok: false, expected, observed: shown, message: `${plan.prefix} present` };
  }
  if (routes.length === 0) return { ok: false, expected, observed: shown, message: `${plan.prefix} absent` };
  const first = matching[0];
  if (first === undefined) {
    return { ok: false, expected, observed: shown, message: `${plan.prefix} present but not ${parts(plan.via !== undefined && `via ${plan.via}`, plan.dev !== undefined && `dev ${plan.dev}`)}` };
  }
  if (plan.nexthops !== undefined && first.nexthops.length !== plan.nexthops) {
    return { ok: false, expected, observed: shown, message: `${first.nexthops.length} next hop(s), expected ${plan.nexthops}` };
  }
  return { ok: true, expected, observed: shown, message: `${plan.prefix} present` };
}

export const kernelRoute: CheckKind<KernelRouteParams, KernelRoutePlan, KernelRoute[]> = {
  kind: 'kernel-route',
  params: kernelRouteParams,
  defaultMode: () => 'eventually',
  negative: (p) => !p.present,
  defaults: () => CHECK_DEFAULTS['kernel-route'],
  describe: (p) =>
    expectedText({
      on: nodeRefLabel(p.on),
      vrf: p.vrf,
      table: p.table !== undefined ? String(p.table) : undefined,
      prefix: describeRef(p.prefix),
      present: p.present,
      via: p.via !== undefined ? describeRef(p.via) : undefined,
      dev: p.dev,
      nexthops: p.nexthops,
    }),
  plan(p, resolver: Resolver) {
    const on = p.on as NodeRef;
    return {
      target: resolver.target(on),
      on: nodeRefLabel(on),
      ...(p.vrf !== undefined ? { vrf: p.vrf } : {}),
      ...(p.table !== undefined ? { table: String(p.table) } : {}),
      prefix: resolvePrefix(resolver, p.prefix as PrefixRef),
      present: p.present,
      ...(p.via !== undefined ? { via: resolveNexthop(resolver, on, p.via, p.vrf) } : {}),
      ...(p.dev !== undefined ? { dev: p.dev } : {}),
      ...(p.nexthops !== undefined ? { nexthops: p.nexthops } : {}),
    };
  },
  async probe(plan, env: ProbeEnv) {
    const r = await env.runtime.exec(plan.target, kernelRouteArgv(plan), {
      ...(plan.vrf !== undefined && plan.vrf !== 'default' ? { vrf: plan.vrf } : {}),
      timeoutMs: env.budgetMs,
    });
    if (r.exitCode !== 0) throw new Error(`ip route exited ${r.exitCode}: ${r.stderr.trim().slice(0, 200)}`);
    return parseIpRoutes(r.stdout);
  },
  evaluate: evaluateKernelRoute,
};
