// Address parsing and arithmetic, the one home for both families: manifests (pools, CIDR hosts,
// prefixes), checks, and the lab model, whose files are IPv4 only (the throwing helpers at the
// end). Addresses are bigints so that one code path serves both families. Validation is
// node:net's. A number-based IPv4 twin existed for the lab's allocation; it bought nothing
// measurable (a lab has tens of addresses), so there is one model.

import { isIPv4 as netIsIPv4, isIPv6 as netIsIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface IP {
  readonly family: Family;
  readonly value: bigint;
}

export interface CIDR {
  readonly family: Family;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefixLength: number;
}

const bits = (family: Family): number => (family === 4 ? 32 : 128);

// Go's net.ParseIP (which Kubernetes, MetalLB and frr-k8s use) rejects leading zeros since 1.17,
// so "010.0.0.1" is not an address here either.
const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let body = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is rewritten as its two hex groups.
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups : undefined;
  };
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  let groups = left;
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function parseIP(text: string): IP | undefined {
  if (!isIP(text)) return undefined;
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseIPv6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 255n)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Accepts host bits (like Go's net.ParseCIDR) and clears them. */
export function parseCIDR(text: string): CIDR | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(lenText)) return undefined;
  const prefixLength = Number(lenText);
  if (prefixLength > bits(ip.family)) return undefined;
  return { family: ip.family, network: ip.value & maskOf(ip.family, prefixLength), prefixLength };
}

function maskOf(family: Family, prefixLength: number): bigint {
  const total = BigInt(bits(family));
  const all = (1n << total) - 1n;
  return (all << (total - BigInt(prefixLength))) & all;
}

export function formatCIDR(c: CIDR): string {
  return `${formatIP({ family: c.family, value: c.network })}/${c.prefixLength}`;
}

export function cidrSize(c: CIDR): bigint {
  return 1n << BigInt(bits(c.family) - c.prefixLength);
}

export function cidrLast(c: CIDR): bigint {
  return c.network + cidrSize(c) - 1n;
}

export function cidrContains(c: CIDR, ip: IP): boolean {
  return c.family === ip.family && ip.value >= c.network && ip.value <= cidrLast(c);
}

export function cidrsOverlap(a: CIDR, b: CIDR): boolean {
  return a.family === b.family && a.network <= cidrLast(b) && b.network <= cidrLast(a);
}

/** The address at host number `n` of the CIDR (0 = the network address), or undefined past the end. */
export function cidrHost(c: CIDR, n: number | bigint): IP | undefined {
  const offset = BigInt(n);
  if (offset < 0n || offset >= cidrSize(c)) return undefined;
  return { family: c.family, value: c.network + offset };
}

/** The smallest list of CIDRs that covers start..end inclusive, lowest first. */
function rangeToCIDRs(family: Family, start: bigint, end: bigint): CIDR[] {
  const total = bits(family);
  const out: CIDR[] = [];
  let cur = start;
  while (cur <= end) {
    let len = total;
    // Grow the block while it stays aligned on `cur` and inside the range.
    while (len > 0) {
      const size = 1n << BigInt(total - len + 1);
      if (cur % size !== 0n || cur + size - 1n > end) break;
      len--;
    }
    out.push({ family, network: cur, prefixLength: len });
    cur += 1n << BigInt(total - len);
  }
  return out;
}

/**
 * A MetalLB pool entry: a CIDR or an `a-b` range (same family, a <= b). Ranges are summarised
 * into CIDRs as MetalLB does; the order (lowest first) is what allocation walks.
 */
export function parsePoolEntry(text: string): CIDR[] | undefined {
  if (text.includes('-')) {
    const parts = text.split('-');
    if (parts.length !== 2) return undefined;
    const a = parseIP((parts[0] ?? '').trim());
    const b = parseIP((parts[1] ?? '').trim());
    if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
    return rangeToCIDRs(a.family, a.value, b.value);
  }
  const c = parseCIDR(text.trim());
  return c ? [c] : undefined;
}

export function maskIP(ip: IP, prefixLength: number): CIDR {
  return { family: ip.family, network: ip.value & maskOf(ip.family, prefixLength), prefixLength };
}

function compareIP(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Numeric order for address or prefix strings (unparsable ones last, by text). */
export function compareAddressText(a: string, b: string): number {
  const pa = parseIP(a.split('/')[0] ?? '');
  const pb = parseIP(b.split('/')[0] ?? '');
  if (pa && pb) {
    const c = compareIP(pa, pb);
    if (c !== 0) return c;
  } else if (pa || pb) {
    return pa ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

// Validation is node:net's (the same rules as Go's net.ParseIP: no leading zeros, no zone).
export function isIPv4(text: string): boolean {
  return netIsIPv4(text);
}

export function isIPv6(text: string): boolean {
  return netIsIPv6(text) && !text.includes('%');
}

export function isIP(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}

export function isCIDR(text: string): boolean {
  return parseCIDR(text) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// IPv4 as lab files write it. The schema has validated the text; these throw, naming the text,
// where a caller passes something else.

/** `a.b.c.d/n` (node:net's address rules; no leading zeros in the length either). */
export function isIPv4CIDR(text: string): boolean {
  return parseCIDR(text)?.family === 4;
}

function requireIP(text: string): IP {
  const ip = parseIP(text);
  if (!ip) throw new Error(`not an IP address: ${JSON.stringify(text)}`);
  return ip;
}

/** Parses an IPv4 network. With `strict`, host bits must be zero (a network, not an interface address). */
export function ipv4Network(text: string, strict = false): CIDR {
  const c = parseCIDR(text);
  if (!c || c.family !== 4) throw new Error(`not an IPv4 CIDR: ${JSON.stringify(text)}`);
  if (strict && requireIP(text.split('/')[0]!).value !== c.network) {
    throw new Error(`${text} has host bits set (network is ${formatCIDR(c)})`);
  }
  return c;
}

/** The address at offset `n` inside the CIDR (0 = network address). Throws when outside. */
export function hostAt(c: CIDR, n: number): string {
  const ip = cidrHost(c, n);
  if (!Number.isInteger(n) || !ip) throw new Error(`offset ${n} is outside ${formatCIDR(c)} (${cidrSize(c)} addresses)`);
  return formatIP(ip);
}

/** The offset of `address` inside the CIDR (0 = network address), or undefined when outside it. */
export function hostNumber(c: CIDR, address: string): number | undefined {
  const ip = requireIP(address);
  return cidrContains(c, ip) ? Number(ip.value - c.network) : undefined;
}

export function containsAddress(c: CIDR, address: string): boolean {
  return hostNumber(c, address) !== undefined;
}

/** The `/len`-sized block number `index` carved from `pool`. */
export function subnetAt(pool: CIDR, prefixLength: number, index: number): CIDR {
  if (prefixLength < pool.prefixLength) throw new Error(`/${prefixLength} does not fit in ${formatCIDR(pool)}`);
  const count = 2 ** (prefixLength - pool.prefixLength);
  if (index >= count) throw new Error(`${formatCIDR(pool)} has room for ${count} /${prefixLength} blocks, block ${index + 1} requested`);
  return { family: pool.family, network: pool.network + BigInt(index) * (1n << BigInt(bits(pool.family) - prefixLength)), prefixLength };
}
