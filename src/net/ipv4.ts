// IPv4 arithmetic on plain numbers. Everything that allocates or matches addresses goes through
// here so that parsing rules (no leading zeros, octets 0-255) are enforced in one place.

import { isIPv4 } from './ip.ts';

export interface Cidr {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  readonly network: number;
  readonly prefixLength: number;
}

/** One validation rule for every address: src/net/ip.ts (node:net). */
export { isIPv4 } from './ip.ts';

export function parseIPv4(text: string): number {
  if (!isIPv4(text)) throw new Error(`not an IPv4 address: ${JSON.stringify(text)}`);
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function formatIPv4(value: number): string {
  const v = value >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

export function isCidr(text: string): boolean {
  const [ip, len, ...rest] = text.split('/');
  if (rest.length > 0 || ip === undefined || len === undefined || !/^\d{1,2}$/.test(len)) return false;
  return isIPv4(ip) && Number(len) <= 32;
}

/** Parses `a.b.c.d/n`. With `strict`, host bits must be zero (a network, not an interface address). */
export function parseCidr(text: string, strict = false): Cidr {
  if (!isCidr(text)) throw new Error(`not an IPv4 CIDR: ${JSON.stringify(text)}`);
  const [ip, len] = text.split('/') as [string, string];
  const prefixLength = Number(len);
  const addr = parseIPv4(ip);
  const network = (addr & maskOf(prefixLength)) >>> 0;
  if (strict && network !== addr) throw new Error(`${text} has host bits set (network is ${formatIPv4(network)}/${prefixLength})`);
  return { network, prefixLength };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefixLength}`;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** The address at offset `n` inside the CIDR (0 = network address). Throws when outside. */
export function hostAt(cidr: Cidr, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= cidrSize(cidr)) {
    throw new Error(`offset ${n} is outside ${formatCidr(cidr)} (${cidrSize(cidr)} addresses)`);
  }
  return formatIPv4(cidr.network + n);
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  return ((parseIPv4(ip) & maskOf(cidr.prefixLength)) >>> 0) === cidr.network;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const len = Math.min(a.prefixLength, b.prefixLength);
  return ((a.network & maskOf(len)) >>> 0) === ((b.network & maskOf(len)) >>> 0);
}

/** The `/len`-sized block number `index` carved from `pool`. */
export function subnetAt(pool: Cidr, prefixLength: number, index: number): Cidr {
  if (prefixLength < pool.prefixLength) throw new Error(`/${prefixLength} does not fit in ${formatCidr(pool)}`);
  const count = 2 ** (prefixLength - pool.prefixLength);
  if (index >= count) throw new Error(`${formatCidr(pool)} has room for ${count} /${prefixLength} blocks, block ${index + 1} requested`);
  return { network: pool.network + index * 2 ** (32 - prefixLength), prefixLength };
}
