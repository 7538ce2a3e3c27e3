// MetalLB (metallb.io): the BGP-mode subset pelab emulates with frr-k8s as the BGP backend.
import { z } from 'zod';
import { parseIP, parsePoolEntry } from '../../net/ip.ts';
import { asn, communityExpectation, dnsSubdomain, duration, intIn, ipAddress, ipv4Address, labelSelector, objectMeta, parseCommunity, parseGoDuration } from './common.ts';

export const METALLB_V1BETA1 = 'metallb.io/v1beta1';
export const METALLB_V1BETA2 = 'metallb.io/v1beta2';

export const ipAddressPoolSpec = z.strictObject({
  addresses: z
    .array(z.string().refine((s) => parsePoolEntry(s) !== undefined, 'a CIDR (172.30.0.0/24) or a range (172.30.0.10-172.30.0.15)'))
    .min(1, 'at least one address entry'),
  autoAssign: z.boolean().optional(),
  avoidBuggyIPs: z.boolean().optional(),
  serviceAllocation: z
    .strictObject({
      priority: intIn(0, 2147483647, 'a priority').optional(),
      namespaces: z.array(z.string().min(1)).optional(),
      namespaceSelectors: z.array(labelSelector).optional(),
      serviceSelectors: z.array(labelSelector).optional(),
    })
    .optional(),
});
export type IPAddressPoolSpec = z.output<typeof ipAddressPoolSpec>;

export const bgpAdvertisementSpec = z
  .strictObject({
    aggregationLength: intIn(1, 32, 'a prefix length').optional(),
    aggregationLengthV6: intIn(1, 128, 'a prefix length').optional(),
    localPref: intIn(0, 2147483647, 'a local preference').optional(),
    communities: z.array(z.string().min(1)).optional(),
    ipAddressPools: z.array(z.string().min(1)).optional(),
    ipAddressPoolSelectors: z.array(labelSelector).optional(),
    peers: z.array(z.string().min(1)).optional(),
    nodeSelectors: z.array(labelSelector).optional(),
    serviceSelectors: z.array(labelSelector).optional(),
  })
  .superRefine((v, ctx) => {
    // Upstream CEL: aggregation cannot be combined with service selectors.
    if ((v.serviceSelectors?.length ?? 0) > 0 && ((v.aggregationLength ?? 32) !== 32 || (v.aggregationLengthV6 ?? 128) !== 128)) {
      ctx.addIssue({ code: 'custom', path: ['aggregationLength'], message: 'the default (32/128) when serviceSelectors are set' });
    }
  });
export type BGPAdvertisementSpec = z.output<typeof bgpAdvertisementSpec>;

export const communitySpec = z.strictObject({
  communities: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        value: z.string().superRefine((s, ctx) => {
          if (parseCommunity(s) === undefined) ctx.addIssue({ code: 'custom', message: communityExpectation(s) });
        }),
      }),
    )
    .min(1),
});
export type CommunitySpec = z.output<typeof communitySpec>;

const seconds = (text: string | undefined) => (text === undefined ? undefined : (parseGoDuration(text) ?? 0) / 1000);

