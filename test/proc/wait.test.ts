// The one wait primitive on FAKE time (test/proc/fake-clock.ts): every deadline, interval and
// budget below is exact, and the whole file runs in milliseconds.
import { describe, expect, it } from 'vitest';
import { LabBuildError } from '../../src/errors.ts';
import { consistently, eventually, eventuallyValue, MIN_ATTEMPT_MS, type Attempt, type ProbeContext } from '../../src/proc/wait.ts';
import { FakeClock } from './fake-clock.ts';

type V = { ok: boolean; value: number };
const isThree = (n: number): V => ({ ok: n >= 3, value: n });

/** A probe that takes `ms` of (fake) time and counts its calls. */
function counter(clock: FakeClock, ms = 1) {
  let n = 0;
  return async () => {
    await clock.sleep(ms);
    n += 1;
    return n;
  };
}

describe('eventually', () => {
  it('returns as soon as the condition holds, with attempts and time', async () => {
    const clock = new FakeClock();
    const seen: Attempt<number, V>[] = [];
    const r = await clock.run(eventually(counter(clock), isThree, { timeoutMs: 2000, intervalMs: 20, onAttempt: (a) => seen.push(a), clock }));
    expect(r).toMatchObject({ ok: true, reason: 'held', attempts: 3 });
    expect(r.last?.observed).toBe(3);
    expect(seen.map((a) => a.ok)).toEqual([false, false, true]);
    // Start to start every 20 ms; the third probe ends 1 ms after it started.
    expect(seen.map((a) => a.atMs)).toEqual([0, 20, 40]);
    expect(r.ms).toBe(41);
  });

  it('gives up at the deadline, samples at the deadline, and keeps the last observed value', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const r = await clock.run(eventually(counter(clock), (n: number): V => ({ ok: false, value: n }), { timeoutMs: 300, intervalMs: 50, onAttempt: (a) => seen.push(a.atMs), clock }));
    expect(r).toMatchObject({ ok: false, reason: 'timeout', attempts: 7 });
    expect(seen).toEqual([0, 50, 100, 150, 200, 250, 300]);
    expect(r.ms).toBe(301);
    expect(r.last?.observed).toBe(7);
  });

  it('passes when the condition holds only at the deadline sample', async () => {
    const clock = new FakeClock();
    const r = await clock.run(eventually(async () => clock.now(), (t: number) => ({ ok: t >= 200 }), { timeoutMs: 200, intervalMs: 150, clock }));
    expect(r.ok).toBe(true);
    expect(r.attempts).toBe(3); // 0, 150, 200
  });

  it('counts a throwing probe as a failed attempt with the error as observed', async () => {
    const clock = new FakeClock();
    let n = 0;
    const probe = async () => {
      n += 1;
      if (n < 3) throw new Error(`not yet (${n})`);
      return n;
    };
    const seen: Attempt<number, V>[] = [];
    const r = await clock.run(eventually(probe, isThree, { timeoutMs: 1000, intervalMs: 10, onAttempt: (a) => seen.push(a), clock }));
    expect(r.ok).toBe(true);
    expect(seen[0]).toMatchObject({ ok: false, error: 'not yet (1)' });
    expect(seen[0]?.observed).toBeUndefined();
  });

  it('reports the error of the last attempt, and the last value a probe returned before it', async () => {
    const clock = new FakeClock();
    let n = 0;
    const probe = async () => {
      n += 1;
      if (n > 2) throw new Error('vtysh: connection refused');
      return n;
    };
    const r = await clock.run(eventually(probe, (x: number): V => ({ ok: false, value: x }), { timeoutMs: 100, intervalMs: 20, clock }));
    expect(r.ok).toBe(false);
    expect(r.last?.error).toBe('vtysh: connection refused');
    expect(r.lastObserved?.observed).toBe(2);
  });

  it('counts a throwing evaluate as a failed attempt', async () => {
    const clock = new FakeClock();
    const r = await clock.run(eventually(async () => 1, (): V => {
      throw new Error('boom');
    }, { timeoutMs: 60, intervalMs: 20, clock }));
    expect(r.ok).toBe(false);
    expect(r.last?.error).toContain('boom');
  });

  it('gives each attempt a budget clipped to the time left, never below MIN_ATTEMPT_MS', async () => {
    const clock = new FakeClock();
    const budgets: number[] = [];
    const probe = async (ctx: ProbeContext) => {
      budgets.push(ctx.budgetMs);
      return 0;
    };
    await clock.run(eventually(probe, () => ({ ok: false }), { timeoutMs: 400, intervalMs: 150, attemptTimeoutMs: 300, clock }));
    // Attempts at 0, 150, 300, 400: time left 400, 250, 100 (raised to the minimum), 0.
    expect(budgets).toEqual([300, 250, MIN_ATTEMPT_MS, MIN_ATTEMPT_MS]);
  });

  it('abandons a probe that ignores its budget, and the last attempt overshoots little', async () => {
    const clock = new FakeClock();
    let aborted = 0;
    const probe = async (ctx: ProbeContext) => {
      ctx.signal.addEventListener('abort', () => (aborted += 1));
      await clock.sleep(10_000);
      return 0;
    };
    const r = await clock.run(eventually(probe, () => ({ ok: false }), { timeoutMs: 300, intervalMs: 50, attemptTimeoutMs: 100, clock }));
    expect(r.ok).toBe(false);
    expect(r.last?.error).toBe('probe did not answer within 100 ms');
    expect(aborted).toBe(r.attempts);
    // Each attempt is cut at its 100 ms budget + 100 ms grace: attempts at 0, 200 and 400 (past the deadline).
    expect(r.attempts).toBe(2);
    expect(r.ms).toBe(400);
  });

  it('honours an AbortSignal, also in the middle of a wait', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    void clock.sleep(80).then(() => controller.abort());
    const r = await clock.run(eventually(counter(clock), () => ({ ok: false }), { timeoutMs: 5000, intervalMs: 1000, signal: controller.signal, clock }));
    expect(r.reason).toBe('aborted');
    expect(r.ms).toBe(80);
  });

  it('passes the abort on to the probe', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let sawAbort = false;
    const probe = (ctx: ProbeContext) =>
      new Promise<number>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve(0);
        });
      });
    void clock.sleep(30).then(() => controller.abort());
    const r = await clock.run(eventually(probe, () => ({ ok: false }), { timeoutMs: 5000, intervalMs: 10, signal: controller.signal, clock }));
    expect(sawAbort).toBe(true);
    expect(r.reason).toBe('aborted');
  });
});

