// The one waiting engine (topotests' run_and_expect, testcontainers' IntervalRetry): checks,
// bring-up, teardown and the runtimes poll through `eventually` or `consistently` (or
// `eventuallyValue`, built on `eventually`), never through a loop of their own and never with a
// fixed sleep. Time comes from an injectable Clock, so the tests run on fake time.
import { LabBuildError } from '../errors.ts';
import { realClock, type Clock } from './clock.ts';

export interface ProbeContext {
  /** Aborted when the caller aborts or when the attempt runs past its budget. */
  readonly signal: AbortSignal;
  /** How long this attempt may take; probes pass it on (exec timeouts, curl --max-time). */
  readonly budgetMs: number;
  /** 1-based. */
  readonly attempt: number;
  /**
   * consistently: ms from this attempt's start to the end of the hold, when one more attempt
   * starts. A probe that schedules its own series (one curl for every attempt) plans with it.
   */
  readonly holdEndsInMs?: number;
}

type Probe<O> = (ctx: ProbeContext) => Promise<O>;

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
  /** What the probe threw, for callers that report it. */
  readonly thrown?: unknown;
}

interface PollOptions<O, V extends Verdict> {
  readonly intervalMs: number;
  /** Upper bound per attempt; the attempt is also clipped to the time left (eventually). */
  readonly attemptTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (attempt: Attempt<O, V>) => void;
  /** An error the probe throws that ends the wait at once (rethrown) instead of failing one attempt. */
  readonly fatal?: (error: unknown) => boolean;
  readonly clock?: Clock;
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

class Fatal {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

async function runAttempt<O, V extends Verdict>(
  probe: Probe<O>,
  evaluate: (observed: O) => V,
  n: number,
  atMs: number,
  budgetMs: number,
  options: PollOptions<O, V>,
  clock: Clock,
  holdEndsInMs: number | undefined,
): Promise<Attempt<O, V>> {
  const outer = options.signal;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  // Cancels the hard-stop timer once the probe has answered.
  const settled = new AbortController();
  const started = clock.now();
  try {
    const hardStop = clock.sleep(budgetMs + GRACE_MS, settled.signal).then(
      () => {
        controller.abort(new AttemptTimeout(budgetMs));
        throw new AttemptTimeout(budgetMs);
      },
      () => new Promise<never>(() => undefined),
    );
    const observed = await Promise.race([probe({ signal: controller.signal, budgetMs, attempt: n, ...(holdEndsInMs !== undefined ? { holdEndsInMs } : {}) }), hardStop]);
    const ms = clock.now() - started;
    try {
      const verdict = evaluate(observed);
      return { n, atMs, ms, ok: verdict.ok, observed, verdict };
    } catch (error) {
      return { n, atMs, ms, ok: false, observed, error: `evaluate failed: ${errorText(error)}` };
    }
  } catch (error) {
    if (options.fatal?.(error)) throw new Fatal(error);
    return { n, atMs, ms: clock.now() - started, ok: false, error: errorText(error), thrown: error };
  } finally {
    settled.abort();
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

async function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return;
  try {
    await clock.sleep(ms, signal);
  } catch {
    // Aborted: the caller checks the signal.
  }
}

/** Shared bookkeeping of one poll: attempts, the last one, the last that returned. */
class Poll<O, V extends Verdict> {
  readonly clock: Clock;
  readonly start: number;
  attempts = 0;
  last: Attempt<O, V> | undefined;
  lastObserved: Attempt<O, V> | undefined;
  private readonly probe: Probe<O>;
  private readonly evaluate: (observed: O) => V;
  private readonly options: PollOptions<O, V>;

  constructor(probe: Probe<O>, evaluate: (observed: O) => V, options: PollOptions<O, V>) {
    this.probe = probe;
    this.evaluate = evaluate;
    this.options = options;
    this.clock = options.clock ?? realClock;
    this.start = this.clock.now();
  }

  async attempt(now: number, budgetMs: number, holdEndsInMs?: number): Promise<Attempt<O, V>> {
    this.attempts += 1;
    try {
      this.last = await runAttempt(this.probe, this.evaluate, this.attempts, Math.round(now - this.start), budgetMs, this.options, this.clock, holdEndsInMs);
    } catch (e) {
      if (e instanceof Fatal) throw e.error;
      throw e;
    }
    if (this.last.error === undefined) this.lastObserved = this.last;
    this.options.onAttempt?.(this.last);
    return this.last;
  }

  aborted(): boolean {
    return this.options.signal?.aborted === true;
  }

  result(ok: boolean, reason: PollReason): PollResult<O, V> {
    const { last, lastObserved } = this;
    return {
      ok,
      reason,
      ms: Math.round(this.clock.now() - this.start),
      attempts: this.attempts,
      ...(last ? { last } : {}),
      ...(lastObserved && lastObserved !== last ? { lastObserved } : {}),
    };
  }
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
  const poll = new Poll(probe, evaluate, options);
  const { clock } = poll;
  const deadline = poll.start + options.timeoutMs;
  const attemptCap = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  for (;;) {
    if (poll.aborted()) return poll.result(false, 'aborted');
    const now = clock.now();
    const last = await poll.attempt(now, Math.min(attemptCap, Math.max(MIN_ATTEMPT_MS, deadline - now)));
    if (last.ok) return poll.result(true, 'held');
    if (poll.aborted()) return poll.result(false, 'aborted');
    // The attempt that started at the deadline was the last one; so was one that ran past it.
    if (now >= deadline - TIMER_SLACK_MS || clock.now() >= deadline) return poll.result(false, 'timeout');
    await pause(clock, Math.min(now + options.intervalMs, deadline) - clock.now(), options.signal);
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
  const poll = new Poll(probe, evaluate, options);
  const { clock } = poll;
  const end = poll.start + options.durationMs;
  const budget = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  let due = poll.start;
  for (;;) {
    if (poll.aborted()) return poll.result(false, 'aborted');
    // An attempt counts from when it was due: a timer that fires a hair early must not move every
    // later attempt earlier too (measured: 0.5 ms per attempt added up to an extra attempt).
    const now = Math.max(clock.now(), due);
    const last = await poll.attempt(now, budget, Math.max(0, Math.round(end - now)));
    if (poll.aborted()) return poll.result(false, 'aborted');
    if (!last.ok) return poll.result(false, 'broken');
    if (now >= end - TIMER_SLACK_MS) return poll.result(true, 'held');
    due = Math.min(now + options.intervalMs, end);
    await pause(clock, due - clock.now(), options.signal);
  }
}

interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** What is being waited for, for the error message. */
  readonly what: string;
  readonly signal?: AbortSignal;
  /** Per attempt (default: the whole timeout, so a slow probe is not cut short). */
  readonly attemptTimeoutMs?: number;
  readonly clock?: Clock;
}

/**
 * For bring-up and teardown: polls `probe` until it returns a value other than undefined and
 * returns it. At the deadline (or on abort) it throws LabBuildError naming what it waited for and
 * the probe's last error; a LabBuildError from the probe ends the wait at once.
 */
export async function eventuallyValue<T>(probe: (ctx: ProbeContext) => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const r = await eventually(probe, (value: T | undefined) => ({ ok: value !== undefined }), {
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    attemptTimeoutMs: options.attemptTimeoutMs ?? Math.max(options.timeoutMs, MIN_ATTEMPT_MS),
    fatal: (e) => e instanceof LabBuildError,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  if (r.ok) return r.last!.observed as T;
  options.signal?.throwIfAborted();
  const why = r.last?.error !== undefined ? `: ${r.last.error}` : '';
  throw new LabBuildError(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}`);
}
