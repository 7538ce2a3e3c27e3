// Runs one check: validate its params, poll (eventually or consistently) with the kind's probe and
// evaluate, and turn the outcome into the CheckResult the reports consume.
import { z } from 'zod';
import type { Runtime, Target } from '../runtime/runtime.ts';
import { labNodeOf, targetDir } from '../runtime/roles.ts';
import type { CheckResult } from '../report/result.ts';
import { durationSchema, formatDuration } from '../units/duration.ts';
import { brief } from '../text/summary.ts';
import { consistently, eventually, type Attempt, type PollResult } from '../proc/wait.ts';
import type { Clock } from '../proc/clock.ts';
import { getCheckKind, checkKindNames } from './registry.ts';
import type { Resolver } from './resolver.ts';
import type { AnyCheckKind, CheckMode, CheckScope, Evaluation } from './kinds/types.ts';

/** A check as the scenario layer hands it over: the kind's params still unvalidated. */
export interface CheckSpec {
  readonly kind: string;
  readonly params: unknown;
  /** Human name; defaults to the kind's description of the params. */
  readonly name?: string;
  /** Defaults to the kind's (http `isolated` is consistently; `for` alone implies consistently). */
  readonly mode?: CheckMode;
  /** Eventually: give up after (ms). */
  readonly withinMs?: number;
  /** Consistently: hold for (ms). */
  readonly forMs?: number;
  /** Interval between attempts (ms). */
  readonly everyMs?: number;
  readonly step?: number;
}

export interface ValidatedCheck {
  readonly name: string;
  readonly kind: AnyCheckKind;
  readonly params: unknown;
  readonly mode: CheckMode;
  readonly timeoutMs: number;
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly attemptTimeoutMs: number;
  /**
   * It asserts an absence (isolation, a withdrawn route): that only means something once what its
   * step expects to exist does, so it starts after the step's other checks have passed.
   */
  readonly negative: boolean;
  readonly step: number;
  /** The expectation in words, before any name is resolved. */
  readonly description: string;
}

interface CheckIssue {
  /** Path inside the check, e.g. `params.peer` or `within`. */
  readonly path: string;
  readonly message: string;
}

const pathText = (path: readonly PropertyKey[]) => path.map(String).join('.');

export function validateCheck(spec: CheckSpec): { ok: true; check: ValidatedCheck } | { ok: false; issues: CheckIssue[] } {
  const kind = getCheckKind(spec.kind);
  if (!kind) return { ok: false, issues: [{ path: 'kind', message: `unknown check kind "${spec.kind}"; known: ${checkKindNames().join(', ')}` }] };
  const parsed = kind.params.safeParse(spec.params ?? {});
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: pathText(['params', ...i.path]), message: i.message })) };
  }
  const params: unknown = parsed.data;
  const mode: CheckMode = spec.mode ?? (spec.forMs !== undefined && spec.withinMs === undefined ? 'consistently' : spec.withinMs !== undefined ? 'eventually' : kind.defaultMode(params));
  const issues: CheckIssue[] = [];
  if (mode === 'eventually' && spec.forMs !== undefined) issues.push({ path: 'for', message: '`for` is for consistently checks; use `within`' });
  if (mode === 'consistently' && spec.withinMs !== undefined) issues.push({ path: 'within', message: '`within` is for eventually checks; use `for`' });
  if (issues.length > 0) return { ok: false, issues };
  const row = kind.defaults(params);
  const description = kind.describe(params);
  return {
    ok: true,
    check: {
      name: spec.name ?? description,
      kind,
      params,
      mode,
      timeoutMs: spec.withinMs ?? row.timeoutMs,
      durationMs: spec.forMs ?? row.durationMs,
      intervalMs: spec.everyMs ?? row.intervalMs,
      attemptTimeoutMs: row.attemptTimeoutMs,
      negative: kind.negative?.(params) ?? false,
      step: spec.step ?? 0,
      description,
    },
  };
}

/**
 * The flat form a scenario step can use: `{check: <kind>, name?, mode?, within?, for?, every?,
 * ...params}`. Durations are `500ms|10s|2m`. Turns into a CheckSpec (params still unvalidated).
 */
export const checkEntrySchema = z.looseObject({
  check: z.string().min(1),
  name: z.string().min(1).optional(),
  mode: z.enum(['eventually', 'consistently']).optional(),
  within: durationSchema.optional(),
  for: durationSchema.optional(),
  every: durationSchema.optional(),
});
type CheckEntry = z.infer<typeof checkEntrySchema>;

