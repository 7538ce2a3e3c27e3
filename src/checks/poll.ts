// The one waiting engine (topotests' run_and_expect, netlab's `wait`): every check polls through
// `eventually` or `consistently`, never through a loop of its own and never with a fixed sleep.
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeContext {
  /** Aborted when the caller aborts or when the attempt runs past its budget. */
  readonly signal: AbortSignal;
  /** How long this attempt may take; probes pass it on (exec timeouts, curl --max-time). */
  readonly budgetMs: number;
  /** 1-based. */
  readonly attempt: number;
}

export type Probe<O> = (ctx: ProbeContext) => Promise<O>;

export interface Verdict {
  readonly ok: boolean;
}

export interface Attempt<O, V extends Verdict> {
  readonly n: number;
  /** Start of the attempt, ms since polling started. */
  readonly atMs: number;
  /** How long the probe took. */
  readonly ms: number;
  readonly ok: boolean;
  /** Set when the probe returned. */
  readonly observed?: O;
  readonly verdict?: V;
  /** Set when the probe threw or ran out of time: that attempt failed, with this as observed. */
  readonly error?: string;
}

export interface PollOptions<O, V extends Verdict> {
  readonly intervalMs: number;
  /** Upper bound per attempt; the attempt is also clipped to the time left (eventually). */
  readonly attemptTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (attempt: Attempt<O, V>) => void;
}

export type PollReason = 'held' | 'timeout' | 'broken' | 'aborted';

export interface PollResult<O, V extends Verdict> {
  readonly ok: boolean;
  /** held: the condition held; timeout: eventually gave up; broken: consistently saw a failure. */
  readonly reason: PollReason;
  /** Until it held (eventually), until it was held for the duration or broke (consistently), or until giving up. */
  readonly ms: number;
  readonly attempts: number;
  /** The last attempt: its observed value (or error) is what a failure message shows. */
  readonly last?: Attempt<O, V>;
  /** The last attempt whose probe returned, when the last one threw. */
  readonly lastObserved?: Attempt<O, V>;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;
/**
 * Eventually clips an attempt to the time left, but not below this (a lower per-attempt cap still
 * wins): an attempt with a 3 ms budget would always fail and replace a meaningful last
 * observation with a timeout. It bounds how far the last attempt can run past the deadline.
 */
export const MIN_ATTEMPT_MS = 250;
/** Timers may fire a hair early against performance.now(). */
const TIMER_SLACK_MS = 2;
/** A probe that ignores its signal is abandoned this long after its budget. */
const GRACE_MS = 100;

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`probe did not answer within ${ms} ms`);
    this.name = 'AttemptTimeout';
  }
}

async function runAttempt<O, V extends Verdict>(
  probe: Probe<O>,
  evaluate: (observed: O) => V,
  n: number,
  atMs: number,
  budgetMs: number,
  outer: AbortSignal | undefined,
): Promise<Attempt<O, V>> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    const hardStop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new AttemptTimeout(budgetMs));
        reject(new AttemptTimeout(budgetMs));
      }, budgetMs + GRACE_MS);
    });
    const observed = await Promise.race([probe({ signal: controller.signal, budgetMs, attempt: n }), hardStop]);
    const ms = performance.now() - started;
    try {
      const verdict = evaluate(observed);
      return { n, atMs, ms, ok: verdict.ok, observed, verdict };
    } catch (error) {
      return { n, atMs, ms, ok: false, observed, error: `evaluate failed: ${errorText(error)}` };
    }
  } catch (error) {
    return { n, atMs, ms: performance.now() - started, ok: false, error: errorText(error) };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch {
    // Aborted: the caller checks the signal.
  }
}

function result<O, V extends Verdict>(
  ok: boolean,
  reason: PollReason,
  start: number,
  attempts: number,
  last: Attempt<O, V> | undefined,
  lastObserved: Attempt<O, V> | undefined,
): PollResult<O, V> {
  return {
    ok,
    reason,
    ms: Math.round(performance.now() - start),
    attempts,
    ...(last ? { last } : {}),
    ...(lastObserved && lastObserved !== last ? { lastObserved } : {}),
  };
}

/**
 * Probes every `intervalMs` (start to start) until `evaluate` says ok or `timeoutMs` has passed.
 * A probe that throws is a failed attempt. The last attempt starts AT the deadline (a condition
 * that holds by then passes) and is clipped to MIN_ATTEMPT_MS, so it overshoots by at most that
 * plus a small grace.
 */
export async function eventually<O, V extends Verdict>(
  probe: Probe<O>,
  evaluate: (observed: O) => V,
  options: PollOptions<O, V> & { readonly timeoutMs: number },
): Promise<PollResult<O, V>> {
  const start = performance.now();
  const deadline = start + options.timeoutMs;
  const attemptCap = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  let attempts = 0;
  let last: Attempt<O, V> | undefined;
  let lastObserved: Attempt<O, V> | undefined;
  for (;;) {
    if (options.signal?.aborted) return result(false, 'aborted', start, attempts, last, lastObserved);
    const now = performance.now();
    attempts += 1;
    const budget = Math.min(attemptCap, Math.max(MIN_ATTEMPT_MS, deadline - now));
    last = await runAttempt(probe, evaluate, attempts, Math.round(now - start), budget, options.signal);
    if (last.error === undefined) lastObserved = last;
    options.onAttempt?.(last);
    if (last.ok) return result(true, 'held', start, attempts, last, lastObserved);
    if (options.signal?.aborted) return result(false, 'aborted', start, attempts, last, lastObserved);
    // The attempt that started at the deadline was the last one; so was one that ran past it.
    if (now >= deadline - TIMER_SLACK_MS || performance.now() >= deadline) {
      return result(false, 'timeout', start, attempts, last, lastObserved);
    }
    await pause(Math.min(now + options.intervalMs, deadline) - performance.now(), options.signal);
  }
}

/**
 * Probes every `intervalMs` for `durationMs`; every attempt must hold, and the first that does not
 * ends it (broken). The window is sampled at both ends: one more attempt starts at its end.
 */
export async function consistently<O, V extends Verdict>(
  probe: Probe<O>,
  evaluate: (observed: O) => V,
  options: PollOptions<O, V> & { readonly durationMs: number },
): Promise<PollResult<O, V>> {
  const start = performance.now();
  const end = start + options.durationMs;
  const budget = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  let attempts = 0;
  let last: Attempt<O, V> | undefined;
  let lastObserved: Attempt<O, V> | undefined;
  for (;;) {
    if (options.signal?.aborted) return result(false, 'aborted', start, attempts, last, lastObserved);
    const now = performance.now();
    attempts += 1;
    last = await runAttempt(probe, evaluate, attempts, Math.round(now - start), budget, options.signal);
    if (last.error === undefined) lastObserved = last;
    options.onAttempt?.(last);
    if (options.signal?.aborted) return result(false, 'aborted', start, attempts, last, lastObserved);
    if (!last.ok) return result(false, 'broken', start, attempts, last, lastObserved);
    if (now >= end - TIMER_SLACK_MS) return result(true, 'held', start, attempts, last, lastObserved);
    await pause(Math.min(now + options.intervalMs, end) - performance.now(), options.signal);
  }
}