describe('consistently', () => {
  it('holds when every attempt passes for the whole duration, sampling both ends', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const r = await clock.run(consistently(async () => 1, () => ({ ok: true }), { durationMs: 200, intervalMs: 50, onAttempt: (a) => seen.push(a.atMs), clock }));
    expect(r).toMatchObject({ ok: true, reason: 'held', attempts: 5, ms: 200 });
    expect(seen).toEqual([0, 50, 100, 150, 200]);
  });

  it('timers that fire a hair early do not add up to an extra attempt, and each attempt knows when the hold ends', async () => {
    const clock = new FakeClock();
    // Real timers fire up to about a millisecond early against performance.now().
    const early = { now: () => clock.now(), sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms - 0.6, signal) };
    const seen: [number, number | undefined][] = [];
    const r = await clock.run(consistently(async (ctx: ProbeContext) => {
      seen.push([clock.now(), ctx.holdEndsInMs]);
      await clock.sleep(300);
      return 1;
    }, () => ({ ok: true }), { durationMs: 3000, intervalMs: 500, clock: early }));
    expect(r).toMatchObject({ ok: true, reason: 'held', attempts: 7 });
    expect(seen.map(([, ends]) => ends)).toEqual([3000, 2500, 2000, 1500, 1000, 500, 0]);
    expect(seen.at(-1)![0]).toBeCloseTo(2999.4, 5);
  });

  it('breaks at the first failing attempt, with that attempt as the last observed', async () => {
    const clock = new FakeClock();
    const r = await clock.run(consistently(counter(clock), (n: number): V => ({ ok: n < 3, value: n }), { durationMs: 5000, intervalMs: 10, clock }));
    expect(r).toMatchObject({ ok: false, reason: 'broken', attempts: 3, ms: 21 });
    expect(r.last?.observed).toBe(3);
  });

  it('a throwing probe breaks it', async () => {
    const clock = new FakeClock();
    const r = await clock.run(consistently(async () => {
      throw new Error('exec failed');
    }, () => ({ ok: true }), { durationMs: 1000, intervalMs: 10, clock }));
    expect(r.reason).toBe('broken');
    expect(r.last?.error).toBe('exec failed');
  });

  it('honours an AbortSignal', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    void clock.sleep(50).then(() => controller.abort());
    const r = await clock.run(consistently(async () => 1, () => ({ ok: true }), { durationMs: 5000, intervalMs: 20, signal: controller.signal, clock }));
    expect(r).toMatchObject({ ok: false, reason: 'aborted', ms: 50 });
  });
});

describe('eventuallyValue (bring-up and teardown waits)', () => {
  it('returns the first defined value', async () => {
    const clock = new FakeClock();
    const probe = async () => (clock.now() >= 30 ? 'pid 42' : undefined);
    await expect(clock.run(eventuallyValue(probe, { timeoutMs: 1000, intervalMs: 10, what: 'bgpd', clock }))).resolves.toBe('pid 42');
    expect(clock.now()).toBe(30);
  });

  it('throws LabBuildError at the deadline, naming what it waited for and the last error', async () => {
    const clock = new FakeClock();
    const probe = async (): Promise<string | undefined> => {
      throw new Error('connection refused');
    };
    const wait = clock.run(eventuallyValue(probe, { timeoutMs: 500, intervalMs: 100, what: 'zebra.vty', clock }));
    await expect(wait).rejects.toThrow(LabBuildError);
    await expect(wait).rejects.toThrow('timed out after 500 ms waiting for zebra.vty: connection refused');
    expect(clock.now()).toBe(500);
  });

  it('a LabBuildError from the probe ends the wait at once', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const probe = async (): Promise<string | undefined> => {
      calls += 1;
      throw new LabBuildError('bgpd exited');
    };
    await expect(clock.run(eventuallyValue(probe, { timeoutMs: 5000, intervalMs: 10, what: 'bgpd', clock }))).rejects.toThrow('bgpd exited');
    expect(calls).toBe(1);
    expect(clock.now()).toBe(0);
  });

  it('rethrows the abort reason when aborted', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    void clock.sleep(25).then(() => controller.abort(new Error('interrupted by SIGINT')));
    await expect(clock.run(eventuallyValue(async () => undefined, { timeoutMs: 5000, intervalMs: 10, what: 'x', signal: controller.signal, clock }))).rejects.toThrow('interrupted by SIGINT');
  });
});
