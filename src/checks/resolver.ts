// Checks name lab objects (`{router: leafA}`, `{pe: worker}`, `red/nginx`); the Resolver turns
// names into targets and addresses. It is implemented outside the check layer, from the lab query
// API and the emulated cluster state, so checks never compute an address themselves.
import { z } from 'zod';
import type { Target } from '../runtime/runtime.ts';
import { isIP } from '../net/ip.ts';
import { normalizePrefix } from './parse/prefix.ts';

/** Where a check looks: a fabric router, a host, a cluster node's PE router or its speaker. */
export type NodeRef =
  | { readonly router: string }
  | { readonly host: string }
  | { readonly pe: string }
  | { readonly speaker: string };

/**
 * A BGP peer, as seen from the node the check runs on (`on`):
 * - a literal IP;
 * - `{router: spine}`: that router's address on the link facing `on`;
 * - `{pe: node}`: that PE's underlay address;
 * - `{speaker: node}`: the node's host-side address in a VRF (the check's `vrf`, or `vrf` here);
 * - `{peRouterSide: {vrf}}`: the PE's router-side address of that VRF's host session.
 */
export type PeerRef =
  | string
  | { readonly router: string }
  | { readonly pe: string }
  | { readonly speaker: string; readonly vrf?: string }
  | { readonly peRouterSide: { readonly vrf: string } };

/** A VXLAN tunnel endpoint: a leaf's or a PE's. */
export type VtepRef = { readonly router: string } | { readonly pe: string };

export interface Resolver {
  target(ref: NodeRef): Target;
  /** The address `on` peers with for `peer`; `vrf` is the check's VRF (for speaker refs). */
  peerAddress(on: NodeRef, peer: Exclude<PeerRef, string>, vrf?: string): string;
  vtep(ref: VtepRef): string;
  /** The L3VNI of a VRF. */
  vni(vrf: string): number;
  /** A fabric host's own address. */
  hostAddress(host: string): string;
  /** A fabric host's subnet, e.g. 192.168.20.0/24. */
  hostSubnet(host: string): string;
  /** External IPs of a LoadBalancer Service (`namespace/name`); empty while none is allocated. */
  serviceIPs(service: string): readonly string[];
  /** A workload pod by name or selector (the first by name when several match). */
  pod(ref: PodRef): ResolvedPod;
  /** The cluster's node names (for "any node"). */
  clusterNodes(): readonly string[];
}

/** A pod: `namespace/name`, or the pods of a namespace a label selector picks (portable: pod names differ per runtime). */
export type PodRef = string | { readonly namespace: string; readonly selector: Readonly<Record<string, string>> };

export interface ResolvedPod {
  readonly target: Target;
  readonly ip: string;
  readonly node: string;
  /** `namespace/name`. */
  readonly label: string;
}

export function describePodRef(ref: PodRef): string {
  if (typeof ref === 'string') return `pod ${ref}`;
  return `pod ${ref.namespace}/{${Object.entries(ref.selector).map(([k, v]) => `${k}=${v}`).join(',')}}`;
}

/** Raised by resolution when something is not there (yet): a failed attempt, not a crash. */
export class ResolveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolveError';
  }
}

// --- schemas for the refs as written in scenario YAML ---

const name = z.string().min(1);
const ipString = z.string().refine(isIP, { message: 'expected an IP address' });

export const nodeRefSchema = z.union([
  z.strictObject({ router: name }),
  z.strictObject({ host: name }),
  z.strictObject({ pe: name }),
  z.strictObject({ speaker: name }),
]);

export const peerRefSchema = z.union([
  ipString,
  z.strictObject({ router: name }),
  z.strictObject({ pe: name }),
  z.strictObject({ speaker: name, vrf: name.optional() }),
  z.strictObject({ peRouterSide: z.strictObject({ vrf: name }) }),
]);

export const vtepRefSchema = z.union([z.strictObject({ router: name }), z.strictObject({ pe: name })]);

/** `namespace/name`. */
export const serviceNameSchema = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
  message: 'expected namespace/name',
});

