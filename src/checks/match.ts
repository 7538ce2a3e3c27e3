// JSON subset matching in the manner of FRR topotests' json_cmp: what a scenario writes is a
// subset of what the router prints. Every check that compares structures goes through here so
// that "absent", "any" and array semantics mean the same thing everywhere.
import { brief } from '../text/summary.ts';

/** Written in YAML as "<absent>": the key must not exist. `null` means the same (topotests). */
export const ABSENT = '<absent>';
/** Written in YAML as "<any>": the key must exist, its value does not matter. */
export const ANY = '<any>';
/** As the first element of an expected array: match element by element, in order. */
export const ORDERED = '__ordered__';

export type MismatchReason = 'missing' | 'unexpected' | 'value' | 'type' | 'no-element' | 'length';

export interface Mismatch {
  /** JSON path of the mismatch, e.g. `$.peers["192.168.11.3"].state`. */
  readonly path: string;
  readonly reason: MismatchReason;
  readonly expected: unknown;
  readonly observed: unknown;
  /** For `no-element`: the mismatches against the closest observed element. */
  readonly closest?: readonly Mismatch[];
}

interface MatchOptions {
  /** Match every array in order (element i against element i). Default: unordered subset. */
  readonly ordered?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isAbsentMarker = (v: unknown): boolean => v === null || v === ABSENT;

const SIMPLE_KEY = /^[A-Za-z_$][\w$]*$/;
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return SIMPLE_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Scalars compare strictly, except that a number matches the same number written as a string:
 * FRR prints `"vni":"100"` in one command and `"vni":100` in the next, and YAML authors cannot be
 * expected to know which.
 */
function scalarEqual(expected: unknown, observed: unknown): boolean {
  if (expected === observed) return true;
  if (typeof expected === 'number' && typeof observed === 'string') return observed.trim() !== '' && Number(observed) === expected;
  if (typeof expected === 'string' && typeof observed === 'number') return expected.trim() !== '' && Number(expected) === observed;
  return false;
}

/** The mismatches of `expected` against `observed`; empty means it matches. Pure. */
export function jsonMatch(expected: unknown, observed: unknown, options: MatchOptions = {}): Mismatch[] {
  return matchAt('$', expected, observed, options);
}

export function matches(expected: unknown, observed: unknown, options: MatchOptions = {}): boolean {
  return jsonMatch(expected, observed, options).length === 0;
}

function matchAt(path: string, expected: unknown, observed: unknown, options: MatchOptions): Mismatch[] {
  if (expected === ANY) {
    return observed === undefined ? [{ path, reason: 'missing', expected, observed }] : [];
  }
  if (isAbsentMarker(expected)) {
    // At the top or inside an array there is no key to be absent: read it as "nothing there".
    return observed === undefined || observed === null ? [] : [{ path, reason: 'unexpected', expected: ABSENT, observed }];
  }
  if (observed === undefined) return [{ path, reason: 'missing', expected, observed }];
  if (Array.isArray(expected)) {
    if (!Array.isArray(observed)) return [{ path, reason: 'type', expected, observed }];
    return matchArray(path, expected, observed, options);
  }
  if (isObject(expected)) {
    if (!isObject(observed)) return [{ path, reason: 'type', expected, observed }];
    const out: Mismatch[] = [];
    for (const [key, exp] of Object.entries(expected)) {
      const here = childPath(path, key);
      const has = Object.prototype.hasOwnProperty.call(observed, key);
      if (isAbsentMarker(exp)) {
        if (has) out.push({ path: here, reason: 'unexpected', expected: ABSENT, observed: observed[key] });
        continue;
      }
      if (!has) {
        out.push({ path: here, reason: 'missing', expected: exp, observed: undefined });
        continue;
      }
      out.push(...matchAt(here, exp, observed[key], options));
    }
    return out;
  }
  return scalarEqual(expected, observed) ? [] : [{ path, reason: 'value', expected, observed }];
}

function matchArray(path: string, expected: readonly unknown[], observed: readonly unknown[], options: MatchOptions): Mismatch[] {
  const ordered = options.ordered === true || expected[0] === ORDERED;
  const items = expected[0] === ORDERED ? expected.slice(1) : expected;
  if (ordered) {
    const out: Mismatch[] = [];
    if (observed.length < items.length) out.push({ path, reason: 'length', expected: items.length, observed: observed.length });
    items.forEach((exp, i) => {
      if (i < observed.length) out.push(...matchAt(childPath(path, i), exp, observed[i], options));
    });
    return out;
  }
  // Unordered subset: every expected element needs its OWN observed element (two expected paths
  // must not both be satisfied by one observed path). A bipartite matching, not a greedy scan,
  // so that the order of the expected elements cannot change the verdict.
  const fits: boolean[][] = items.map((exp) => observed.map((obs) => matchAt('$', exp, obs, options).length === 0));
  const owner = new Array<number>(observed.length).fill(-1);
  const assign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < observed.length; j++) {
      if (!fits[i]?.[j] || seen[j]) continue;
      seen[j] = true;
      const current = owner[j] ?? -1;
      if (current === -1 || assign(current, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  const out: Mismatch[] = [];
  items.forEach((exp, i) => {
    if (assign(i, new Array<boolean>(observed.length).fill(false))) return;
    const closest = closestElement(path, exp, observed, options);
    out.push({
      path: childPath(path, i),
      reason: 'no-element',
      expected: exp,
      observed: closest ? observed[closest.index] : observed,
      ...(closest ? { closest: closest.mismatches } : {}),
    });
  });
  return out;
}

function closestElement(path: string, expected: unknown, observed: readonly unknown[], options: MatchOptions):
  { index: number; mismatches: Mismatch[] } | undefined {
  let best: { index: number; mismatches: Mismatch[] } | undefined;
  observed.forEach((obs, index) => {
    const mismatches = matchAt(childPath(path, index), expected, obs, options);
    if (!best || mismatches.length < best.mismatches.length) best = { index, mismatches };
  });
  return best;
}

/** One line per mismatch, e.g. `$.state: expected "Established", observed "Active"`. */
export function formatMismatches(mismatches: readonly Mismatch[], max = 5): string {
  const lines = mismatches.slice(0, max).map((m) => {
    switch (m.reason) {
      case 'missing':
        return `${m.path}: missing (expected ${brief(m.expected)})`;
      case 'unexpected':
        return `${m.path}: expected absent, observed ${brief(m.observed)}`;
      case 'length':
        return `${m.path}: expected at least ${String(m.expected)} elements, observed ${String(m.observed)}`;
      case 'no-element': {
        const near = m.closest?.length ? `; closest: ${formatMismatches(m.closest, 2)}` : '';
        return `${m.path}: no element matches ${brief(m.expected)}${near}`;
      }
      default:
        return `${m.path}: expected ${brief(m.expected)}, observed ${brief(m.observed)}`;
    }
  });
  if (mismatches.length > max) lines.push(`(+${mismatches.length - max} more)`);
  return lines.join('; ');
}
