// One-line summaries of values for people: check messages, console lines, report fields, bundle
// indexes. Every writer cuts, flattens and escapes the same way, from this one module.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Turns whatever a check observed into plain JSON. Observed values come from many checks
 * (parsed FRR output, curl results, errors), so this must never throw: a report that cannot be
 * written hides the failure it was meant to explain.
 */
export function toJsonValue(value: unknown): JsonValue {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): JsonValue => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) ? v : String(v);
      case 'bigint':
        return v.toString();
      case 'symbol':
        return v.toString();
      case 'function':
        return `[function ${v.name || 'anonymous'}]`;
    }
    const obj = v as object;
    if (seen.has(obj)) return '[circular]';
    seen.add(obj);
    try {
      if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
      if (obj instanceof Error) {
        const out: { [key: string]: JsonValue } = { name: obj.name, message: obj.message };
        if ('code' in obj && obj.code !== undefined) out['code'] = walk(obj.code);
        if (obj.cause !== undefined) out['cause'] = walk(obj.cause);
        return out;
      }
      if (Array.isArray(obj)) return obj.map(walk);
      if (obj instanceof Map) return walk(Object.fromEntries([...obj.entries()].map(([k, x]) => [String(k), x])));
      if (obj instanceof Set) return [...obj].map(walk);
      if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(obj)) {
        if (x === undefined || typeof x === 'function') continue;
        out[k] = walk(x);
      }
      return out;
    } finally {
      seen.delete(obj);
    }
  };
  return walk(value);
}

/** An observed value on one line: strings as they are, anything else as compact JSON. */
export function condense(value: unknown, maxLength = 300): string {
  const text = typeof value === 'string' ? value : JSON.stringify(toJsonValue(value));
  return truncate(printable(text.replace(/\s*\n\s*/g, ' ')), maxLength);
}

/**
 * Control characters shown as `\xNN`: observed output (curl, FRR) may carry terminal escapes
 * that would otherwise recolour or move the cursor of whoever reads the report.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 1) return text.slice(0, maxLength);
  return `${text.slice(0, maxLength - 1)}…`;
}

/** Short JSON for messages (strings quoted, `nothing` for undefined): long values are cut, not dropped. */
export function brief(value: unknown, max = 200): string {
  if (value === undefined) return 'nothing';
  return truncate(JSON.stringify(toJsonValue(value)), max);
}