export const podRefSchema = z.union([
  serviceNameSchema,
  z.strictObject({
    namespace: name,
    selector: z.record(z.string().min(1), z.string()).refine((s) => Object.keys(s).length > 0, { message: 'expected at least one label' }),
  }),
]);

/** An IPv4/v6 prefix or address (an address means a host route). */
const prefixString = z.string().refine((s) => {
  const [ip, len, ...rest] = s.split('/');
  return rest.length === 0 && ip !== undefined && isIP(ip) && (len === undefined || /^\d{1,3}$/.test(len));
}, { message: 'expected a prefix like 172.30.0.10/32' });

/** A prefix, literally or by name: a service's external IP (/32), a host's address or subnet. */
export const prefixRefSchema = z.union([
  prefixString,
  z.strictObject({ service: serviceNameSchema }),
  z.strictObject({ host: name }),
  z.strictObject({ hostSubnet: name }),
]);
export type PrefixRef = z.infer<typeof prefixRefSchema>;

/** An address, literally or by name: a service's external IP, a host's address, a VTEP. */
export const addressRefSchema = z.union([
  ipString,
  z.strictObject({ service: serviceNameSchema }),
  z.strictObject({ host: name }),
  z.strictObject({ vtep: vtepRefSchema }),
]);
export type AddressRef = z.infer<typeof addressRefSchema>;

// --- pure helpers over a Resolver ---

export function describeRef(ref: unknown): string {
  if (typeof ref === 'string') return ref;
  if (ref && typeof ref === 'object') {
    const [k, v] = Object.entries(ref)[0] ?? [];
    if (k === 'peRouterSide' && v && typeof v === 'object') return `the PE router side of ${String((v as { vrf: unknown }).vrf)}`;
    if (k === 'vtep') return `the VTEP of ${describeRef(v)}`;
    if (k === 'hostSubnet') return `the subnet of ${String(v)}`;
    if (k !== undefined) {
      const extra = Object.entries(ref).slice(1).map(([a, b]) => `${a} ${String(b)}`).join(', ');
      return `${k} ${String(v)}${extra ? ` (${extra})` : ''}`;
    }
  }
  return JSON.stringify(ref);
}

export function resolvePeer(resolver: Resolver, on: NodeRef, peer: PeerRef, vrf?: string): string {
  return typeof peer === 'string' ? peer : resolver.peerAddress(on, peer, vrf);
}

/** Both ends of a session a check looks at (BGP or BFD): where it runs, its label, the peer's address, the VRF. */
export function sessionEnds(resolver: Resolver, on: NodeRef, peer: PeerRef, vrf: string | undefined) {
  return {
    target: resolver.target(on),
    on: nodeRefLabel(on),
    peer: resolvePeer(resolver, on, peer, vrf),
    ...(vrf !== undefined ? { vrf } : {}),
  };
}

function firstServiceIP(resolver: Resolver, service: string): string {
  const ips = resolver.serviceIPs(service);
  const ip = ips.find((i) => !i.includes(':')) ?? ips[0];
  if (ip === undefined) throw new ResolveError(`service ${service} has no external IP yet`);
  return ip;
}

export function resolveAddress(resolver: Resolver, ref: AddressRef): string {
  if (typeof ref === 'string') return ref;
  if ('service' in ref) return firstServiceIP(resolver, ref.service);
  if ('host' in ref) return resolver.hostAddress(ref.host);
  return resolver.vtep(ref.vtep);
}

export function resolvePrefix(resolver: Resolver, ref: PrefixRef): string {
  if (typeof ref === 'string') return normalizePrefix(ref);
  if ('service' in ref) return normalizePrefix(firstServiceIP(resolver, ref.service));
  if ('host' in ref) return normalizePrefix(resolver.hostAddress(ref.host));
  return normalizePrefix(resolver.hostSubnet(ref.hostSubnet));
}

/** A short name for messages: `leafA`, `PE worker`, `speaker worker`. */
export function nodeRefLabel(ref: NodeRef): string {
  if ('router' in ref) return ref.router;
  if ('host' in ref) return ref.host;
  if ('pe' in ref) return `PE ${ref.pe}`;
  return `speaker ${ref.speaker}`;
}
