// Building blocks shared by pelab's schemas of the Kubernetes kinds it supports. Objects are
// strict: a field pelab does not model is an error that names it, never silently ignored.
import { z } from 'zod';
import { isCIDR, isIP, parseCIDR, parseIP } from '../../net/ip.ts';

export const asn = z
  .number({ error: 'an AS number (integer 1..4294967295)' })
  .int('an AS number (integer 1..4294967295)')
  .min(1, 'an AS number (integer 1..4294967295)')
  .max(4294967295, 'an AS number (integer 1..4294967295)');

export const intIn = (min: number, max: number, what = 'an integer') =>
  z
    .number({ error: `${what} in ${min}..${max}` })
    .int(`${what} in ${min}..${max}`)
    .min(min, `${what} in ${min}..${max}`)
    .max(max, `${what} in ${min}..${max}`);

export const ipAddress = z.string().refine(isIP, 'an IP address, e.g. 192.168.11.2');
export const ipv4Address = z.string().refine((s) => parseIP(s)?.family === 4, 'an IPv4 address, e.g. 192.168.11.2');
export const cidr = z.string().refine(isCIDR, 'a CIDR, e.g. 192.169.10.0/24');
export const ipv4CIDR = z.string().refine((s) => parseCIDR(s)?.family === 4, 'an IPv4 CIDR, e.g. 192.169.10.0/24');
export const ipv6CIDR = z.string().refine((s) => parseCIDR(s)?.family === 6, 'an IPv6 CIDR, e.g. fd00:10::/64');

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const dnsSubdomain = z
  .string()
  .max(253, 'a DNS-1123 subdomain (lowercase letters, digits, - and ., at most 253)')
  .regex(DNS1123_SUBDOMAIN, 'a DNS-1123 subdomain (lowercase letters, digits, - and ., at most 253)');
export const dnsLabel = z
  .string()
  .max(63, 'a DNS-1123 label (lowercase letters, digits and -, at most 63)')
  .regex(DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits and -, at most 63)');
export const dns1035Label = z
  .string()
  .max(63, 'a DNS-1035 label (starts with a letter; lowercase letters, digits and -, at most 63)')
  .regex(DNS1035_LABEL, 'a DNS-1035 label (starts with a letter; lowercase letters, digits and -, at most 63)');

export const stringMap = z.record(z.string(), z.string({ error: 'a string value (quote numbers and booleans)' }));

/** metadata of a manifest as pelab accepts it: what a user writes, nothing the API server sets. */
export const objectMeta = (name: z.ZodType<string> = dnsSubdomain, namespaced = true) =>
  z.strictObject({
    name,
    ...(namespaced ? { namespace: dnsLabel.optional() } : {}),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  });

const labelSelectorRequirement = z
  .strictObject({
    key: z.string().min(1),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(z.string()).optional(),
  })
  .superRefine((r, ctx) => {
    const n = r.values?.length ?? 0;
    if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `a non-empty list for operator ${r.operator}` });
    }
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n > 0) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `no values for operator ${r.operator}` });
    }
  });

export const labelSelector = z.strictObject({
  matchLabels: stringMap.optional(),
  matchExpressions: z.array(labelSelectorRequirement).optional(),
});
export type LabelSelector = z.output<typeof labelSelector>;

/** Kubernetes label selector semantics; an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A list of selectors as MetalLB uses them: empty list = everything, otherwise any may match. */
export function anySelectorMatches(selectors: readonly LabelSelector[] | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selectors || selectors.length === 0) return true;
  return selectors.some((s) => selectorMatches(s, labels));
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (what metav1.Duration accepts), in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const part of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] as string] as number);
  }
  return m[1] === '-' ? -total : total;
}

export const duration = z
  .string()
  .refine((s) => (parseGoDuration(s) ?? -1) >= 0, 'a duration such as 90s, 1m30s or 500ms');

/**
 * A route target as frr-k8s and OpenPERouter accept it: `ASN:NN` (2-byte ASN with a 4-byte
 * number, or a 4-byte ASN with a 2-byte number), `IPv4:NN` (2-byte number), and for imports
 * `*:NN`.
 */
export function isRouteTarget(text: string, allowWildcard: boolean): boolean {
  if (text.length > 21) return false;
  const parts = text.split(':');
  if (parts.length !== 2) return false;
  const [admin, num] = parts as [string, string];
  if (!/^\d+$/.test(num)) return false;
  const n = Number(num);
  if (admin === '*') return allowWildcard && n <= 4294967295;
  if (admin.includes('.')) return parseIP(admin)?.family === 4 && n <= 65535;
  if (!/^\d+$/.test(admin)) return false;
  const a = Number(admin);
  if (a > 4294967295) return false;
  return a <= 65535 ? n <= 4294967295 : n <= 65535;
}

const COMMUNITY = /^(\d+):(\d+)$/;
const LARGE_COMMUNITY = /^large:(\d+):(\d+):(\d+)$/;

/**
 * RFC 1997 / 7611 / 7999 / 8326 well-known communities by the names FRR and router vendors use.
 * MetalLB and frr-k8s accept only numbers, so pelab names the number when a name is written.
 */
const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, string>> = {
  'graceful-shutdown': '65535:0',
  'accept-own': '65535:1',
  'llgr-stale': '65535:6',
  'no-llgr': '65535:7',
  blackhole: '65535:666',
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  'local-as': '65535:65283',
  'no-peer': '65535:65284',
};

/** What a community field expects, naming the numeric form when a well-known name was written. */
export function communityExpectation(text: string, alsoAlias = false): string {
  const base = `a community A:B (16-bit each) or large:A:B:C${alsoAlias ? ' or the name of a Community alias' : ''}`;
  const numeric = WELL_KNOWN_COMMUNITIES[text.toLowerCase()];
  if (numeric) return `${base}; MetalLB takes well-known communities as numbers only: write ${text} as "${numeric}"`;
  return `${base} (${text} is none of these)`;
}

/** A community value as MetalLB and frr-k8s take it: `A:B` (16-bit each) or `large:A:B:C` (32-bit each). */
export function parseCommunity(text: string): { kind: 'standard' | 'large'; value: string } | undefined {
  const s = COMMUNITY.exec(text);
  if (s) return Number(s[1]) <= 65535 && Number(s[2]) <= 65535 ? { kind: 'standard', value: `${Number(s[1])}:${Number(s[2])}` } : undefined;
  const l = LARGE_COMMUNITY.exec(text);
  if (l && [l[1], l[2], l[3]].every((x) => Number(x) <= 4294967295)) {
    return { kind: 'large', value: `${Number(l[1])}:${Number(l[2])}:${Number(l[3])}` };
  }
  return undefined;
}

/** Linux interface name rules (what OpenPERouter's CRD enforces). */
export const interfaceName = z
  .string()
  .min(1)
  .max(15, 'an interface name of at most 15 characters')
  .regex(/^[a-zA-Z][a-zA-Z0-9._-]*$/, 'an interface name: a letter, then letters, digits, ., _ or -');

/** A Kubernetes label key: an optional DNS prefix and `/`, then a name of at most 63 characters. */
export const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'a label key, e.g. node-role.kubernetes.io/network');

/** A Kubernetes label value: empty, or at most 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric. */
export const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'a label value (at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit)');
