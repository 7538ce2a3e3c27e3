// Prefix text normalised one way, so that `172.30.0.10`, `172.30.0.10/32` and the kernel's bare
// host route compare equal.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(text: string): boolean {
  const m = IPV4.exec(text);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export function isIPv6(text: string): boolean {
  return text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text);
}

export function isIP(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}

/** `a.b.c.d` -> `a.b.c.d/32`, `default` -> `0.0.0.0/0`; v6 likewise; lower-case. */
export function normalizePrefix(text: string): string {
  const t = text.trim().toLowerCase();
  if (t === 'default') return '0.0.0.0/0';
  if (t.includes('/')) return t;
  return isIPv6(t) ? `${t}/128` : `${t}/32`;
}
