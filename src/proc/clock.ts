// Time as the wait primitive sees it. Production uses the real monotonic clock and timers; tests
// inject a fake one, so deadlines, intervals and budgets are tested exactly and instantly
// (testcontainers' IntervalRetry on a Clock).
import { setTimeout as sleepFor } from 'node:timers/promises';

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepFor(Math.max(0, ms), undefined, signal ? { signal } : {}),
};