/** The flat entry as a CheckSpec: everything that is not timing or naming is the kind's params. */
export function checkSpecOf(entry: CheckEntry, step?: number): CheckSpec {
  const { check, name, mode, within, for: forMs, every, ...params } = entry;
  return {
    kind: check,
    params,
    ...(step !== undefined ? { step } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(within !== undefined ? { withinMs: within } : {}),
    ...(forMs !== undefined ? { forMs } : {}),
    ...(every !== undefined ? { everyMs: every } : {}),
  };
}

/** Live progress, one per attempt. */
export interface AttemptInfo {
  readonly check: string;
  readonly kind: string;
  readonly mode: CheckMode;
  readonly attempt: number;
  /** Since the check started. */
  readonly atMs: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly message: string;
  readonly observed: unknown;
}

export interface RunCheckOptions {
  readonly runtime: Runtime;
  readonly resolver: Resolver;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (info: AttemptInfo) => void;
  /** The wait's clock; tests pass a fake one so attempt counts and hold times are exact under load. */
  readonly clock?: Clock;
}

interface Observed {
  readonly plan: unknown;
  readonly observed: unknown;
}

type CheckAttempt = Attempt<Observed, Evaluation>;

function observedOf(a: CheckAttempt | undefined, previous: CheckAttempt | undefined): unknown {
  if (a === undefined) return null;
  if (a.verdict) return a.verdict.observed;
  if (previous?.verdict) return { error: a.error, before: previous.verdict.observed };
  return { error: a.error ?? 'unknown error' };
}

function failureWhy(mode: CheckMode, r: PollResult<Observed, Evaluation>, check: ValidatedCheck): string {
  const n = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
  switch (r.reason) {
    case 'timeout':
      return `not within ${formatDuration(check.timeoutMs)} (${n})`;
    case 'broken':
      return `broke after ${formatDuration(r.ms)} of ${formatDuration(check.durationMs)} (attempt ${r.attempts})`;
    case 'aborted':
      return `aborted after ${formatDuration(r.ms)} (${n})`;
    default:
      return mode;
  }
}

/** Where a check ran: every kind that runs on a node resolves it into its plan's `target`. */
function targetOf(plan: unknown): Target | undefined {
  if (typeof plan !== 'object' || plan === null || !('target' in plan)) return undefined;
  const t = (plan as { target: unknown }).target;
  return typeof t === 'object' && t !== null && 'kind' in t ? (t as Target) : undefined;
}

/** What a check's probes keep across attempts; all of it is closed when the check ends. */
class ScopeOfOneCheck implements CheckScope {
  private readonly kept = new Map<string, { close(): void }>();

  reuse<T extends { close(): void }>(key: string, make: () => T): T {
    const found = this.kept.get(key);
    if (found) return found as T;
    const made = make();
    this.kept.set(key, made);
    return made;
  }

  close(): void {
    for (const k of this.kept.values()) k.close();
    this.kept.clear();
  }
}

/** Runs a validated check. Never throws for a failing check: it returns a failed CheckResult. */
export async function runValidatedCheck(check: ValidatedCheck, options: RunCheckOptions): Promise<CheckResult> {
  const { kind, params } = check;
  const scope = new ScopeOfOneCheck();
  const probe = async (ctx: { signal: AbortSignal; budgetMs: number; holdEndsInMs?: number }): Promise<Observed> => {
    // Resolved on every attempt: a service IP or a session may appear while we wait.
    const plan: unknown = kind.plan(params, options.resolver);
    // Whole milliseconds: the budget near a `within:` deadline is fractional (clock readings), and
    // the probes pass it on as command timeouts (the process library pelab used refused a
    // fractional one, which failed every such http attempt but the last).
    const observed: unknown = await kind.probe(plan, {
      runtime: options.runtime, signal: ctx.signal, budgetMs: Math.floor(ctx.budgetMs), scope,
      ...(ctx.holdEndsInMs !== undefined ? { hold: { endsInMs: ctx.holdEndsInMs, intervalMs: check.intervalMs } } : {}),
    });
    return { plan, observed };
  };
  const evaluate = (o: Observed): Evaluation => kind.evaluate(o.plan, o.observed);
  const onAttempt = (a: CheckAttempt) =>
    options.onAttempt?.({
      check: check.name,
      kind: kind.kind,
      mode: check.mode,
      attempt: a.n,
      atMs: a.atMs,
      ms: Math.round(a.ms),
      ok: a.ok,
      message: a.verdict?.message ?? a.error ?? '',
      observed: a.verdict?.observed ?? { error: a.error },
    });
  const common = {
    intervalMs: check.intervalMs,
    attemptTimeoutMs: check.attemptTimeoutMs,
    onAttempt,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  let r: PollResult<Observed, Evaluation>;
  try {
    r =
      check.mode === 'eventually'
        ? await eventually(probe, evaluate, { ...common, timeoutMs: check.timeoutMs })
        : await consistently(probe, evaluate, { ...common, durationMs: check.durationMs });
  } finally {
    scope.close();
  }
  const last = r.last;
  const expected = last?.verdict?.expected ?? r.lastObserved?.verdict?.expected ?? check.description;
  const observed = observedOf(last, r.lastObserved);
  const target = targetOf(last?.observed?.plan ?? r.lastObserved?.observed?.plan);
  const base = {
    name: check.name,
    kind: kind.kind,
    step: check.step,
    mode: check.mode,
    ms: r.ms,
    attempts: r.attempts,
    expected,
    observed,
    ...(target ? { target: targetDir(target), ...(labNodeOf(target) ? { node: labNodeOf(target) } : {}) } : {}),
  };
  if (r.ok) return { ...base, status: 'passed' };
  const detail = last?.verdict?.message ?? last?.error ?? 'no attempt ran';
  const message = `check "${check.name}" (${kind.kind}) failed: ${failureWhy(check.mode, r, check)}: expected ${expected}; observed ${brief(observed, 300)} (${detail})`;
  return { ...base, status: 'failed', message };
}
