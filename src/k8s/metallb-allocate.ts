// MetalLB's IP allocation for LoadBalancer Services, as a pure function: explicit IPs, then the
// pool annotation, then automatic allocation (pinned pools by priority, then general pools).
// Services are single-stack IPv4 here (a kind cluster's default without ipFamilyPolicy).
import { ANNOTATION_LB_IPS, ANNOTATION_POOL, ANNOTATION_SHARED_IP } from './schemas/core.ts';
import { selectorMatches } from './schemas/common.ts';
import type { IPAddressPoolSpec } from './schemas/metallb.ts';
import { cidrContains, cidrLast, formatIP, parseIP, parsePoolEntry } from '../net/ip.ts';
import type { CIDR, IP } from '../net/ip.ts';

export interface PoolInput {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly spec: IPAddressPoolSpec;
}

export interface ServiceInput {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly loadBalancerIP?: string;
  /** For IP sharing (metallb.io/allow-shared-ip): the ports a sharing Service may not reuse. */
  readonly ports?: readonly { readonly port: number; readonly protocol?: string }[];
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly selector?: Readonly<Record<string, string>>;
}

interface NamespaceInput {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

interface AllocationInput {
  readonly pools: readonly PoolInput[];
  /** In the order MetalLB sees them (apply order); earlier services win contested addresses. */
  readonly services: readonly ServiceInput[];
  readonly namespaces?: readonly NamespaceInput[];
  /** The IPs each Service (`namespace/name`) held before: kept when still valid (sticky). */
  readonly previous?: Readonly<Record<string, readonly string[]>>;
}

interface AllocationFailure {
  /** The Warning event MetalLB emits on the Service. */
  readonly reason: 'AllocationFailed';
  readonly message: string;
}

interface Allocation {
  readonly namespace: string;
  readonly name: string;
  /** Empty when the Service stays pending. */
  readonly ips: readonly string[];
  /** What MetalLB writes to the metallb.io/ip-allocated-from-pool annotation. */
  readonly pool?: string;
  readonly failure?: AllocationFailure;
}

export function serviceKey(s: { readonly namespace: string; readonly name: string }): string {
  return `${s.namespace}/${s.name}`;
}

interface Pool {
  readonly name: string;
  readonly cidrs: readonly CIDR[];
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  readonly sa: IPAddressPoolSpec['serviceAllocation'];
  readonly order: number;
}

// Some old firmware drops traffic to .0 and .255; MetalLB skips them anywhere in an IPv4 pool.
function buggy(ip: IP): boolean {
  const last = ip.value & 255n;
  return ip.family === 4 && (last === 0n || last === 255n);
}

const SERVICE_FAMILY = 4;

/**
 * Whether `svc` may hold an IP `holder` already holds, as MetalLB decides it: both carry the same
 * allow-shared-ip key, no port/protocol pair is used twice, and Local-policy Services share only
 * with Services that select the same pods (one set of endpoint nodes announces the IP).
 * Returns why not, or undefined when sharing is allowed.
 */
function sharingRefusal(svc: ServiceInput, holder: ServiceInput): string | undefined {
  const key = svc.annotations?.[ANNOTATION_SHARED_IP];
  const other = holder.annotations?.[ANNOTATION_SHARED_IP];
  if (key === undefined || other === undefined) return `is already in use by ${serviceKey(holder)}`;
  if (key !== other) return `is already in use by ${serviceKey(holder)} with sharing key "${other}" (this Service has "${key}")`;
  const taken = new Set((holder.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`));
  const clash = (svc.ports ?? []).find((p) => taken.has(`${p.port}/${p.protocol ?? 'TCP'}`));
  if (clash) return `is shared with ${serviceKey(holder)}, which already uses port ${clash.port}/${clash.protocol ?? 'TCP'}`;
  const local = (svc.externalTrafficPolicy ?? 'Cluster') === 'Local' || (holder.externalTrafficPolicy ?? 'Cluster') === 'Local';
  if (local && JSON.stringify(Object.entries(svc.selector ?? {}).sort()) !== JSON.stringify(Object.entries(holder.selector ?? {}).sort())) {
    return `is shared with ${serviceKey(holder)}, but a Service with externalTrafficPolicy Local shares only with Services selecting the same pods`;
  }
  return undefined;
}

class Allocator {
  /** IP -> the Services holding it (more than one only when they share it). */
  readonly used = new Map<string, ServiceInput[]>();
  readonly pools: readonly Pool[];
  private readonly nsLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;

  constructor(input: AllocationInput) {
    this.pools = input.pools.map((p, order) => ({
      name: p.name,
      cidrs: p.spec.addresses.flatMap((a) => parsePoolEntry(a) ?? []),
      autoAssign: p.spec.autoAssign ?? true,
      avoidBuggyIPs: p.spec.avoidBuggyIPs ?? false,
      sa: p.spec.serviceAllocation,
      order,
    }));
    this.nsLabels = new Map((input.namespaces ?? []).map((n) => [n.name, n.labels ?? {}]));
  }

  namespaceLabels(ns: string): Record<string, string> {
    // The API server labels every namespace with its own name.
    return { ...(this.nsLabels.get(ns) ?? {}), 'kubernetes.io/metadata.name': ns };
  }

  poolOf(ip: IP): Pool | undefined {
    return this.pools.find((p) => p.cidrs.some((c) => cidrContains(c, ip)));
  }

  /** Whether a pool's serviceAllocation lets this Service take its addresses. */
  accepts(pool: Pool, svc: ServiceInput): boolean {
    const sa = pool.sa;
    if (!sa) return true;
    const nsRule = (sa.namespaces?.length ?? 0) + (sa.namespaceSelectors?.length ?? 0) > 0;
    if (nsRule) {
      const labels = this.namespaceLabels(svc.namespace);
      const ok = (sa.namespaces ?? []).includes(svc.namespace) || (sa.namespaceSelectors ?? []).some((s) => selectorMatches(s, labels));
      if (!ok) return false;
    }
    if ((sa.serviceSelectors?.length ?? 0) > 0 && !(sa.serviceSelectors ?? []).some((s) => selectorMatches(s, svc.labels ?? {}))) return false;
    return true;
  }

  /** Pools bound to this Service by namespace or service selector, best first. */
  pinned(svc: ServiceInput): Pool[] {
    const rank = (p: Pool) => (p.sa?.priority && p.sa.priority > 0 ? p.sa.priority : Number.POSITIVE_INFINITY);
    return this.pools
      .filter((p) => {
        const sa = p.sa;
        if (!p.autoAssign || !sa) return false;
        const constrained = (sa.namespaces?.length ?? 0) + (sa.namespaceSelectors?.length ?? 0) + (sa.serviceSelectors?.length ?? 0) > 0;
        return constrained && this.accepts(p, svc);
      })
      .sort((a, b) => rank(a) - rank(b) || a.order - b.order);
  }

  /** General-purpose pools. Upstream iterates them in map order; pelab uses manifest order. */
  general(): Pool[] {
    return this.pools.filter((p) => p.autoAssign && !p.sa);
  }

  /** Why `svc` may not take `ip`, or undefined when it is free or shareable. */
  refusal(ip: string, svc: ServiceInput): string | undefined {
    for (const holder of this.used.get(ip) ?? []) {
      if (serviceKey(holder) === serviceKey(svc)) continue;
      const why = sharingRefusal(svc, holder);
      if (why) return why;
    }
    return undefined;
  }

  take(ip: string, svc: ServiceInput): void {
    const list = this.used.get(ip) ?? [];
    if (!list.some((h) => serviceKey(h) === serviceKey(svc))) list.push(svc);
    this.used.set(ip, list);
  }

  firstFree(pool: Pool, svc: ServiceInput): IP | undefined {
    for (const cidr of pool.cidrs) {
      if (cidr.family !== SERVICE_FAMILY) continue;
      for (let v = cidr.network; v <= cidrLast(cidr); v++) {
        const ip: IP = { family: cidr.family, value: v };
        if (pool.avoidBuggyIPs && buggy(ip)) continue;
        if (this.refusal(formatIP(ip), svc) === undefined) return ip;
      }
    }
    return undefined;
  }
}

type Requested = { kind: 'ips'; ips: IP[] } | { kind: 'error'; message: string } | { kind: 'none' };

function requestedIPs(svc: ServiceInput): Requested {
  const annotation = svc.annotations?.[ANNOTATION_LB_IPS];
  if (annotation !== undefined && svc.loadBalancerIP !== undefined) {
    return { kind: 'error', message: `service can not have both ${ANNOTATION_LB_IPS} and spec.loadBalancerIP` };
  }
  const texts = annotation !== undefined ? annotation.split(',').map((s) => s.trim()).filter((s) => s !== '') : svc.loadBalancerIP !== undefined ? [svc.loadBalancerIP] : [];
  if (texts.length === 0) return { kind: 'none' };
  const ips: IP[] = [];
  for (const t of texts) {
    const ip = parseIP(t);
    if (!ip) return { kind: 'error', message: `invalid IP "${t}" in ${ANNOTATION_LB_IPS}` };
    ips.push(ip);
  }
  if (ips.length > 2) return { kind: 'error', message: `too many IPs requested (${ips.length}): at most one per address family` };
  if (ips.length === 2 && ips[0]?.family === ips[1]?.family) return { kind: 'error', message: 'two IPs of the same address family requested' };
  if (ips.some((ip) => ip.family !== SERVICE_FAMILY)) {
    return { kind: 'error', message: `requested IP(s) ${texts.join(',')} do not match the service's IP family (IPv4)` };
  }
  return { kind: 'ips', ips };
}

/** Check that a set of IPs may go to this Service: one pool, accepted, free, not "buggy". */
function checkIPs(a: Allocator, svc: ServiceInput, ips: readonly IP[], wantedPool: string | undefined): { pool: Pool } | { error: string } {
  let pool: Pool | undefined;
  for (const ip of ips) {
    const p = a.poolOf(ip);
    if (!p) return { error: `"${formatIP(ip)}" is not allowed in config (no IPAddressPool contains it)` };
    if (pool && p !== pool) return { error: `requested IPs belong to different pools (${pool.name}, ${p.name})` };
    pool = p;
    if (p.avoidBuggyIPs && buggy(ip)) return { error: `"${formatIP(ip)}" is not allowed in config (pool ${p.name} has avoidBuggyIPs)` };
    const why = a.refusal(formatIP(ip), svc);
    if (why !== undefined) return { error: `"${formatIP(ip)}" ${why}` };
  }
  if (!pool) return { error: 'no IP requested' };
  if (wantedPool !== undefined && pool.name !== wantedPool) return { error: `requested IPs are not in pool "${wantedPool}"` };
  if (!a.accepts(pool, svc)) return { error: `pool ${pool.name} not compatible for ip assignment (its serviceAllocation does not select ${serviceKey(svc)})` };
  return { pool };
}

function allocateOne(a: Allocator, svc: ServiceInput): { ips: IP[]; pool: Pool } | { error: string } {
  const req = requestedIPs(svc);
  const wantedPool = svc.annotations?.[ANNOTATION_POOL];
  if (req.kind === 'error') return { error: req.message };
  // autoAssign is deliberately not consulted for explicit IPs or the pool annotation.
  if (req.kind === 'ips') {
    const r = checkIPs(a, svc, req.ips, wantedPool);
    return 'error' in r ? r : { ips: req.ips, pool: r.pool };
  }
  if (wantedPool !== undefined) {
    const pool = a.pools.find((p) => p.name === wantedPool);
    if (!pool) return { error: `unknown pool "${wantedPool}"` };
    const ip = a.firstFree(pool, svc);
    return ip ? { ips: [ip], pool } : { error: `no available IPs in pool "${wantedPool}"` };
  }
  for (const pool of [...a.pinned(svc), ...a.general()]) {
    const ip = a.firstFree(pool, svc);
    if (ip) return { ips: [ip], pool };
  }
  return { error: 'no available IPs' };
}

/** A Service's previous IPs stay when they still satisfy everything a fresh request would. */
function keepPrevious(a: Allocator, svc: ServiceInput, previous: readonly string[]): { ips: IP[]; pool: Pool } | undefined {
  const ips = previous.map((t) => parseIP(t));
  if (ips.length === 0 || ips.some((ip) => !ip || ip.family !== SERVICE_FAMILY) || ips.length > 1) return undefined;
  const prev = ips as IP[];
  const req = requestedIPs(svc);
  if (req.kind === 'error') return undefined;
  if (req.kind === 'ips') {
    const same = req.ips.length === prev.length && req.ips.every((r) => prev.some((p) => p.value === r.value && p.family === r.family));
    if (!same) return undefined;
  }
  const r = checkIPs(a, svc, prev, svc.annotations?.[ANNOTATION_POOL]);
  return 'error' in r ? undefined : { ips: prev, pool: r.pool };
}

export function allocateServiceIPs(input: AllocationInput): Allocation[] {
  const a = new Allocator(input);
  const results = new Map<string, Allocation>();
  const take = (svc: ServiceInput, ips: IP[], pool: Pool) => {
    for (const ip of ips) a.take(formatIP(ip), svc);
    results.set(serviceKey(svc), { namespace: svc.namespace, name: svc.name, ips: ips.map(formatIP), pool: pool.name });
  };
  // Sticky first, so that a recomputation never hands a held address to someone else.
  for (const svc of input.services) {
    const prev = input.previous?.[serviceKey(svc)];
    if (!prev || prev.length === 0) continue;
    const kept = keepPrevious(a, svc, prev);
    if (kept) take(svc, kept.ips, kept.pool);
  }
  for (const svc of input.services) {
    if (results.has(serviceKey(svc))) continue;
    const r = allocateOne(a, svc);
    if ('error' in r) {
      results.set(serviceKey(svc), {
        namespace: svc.namespace,
        name: svc.name,
        ips: [],
        failure: { reason: 'AllocationFailed', message: `Failed to allocate IP for "${serviceKey(svc)}": ${r.error}` },
      });
    } else {
      take(svc, r.ips, r.pool);
    }
  }
  return input.services.map((s) => results.get(serviceKey(s)) as Allocation);
}
