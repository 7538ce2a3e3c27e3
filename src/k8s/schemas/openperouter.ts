// OpenPERouter (network.openperouter.io/v1alpha1): the subset pelab emulates. Field names and
// limits follow the upstream CRDs; the CEL rules they carry are enforced here as refinements.
import { z } from 'zod';
import {
  asn,
  interfaceName,
  intIn,
  ipv4Address,
  ipv4CIDR,
  ipv6CIDR,
  isRouteTarget,
  labelSelector,
  objectMeta,
} from './common.ts';

const OPENPEROUTER_API = 'network.openperouter.io/v1alpha1';

const asType = z.enum(['External', 'Internal'], { error: 'External or Internal (case-sensitive)' });

const localCIDR = z
  .strictObject({ ipv4: ipv4CIDR.optional(), ipv6: ipv6CIDR.optional() })
  .superRefine((v, ctx) => {
    if (v.ipv4 === undefined && v.ipv6 === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'at least one of ipv4 or ipv6' });
    }
  });

export const hostSession = z
  .strictObject({
    asn,
    hostASN: asn.optional(),
    hostType: asType.optional(),
    localCIDR,
  })
  .superRefine((v, ctx) => {
    if ((v.hostASN === undefined) === (v.hostType === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['hostASN'], message: 'exactly one of hostASN or hostType' });
    }
    if (v.hostASN !== undefined && v.hostASN === v.asn) {
      ctx.addIssue({ code: 'custom', path: ['hostASN'], message: `an AS number different from asn (${v.asn})` });
    }
  });
export type HostSession = z.output<typeof hostSession>;

const underlayNeighbor = z
  .strictObject({
    address: ipv4Address,
    asn: asn.optional(),
    type: asType.optional(),
    port: intIn(1, 16384, 'a TCP port').optional(),
    password: z.string().max(128).regex(/^\S+$/, 'a password without whitespace').optional(),
    holdTimeSeconds: intIn(0, 65535, 'seconds').optional(),
    keepaliveTimeSeconds: intIn(0, 65535, 'seconds').optional(),
    connectTimeSeconds: intIn(1, 65535, 'seconds').optional(),
    properties: z
      .array(
        z.strictObject({
          type: z.enum(['ebgpMultiHop'], { error: 'ebgpMultiHop' }),
          ebgpMultiHop: z.strictObject({ ttl: intIn(1, 255, 'a TTL').optional() }).optional(),
        }),
      )
      .max(1)
      .optional(),
  })
  .superRefine((n, ctx) => {
    if ((n.asn === undefined) === (n.type === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['asn'], message: 'exactly one of asn or type' });
    }
    if ((n.holdTimeSeconds === undefined) !== (n.keepaliveTimeSeconds === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['holdTimeSeconds'], message: 'holdTimeSeconds and keepaliveTimeSeconds both set or both unset' });
    }
    if (n.holdTimeSeconds !== undefined && n.holdTimeSeconds !== 0 && n.holdTimeSeconds < 3) {
      ctx.addIssue({ code: 'custom', path: ['holdTimeSeconds'], message: '0 or at least 3' });
    }
    if (n.holdTimeSeconds !== undefined && n.keepaliveTimeSeconds !== undefined && n.keepaliveTimeSeconds > n.holdTimeSeconds) {
      ctx.addIssue({ code: 'custom', path: ['keepaliveTimeSeconds'], message: 'at most holdTimeSeconds' });
    }
  });
export type UnderlayNeighbor = z.output<typeof underlayNeighbor>;

export const underlaySpec = z.strictObject({
  asn,
  routerIDCIDR: ipv4CIDR.optional(),
  interfaces: z
    .array(
      z.strictObject({
        // CNIDevice needs a CNI plugin run by the router pod: nothing to emulate it with.
        type: z.enum(['NetworkDevice'], { error: 'NetworkDevice (pelab does not emulate CNIDevice)' }),
        networkDevice: z.strictObject({ interfaceName }),
      }),
    )
    .min(1, 'at least one interface'),
  neighbors: z
    .array(underlayNeighbor)
    .min(1, 'at least one neighbor')
    .max(128)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((n, i) => {
        if (seen.has(n.address)) ctx.addIssue({ code: 'custom', path: [i, 'address'], message: `a unique address (${n.address} is listed twice)` });
        seen.add(n.address);
      });
    }),
  tunnelEndpoint: z
    .strictObject({
      cidrs: z.array(ipv4CIDR).length(1, 'exactly one IPv4 CIDR (pelab emulates IPv4 VTEPs only)'),
    })
    .optional(),
  nodeSelector: labelSelector.optional(),
});
export type UnderlaySpec = z.output<typeof underlaySpec>;

// Upstream also accepts `*:NN` imports, but FRR 8.4 (what pelab emulates with) rejects
// wildcard route targets, so pelab refuses them up front rather than at config load.
const routeTargets = z
  .array(
    z
      .string()
      .refine((s) => !s.startsWith('*:'), 'an explicit route target (pelab\'s FRR 8.4 does not accept the wildcard *:NN)')
      .refine((s) => s.startsWith('*:') || isRouteTarget(s, false), 'a route target ASN:NN or IPv4:NN'),
  )
  .max(100);

export const l3vniSpec = z.strictObject({
  vrf: z
    .string()
    .min(1)
    .max(15, 'a VRF name of at most 15 characters')
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'a VRF name: a letter, then letters, digits, _ or -'),
  vni: intIn(1, 16777215, 'a VNI'),
  vxlanPort: intIn(1, 65535, 'a UDP port').optional(),
  hostSession: hostSession.optional(),
  importRTs: routeTargets.optional(),
  exportRTs: routeTargets.optional(),
  nodeSelector: labelSelector.optional(),
});
export type L3VNISpec = z.output<typeof l3vniSpec>;

export const l3passthroughSpec = z.strictObject({
  hostSession,
  nodeSelector: labelSelector.optional(),
});
export type L3PassthroughSpec = z.output<typeof l3passthroughSpec>;

const envelope = <K extends string, S extends z.ZodType>(kind: K, spec: S) =>
  z.strictObject({
    apiVersion: z.literal(OPENPEROUTER_API),
    kind: z.literal(kind),
    metadata: objectMeta(),
    spec,
  });

export const Underlay = envelope('Underlay', underlaySpec);
export const L3VNI = envelope('L3VNI', l3vniSpec);
export const L3Passthrough = envelope('L3Passthrough', l3passthroughSpec);
