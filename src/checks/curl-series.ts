// An isolation check's attempts through ONE curl process (parse/curl.ts curlSeriesArgv) instead of
// one `nsenter ... curl` per attempt: measured 9 ms of CPU per attempt as its own process against
// under 2 ms as one more transfer of a running curl, plus pelab's own cost of each spawn.
//
// The poll (src/proc/wait.ts consistently) still decides when an attempt starts and judges each
// one; curl sends the SYNs on the same schedule (--rate, start to start) because the series is
// planned from the hold's end. An attempt takes the first transfer that started no earlier than
// half an interval before it, so each attempt's outcome is a SYN sent at its own time and the last
// attempt's SYN goes out at the hold's end. Transfers an attempt passes over (the poll ran late)
// are judged too: an answer among them fails the attempt, so nothing reachable is ever skipped.
// When the series has no transfer left (the poll made more attempts than planned) or the plan
// changed (another address resolved), a new series starts for the rest of the hold.
import { randomBytes } from 'node:crypto';
import type { ExecStream, Runtime, Target } from '../runtime/runtime.ts';
import { curlSeriesArgv, CurlSeriesReader, type CurlOutcome } from './parse/curl.ts';

interface SeriesTarget {
  readonly target: Target;
  readonly vrf?: string;
  readonly url: string;
  readonly connectTimeoutMs?: number;
}

interface SeriesTiming {
  /** Start to start, as the poll's interval. */
  readonly intervalMs: number;
  /** Per transfer (curl --max-time). */
  readonly maxTimeMs: number;
}

type StreamingRuntime = Runtime & { execStream: NonNullable<Runtime['execStream']> };

export function canStream(runtime: Runtime): runtime is StreamingRuntime {
  return typeof runtime.execStream === 'function';
}

interface Transfer {
  readonly outcome: CurlOutcome;
  /** When curl started it (estimated: the series' start plus its slot, or the previous one's end). */
  readonly startedAt: number;
}

/** One running curl series and the transfers it has reported but nobody took yet. */
class Series {
  readonly key: string;
  private readonly stream: ExecStream;
  private readonly unread: Transfer[] = [];
  private reported = 0;
  private lastEnd: number;
  private ended = false;
  private wake: (() => void) | undefined;
  readonly exit: Promise<{ exitCode: number; stderr: string }>;

  constructor(key: string, stream: ExecStream, nonce: string, startedAt: number, intervalMs: number, now: () => number) {
    this.key = key;
    this.stream = stream;
    this.lastEnd = startedAt;
    const reader = new CurlSeriesReader(nonce);
    stream.onStdout((chunk) => {
      for (const outcome of reader.push(chunk)) {
        const slot = startedAt + this.reported * intervalMs;
        this.unread.push({ outcome, startedAt: Math.max(slot, this.lastEnd) });
        this.reported += 1;
        this.lastEnd = now();
      }
      this.wake?.();
    });
    this.exit = stream.result.then((r) => {
      this.ended = true;
      this.wake?.();
      return r;
    });
  }

  get reportedAny(): boolean {
    return this.reported > 0;
  }

  /** The next transfer not taken yet; undefined once curl has ended without another. */
  async take(signal: AbortSignal): Promise<Transfer | undefined> {
    while (this.unread.length === 0 && !this.ended) {
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          this.wake = undefined;
          resolve();
        };
      });
    }
    return this.unread.shift();
  }

  stop(): void {
    this.stream.stop();
  }
}

const isNoAnswer = (o: CurlOutcome): boolean => o.kind === 'unreachable' || o.kind === 'timeout';

/** The curl series of one isolation check (kept in its CheckScope, closed when the check ends). */
export class CurlSeries {
  private readonly runtime: StreamingRuntime;
  private readonly now: () => number;
  private live: Series | undefined;

  constructor(runtime: StreamingRuntime, now: () => number = () => performance.now()) {
    this.runtime = runtime;
    this.now = now;
  }

  /** The outcome of the attempt starting now, `holdEndsInMs` before the hold ends. */
  async next(to: SeriesTarget, timing: SeriesTiming, holdEndsInMs: number, signal: AbortSignal): Promise<CurlOutcome> {
    const attemptAt = this.now();
    const key = JSON.stringify([to.target, to.vrf ?? null, to.url, to.connectTimeoutMs ?? null, timing.intervalMs, timing.maxTimeMs]);
    if (this.live && this.live.key !== key) this.close();
    let fresh = false;
    for (;;) {
      if (!this.live) {
        this.live = this.start(key, to, timing, Math.floor(holdEndsInMs / timing.intervalMs) + 1);
        fresh = true;
      }
      const series = this.live;
      const transfer = await series.take(signal);
      if (transfer === undefined) {
        this.live = undefined;
        const exit = await series.exit;
        // A series that reported nothing failed as a whole (nsenter, stdbuf or curl could not run):
        // an error, never isolation, whatever its exit code.
        if (fresh && !series.reportedAny) {
          const why = exit.stderr.trim().split('\n').slice(-3).join(' ') || 'no output';
          return { kind: 'error', exitCode: exit.exitCode, status: 0, body: '', error: `curl series ended without a transfer (exit ${exit.exitCode}): ${why}` };
        }
        continue;
      }
      // Started well before this attempt (the poll ran late): not this attempt's sample, but an
      // answer in it still counts.
      if (transfer.startedAt < attemptAt - timing.intervalMs / 2 && isNoAnswer(transfer.outcome)) continue;
      return transfer.outcome;
    }
  }

  close(): void {
    this.live?.stop();
    this.live = undefined;
  }

  private start(key: string, to: SeriesTarget, timing: SeriesTiming, count: number): Series {
    const nonce = randomBytes(6).toString('hex');
    const argv = curlSeriesArgv({
      url: to.url,
      count,
      intervalMs: timing.intervalMs,
      nonce,
      maxTimeS: timing.maxTimeMs / 1000,
      ...(to.connectTimeoutMs !== undefined ? { connectTimeoutS: to.connectTimeoutMs / 1000 } : {}),
    });
    const startedAt = this.now();
    const stream = this.runtime.execStream(to.target, argv, {
      ...(to.vrf !== undefined && to.vrf !== 'default' ? { vrf: to.vrf } : {}),
      timeoutMs: (count - 1) * timing.intervalMs + timing.maxTimeMs + 5_000,
    });
    return new Series(key, stream, nonce, startedAt, timing.intervalMs, this.now);
  }
}
