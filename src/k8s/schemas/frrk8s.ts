// frr-k8s (frrk8s.metallb.io/v1beta1 FRRConfiguration): the default-VRF BGP subset pelab
// emulates on the node's host side, next to what MetalLB generates.
import { z } from 'zod';
import { formatCIDR, parseCIDR } from '../../net/ip.ts';
import { asn, cidr, dnsSubdomain, duration, intIn, ipAddress, ipv4Address, labelSelector, objectMeta, parseCommunity, parseGoDuration } from './common.ts';
import { bfdProfileSpec } from './metallb.ts';

const FRRK8S_API = 'frrk8s.metallb.io/v1beta1';

const mode = z.enum(['all', 'filtered'], { error: 'all or filtered (case-sensitive)' });

const receivePrefix = z
  .strictObject({
    prefix: cidr,
    ge: intIn(1, 128, 'a prefix length').optional(),
    le: intIn(1, 128, 'a prefix length').optional(),
  })
  .superRefine((p, ctx) => {
    const c = parseCIDR(p.prefix);
    if (!c) return;
    const max = c.family === 4 ? 32 : 128;
    if (p.ge !== undefined && (p.ge <= c.prefixLength || p.ge > max)) {
      ctx.addIssue({ code: 'custom', path: ['ge'], message: `a length greater than ${c.prefixLength} and at most ${max}` });
    }
    if (p.le !== undefined && (p.le < Math.max(c.prefixLength, p.ge ?? 0) || p.le > max)) {
      ctx.addIssue({ code: 'custom', path: ['le'], message: `a length from ${Math.max(c.prefixLength, p.ge ?? 0)} to ${max}` });
    }
  });

const neighbor = z
  .strictObject({
    address: ipAddress,
    asn: asn.optional(),
    dynamicASN: z.enum(['internal', 'external'], { error: 'internal or external (case-sensitive)' }).optional(),
    port: intIn(1, 16384, 'a TCP port').optional(),
    password: z.string().regex(/^\S+$/, 'a password without whitespace (FRR takes it as one word)').optional(),
    // A SecretReference; frr-k8s looks the name up among the Secrets of its own namespace.
    passwordSecret: z.strictObject({ name: dnsSubdomain, namespace: z.string().min(1).optional() }).optional(),
    holdTime: duration.optional(),
    keepaliveTime: duration.optional(),
    connectTime: duration.optional(),
    ebgpMultiHop: z.boolean().optional(),
    enableGracefulRestart: z.boolean().optional(),
    /** A profile of this object's spec.bgp.bfdProfiles (frr-k8s looks nowhere else). */
    bfdProfile: z.string().min(1).optional(),
    toAdvertise: z
      .strictObject({
        allowed: z.strictObject({ mode: mode.optional(), prefixes: z.array(cidr).optional() }).optional(),
        withLocalPref: z
          .array(z.strictObject({ localPref: intIn(0, 2147483647, 'a local preference'), prefixes: z.array(cidr).min(1) }))
          .optional(),
        withCommunity: z
          .array(
            z.strictObject({
              community: z.string().refine((s) => parseCommunity(s) !== undefined, 'a community A:B or large:A:B:C'),
              prefixes: z.array(cidr).min(1),
            }),
          )
          .optional(),
      })
      .optional(),
    toReceive: z
      .strictObject({
        allowed: z.strictObject({ mode: mode.optional(), prefixes: z.array(receivePrefix).optional() }).optional(),
      })
      .optional(),
  })
  .superRefine((n, ctx) => {
    if (n.password !== undefined && n.passwordSecret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['passwordSecret'], message: 'either password or passwordSecret, not both (frr-k8s refuses a neighbor with both)' });
    }
    if ((n.asn === undefined) === (n.dynamicASN === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['asn'], message: 'exactly one of asn or dynamicASN' });
    }
    for (const f of ['holdTime', 'keepaliveTime', 'connectTime'] as const) {
      const ms = n[f] === undefined ? undefined : parseGoDuration(n[f]);
      if (ms !== undefined && ms % 1000 !== 0) ctx.addIssue({ code: 'custom', path: [f], message: 'whole seconds' });
    }
    const hold = n.holdTime === undefined ? undefined : (parseGoDuration(n.holdTime) ?? 0) / 1000;
    const keepalive = n.keepaliveTime === undefined ? undefined : (parseGoDuration(n.keepaliveTime) ?? 0) / 1000;
    if (hold !== undefined && hold !== 0 && hold < 3) ctx.addIssue({ code: 'custom', path: ['holdTime'], message: '0 or at least 3s' });
    if (hold !== undefined && keepalive !== undefined && keepalive > hold) ctx.addIssue({ code: 'custom', path: ['keepaliveTime'], message: 'at most holdTime' });
    const connect = n.connectTime === undefined ? undefined : (parseGoDuration(n.connectTime) ?? 0) / 1000;
    if (connect !== undefined && (connect < 1 || connect > 65535)) ctx.addIssue({ code: 'custom', path: ['connectTime'], message: 'between 1s and 65535s' });
    const allowed = n.toAdvertise?.allowed;
    if (allowed?.mode === 'all' && (allowed.prefixes?.length ?? 0) > 0) {
      ctx.addIssue({ code: 'custom', path: ['toAdvertise', 'allowed', 'prefixes'], message: 'no prefixes with mode all (they would be ignored)' });
    }
    const rx = n.toReceive?.allowed;
    if (rx?.mode === 'all' && (rx.prefixes?.length ?? 0) > 0) {
      ctx.addIssue({ code: 'custom', path: ['toReceive', 'allowed', 'prefixes'], message: 'no prefixes with mode all (they would be ignored)' });
    }
  });