export const bgpPeerSpec = z
  .strictObject({
    myASN: asn,
    peerASN: asn.optional(),
    dynamicASN: z.enum(['internal', 'external'], { error: 'internal or external (case-sensitive)' }).optional(),
    peerAddress: ipAddress,
    peerPort: intIn(1, 16384, 'a TCP port').optional(),
    holdTime: duration.optional(),
    keepaliveTime: duration.optional(),
    connectTime: duration.optional(),
    password: z.string().regex(/^\S+$/, 'a password without whitespace (FRR takes it as one word)').optional(),
    ebgpMultiHop: z.boolean().optional(),
    routerID: ipv4Address.optional(),
    nodeSelectors: z.array(labelSelector).optional(),
    bfdProfile: z.string().min(1).optional(),
    /** `neighbor X graceful-restart` (frr-k8s's neighborsession.tmpl). */
    enableGracefulRestart: z.boolean().optional(),
    // A SecretReference; MetalLB only reads Secrets in its own namespace.
    passwordSecret: z.strictObject({ name: dnsSubdomain, namespace: z.string().min(1).optional() }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.password !== undefined && p.passwordSecret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['passwordSecret'], message: 'either password or passwordSecret, not both (MetalLB refuses a peer with both)' });
    }
    if ((p.peerASN === undefined) === (p.dynamicASN === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['peerASN'], message: 'exactly one of peerASN or dynamicASN' });
    }
    const hold = seconds(p.holdTime);
    const keepalive = seconds(p.keepaliveTime);
    if (hold !== undefined && hold !== 0 && hold < 3) ctx.addIssue({ code: 'custom', path: ['holdTime'], message: '0 or at least 3s' });
    if (hold !== undefined && keepalive !== undefined && keepalive > hold) {
      ctx.addIssue({ code: 'custom', path: ['keepaliveTime'], message: 'at most holdTime' });
    }
    for (const f of ['holdTime', 'keepaliveTime'] as const) {
      const v = seconds(p[f]);
      if (v !== undefined && !Number.isInteger(v)) ctx.addIssue({ code: 'custom', path: [f], message: 'whole seconds (FRR timers are in seconds)' });
    }
    const connect = seconds(p.connectTime);
    if (connect !== undefined && (!Number.isInteger(connect) || connect < 1 || connect > 65535)) {
      ctx.addIssue({ code: 'custom', path: ['connectTime'], message: 'whole seconds between 1s and 65535s' });
    }
    const internal = p.dynamicASN === 'internal' || (p.peerASN !== undefined && p.peerASN === p.myASN);
    if (p.ebgpMultiHop && internal) ctx.addIssue({ code: 'custom', path: ['ebgpMultiHop'], message: 'unset for an iBGP peer' });
    if (p.routerID !== undefined && parseIP(p.routerID)?.family !== 4) ctx.addIssue({ code: 'custom', path: ['routerID'], message: 'an IPv4 address' });
  });
export type BGPPeerSpec = z.output<typeof bgpPeerSpec>;

// All intervals in milliseconds, as the CRD has them; FRR's bfdd takes the same units.
export const bfdProfileSpec = z.strictObject({
  receiveInterval: intIn(10, 60000, 'milliseconds').optional(),
  transmitInterval: intIn(10, 60000, 'milliseconds').optional(),
  detectMultiplier: intIn(2, 255, 'a multiplier').optional(),
  echoInterval: intIn(10, 60000, 'milliseconds').optional(),
  echoMode: z.boolean().optional(),
  passiveMode: z.boolean().optional(),
  minimumTtl: intIn(1, 254, 'a TTL').optional(),
});
export type BFDProfileSpec = z.output<typeof bfdProfileSpec>;

export const l2AdvertisementSpec = z.strictObject({
  ipAddressPools: z.array(z.string().min(1)).optional(),
  ipAddressPoolSelectors: z.array(labelSelector).optional(),
  nodeSelectors: z.array(labelSelector).optional(),
  serviceSelectors: z.array(labelSelector).optional(),
  interfaces: z.array(z.string().min(1)).optional(),
});
export type L2AdvertisementSpec = z.output<typeof l2AdvertisementSpec>;

const envelope = <V extends string, K extends string, S extends z.ZodType>(apiVersion: V, kind: K, spec: S) =>
  z.strictObject({
    apiVersion: z.literal(apiVersion),
    kind: z.literal(kind),
    metadata: objectMeta(),
    spec,
  });

export const IPAddressPool = envelope(METALLB_V1BETA1, 'IPAddressPool', ipAddressPoolSpec);
// An advertisement without spec announces every pool to every peer, as upstream allows.
export const BGPAdvertisement = envelope(METALLB_V1BETA1, 'BGPAdvertisement', bgpAdvertisementSpec.optional());
export const Community = envelope(METALLB_V1BETA1, 'Community', communitySpec);
export const BGPPeer = envelope(METALLB_V1BETA2, 'BGPPeer', bgpPeerSpec);
// A profile without spec takes bfdd's defaults (300 ms, multiplier 3), as upstream allows.
export const BFDProfile = envelope(METALLB_V1BETA1, 'BFDProfile', bfdProfileSpec.optional());
export const L2Advertisement = envelope(METALLB_V1BETA1, 'L2Advertisement', l2AdvertisementSpec.optional());
