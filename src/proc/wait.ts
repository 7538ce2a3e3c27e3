// Polling with a deadline: the only way pelab waits for something to become true.
import { setTimeout as delay } from 'node:timers/promises';
import { LabBuildError } from '../errors.ts';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** What is being waited for, for the error message. */
  readonly what: string;
  readonly signal?: AbortSignal;
}

/** Polls `probe` until it returns a value other than undefined; throws LabBuildError at the deadline. */
export async function eventuallyValue<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      if (e instanceof LabBuildError) throw e;
      lastError = e;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new LabBuildError(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}`);
    }
    await delay(Math.min(options.intervalMs, left), undefined, options.signal ? { signal: options.signal } : {});
  }
}
