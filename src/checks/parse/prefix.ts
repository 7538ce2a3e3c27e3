// Prefix text normalised one way, so that `172.30.0.10`, `172.30.0.10/32` and the kernel's bare
// host route compare equal.

import { isIPv6 } from '../../net/ip.ts';

/** `a.b.c.d` -> `a.b.c.d/32`, `default` -> `0.0.0.0/0`; v6 likewise; lower-case. */
export function normalizePrefix(text: string): string {
  const t = text.trim().toLowerCase();
  if (t === 'default') return '0.0.0.0/0';
  if (t.includes('/')) return t;
  return isIPv6(t) ? `${t}/128` : `${t}/32`;
}