export type FRRNeighbor = z.output<typeof neighbor>;

const router = z
  .strictObject({
    asn,
    id: ipv4Address.optional(),
    prefixes: z.array(cidr).optional(),
    neighbors: z.array(neighbor).optional(),
  })
  .superRefine((r, ctx) => {
    const own = new Set((r.prefixes ?? []).map(canonicalPrefix));
    const seen = new Set<string>();
    (r.neighbors ?? []).forEach((n, i) => {
      if (seen.has(n.address)) ctx.addIssue({ code: 'custom', path: ['neighbors', i, 'address'], message: `a unique address (${n.address} is listed twice)` });
      seen.add(n.address);
      const allowed = n.toAdvertise?.allowed;
      const advertised = allowed?.mode === 'all' ? own : new Set((allowed?.prefixes ?? []).map(canonicalPrefix));
      (allowed?.prefixes ?? []).forEach((p, j) => {
        if (!own.has(canonicalPrefix(p))) {
          ctx.addIssue({ code: 'custom', path: ['neighbors', i, 'toAdvertise', 'allowed', 'prefixes', j], message: `a prefix listed in this router's prefixes (${p} is not)` });
        }
      });
      for (const key of ['withLocalPref', 'withCommunity'] as const) {
        (n.toAdvertise?.[key] ?? []).forEach((entry, k) => {
          entry.prefixes.forEach((p, j) => {
            if (!advertised.has(canonicalPrefix(p))) {
              ctx.addIssue({ code: 'custom', path: ['neighbors', i, 'toAdvertise', key, k, 'prefixes', j], message: `a prefix this neighbor advertises (${p} is not)` });
            }
          });
        });
      }
    });
  });

/** A prefix with host bits cleared and canonical text, so that equal prefixes compare equal. */
export function canonicalPrefix(p: string): string {
  const c = parseCIDR(p);
  return c ? formatCIDR(c) : p;
}

/** frr-k8s's BFD profile: MetalLB's BFDProfile spec with a name (the same fields and limits). */
const frrBfdProfile = bfdProfileSpec.extend({ name: z.string().min(1) });

export const frrConfigurationSpec = z.strictObject({
  nodeSelector: labelSelector.optional(),
  bgp: z
    .strictObject({
      bfdProfiles: z.array(frrBfdProfile).optional(),
      routers: z
        .array(router)
        .max(50)
        .superRefine((list, ctx) => {
          // pelab emulates the default VRF only, so every router of one object is the same router.
          if (list.length > 1) ctx.addIssue({ code: 'custom', path: [1], message: 'a single router (pelab emulates the default VRF only; merge the routers)' });
        })
        .optional(),
    })
    // frr-k8s refuses the whole configuration (apiToFRR): a profile name twice in one object,
    // or a neighbor naming a profile this object does not define.
    .superRefine((bgp, ctx) => {
      const names = new Set<string>();
      (bgp.bfdProfiles ?? []).forEach((p, i) => {
        if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['bfdProfiles', i, 'name'], message: `a unique profile name (${p.name} is defined twice in this object)` });
        names.add(p.name);
      });
      (bgp.routers ?? []).forEach((r, ri) =>
        (r.neighbors ?? []).forEach((n, ni) => {
          if (n.bfdProfile !== undefined && !names.has(n.bfdProfile)) {
            ctx.addIssue({
              code: 'custom',
              path: ['routers', ri, 'neighbors', ni, 'bfdProfile'],
              message: `the name of a profile in this object's spec.bgp.bfdProfiles (${n.bfdProfile} is not; profiles: ${[...names].join(', ') || 'none'}). frr-k8s looks only there, not at MetalLB's BFDProfiles or other FRRConfigurations`,
            });
          }
        }),
      );
    })
    .optional(),
});
export type FRRConfigurationSpec = z.output<typeof frrConfigurationSpec>;

export const FRRConfiguration = z.strictObject({
  apiVersion: z.literal(FRRK8S_API),
  kind: z.literal('FRRConfiguration'),
  metadata: objectMeta(),
  spec: frrConfigurationSpec.optional(),
});
