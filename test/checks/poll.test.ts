// Real timers and cheap real async probes; every test stays well under a second.
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { consistently, eventually, MIN_ATTEMPT_MS, type Attempt, type ProbeContext } from '../../src/checks/poll.ts';

type V = { ok: boolean; value: number };
const isThree = (n: number): V => ({ ok: n >= 3, value: n });

function counter(delayMs = 1) {
  let n = 0;
  return async () => {
    await sleep(delayMs);
    n += 1;
    return n;
  };
}

describe('eventually', () => {
  it('returns as soon as the condition holds, with attempts and time', async () => {
    const seen: Attempt<number, V>[] = [];
    const r = await eventually(counter(), isThree, { timeoutMs: 2000, intervalMs: 20, onAttempt: (a) => seen.push(a) });
    expect(r.ok).toBe(true);
    expect(r.reason).toBe('held');
    expect(r.attempts).toBe(3);
    expect(r.last?.observed).toBe(3);
    expect(seen.map((a) => a.ok)).toEqual([false, false, true]);
    expect(seen.map((a) => a.n)).toEqual([1, 2, 3]);
    // Two intervals of 20 ms between three attempts: about 40 ms, far from the 2 s deadline.
    expect(r.ms).toBeGreaterThanOrEqual(38);
    expect(r.ms).toBeLessThan(500);
    expect(seen[2]!.atMs).toBeGreaterThanOrEqual(38);
  });

  it('gives up at the deadline, samples at the deadline, and keeps the last observed value', async () => {
    const r = await eventually(counter(), (n: number): V => ({ ok: false, value: n }), { timeoutMs: 300, intervalMs: 50 });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('timeout');
    // 0, 50, ..., 250 and one last at 300.
    expect(r.attempts).toBeGreaterThanOrEqual(6);
    expect(r.attempts).toBeLessThanOrEqual(8);
    expect(r.last?.atMs).toBeGreaterThanOrEqual(295);
    expect(r.ms).toBeGreaterThanOrEqual(299);
    expect(r.ms).toBeLessThan(300 + 150);
    expect(r.last?.observed).toBe(r.attempts);
  });

  it('passes when the condition holds only at the deadline sample', async () => {
    const start = performance.now();
    const r = await eventually(async () => performance.now() - start, (t: number) => ({ ok: t >= 195 }), { timeoutMs: 200, intervalMs: 150 });
    expect(r.ok).toBe(true);
    expect(r.attempts).toBe(3); // 0, 150, 200
  });

  it('counts a throwing probe as a failed attempt with the error as observed', async () => {
    let n = 0;
    const probe = async () => {
      n += 1;
      if (n < 3) throw new Error(`not yet (${n})`);
      return n;
    };
    const seen: Attempt<number, V>[] = [];
    const r = await eventually(probe, isThree, { timeoutMs: 1000, intervalMs: 10, onAttempt: (a) => seen.push(a) });
    expect(r.ok).toBe(true);
    expect(seen[0]).toMatchObject({ ok: false, error: 'not yet (1)' });
    expect(seen[0]?.observed).toBeUndefined();
  });

  it('reports the error of the last attempt, and the last value a probe returned before it', async () => {
    let n = 0;
    const probe = async () => {
      n += 1;
      if (n > 2) throw new Error('vtysh: connection refused');
      return n;
    };
    const r = await eventually(probe, (x: number): V => ({ ok: false, value: x }), { timeoutMs: 100, intervalMs: 20 });
    expect(r.ok).toBe(false);
    expect(r.last?.error).toBe('vtysh: connection refused');
    expect(r.lastObserved?.observed).toBe(2);
  });

  it('counts a throwing evaluate as a failed attempt', async () => {
    const r = await eventually(async () => 1, (): V => {
      throw new Error('boom');
    }, { timeoutMs: 60, intervalMs: 20 });
    expect(r.ok).toBe(false);
    expect(r.last?.error).toContain('boom');
  });

  it('gives each attempt a budget clipped to the time left, never below MIN_ATTEMPT_MS', async () => {
    const budgets: number[] = [];
    const probe = async (ctx: ProbeContext) => {
      budgets.push(ctx.budgetMs);
      return 0;
    };
    await eventually(probe, () => ({ ok: false }), { timeoutMs: 400, intervalMs: 150, attemptTimeoutMs: 300 });
    expect(budgets[0]).toBe(300);
    expect(budgets.at(-1)).toBe(MIN_ATTEMPT_MS);
    expect(Math.max(...budgets)).toBeLessThanOrEqual(300);
  });

  it('abandons a probe that ignores its budget, and the last attempt overshoots little', async () => {
    let aborted = 0;
    const probe = async (ctx: ProbeContext) => {
      ctx.signal.addEventListener('abort', () => (aborted += 1));
      await sleep(10_000, undefined, { ref: false });
      return 0;
    };
    const r = await eventually(probe, () => ({ ok: false }), { timeoutMs: 300, intervalMs: 50, attemptTimeoutMs: 100 });
    expect(r.ok).toBe(false);
    expect(r.last?.error).toContain('did not answer');
    expect(aborted).toBe(r.attempts);
    // Each attempt is cut at its 100 ms budget + grace, so the last one ends soon after the deadline.
    expect(r.ms).toBeLessThan(300 + 100 + 150);
  });

  it('honours an AbortSignal, also in the middle of a wait', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 80);
    const r = await eventually(counter(), () => ({ ok: false }), { timeoutMs: 5000, intervalMs: 1000, signal: controller.signal });
    expect(r.reason).toBe('aborted');
    expect(r.ms).toBeLessThan(300);
  });

  it('passes the abort on to the probe', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const probe = (ctx: ProbeContext) =>
      new Promise<number>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve(0);
        });
      });
    setTimeout(() => controller.abort(), 30);
    const r = await eventually(probe, () => ({ ok: false }), { timeoutMs: 5000, intervalMs: 10, signal: controller.signal });
    expect(sawAbort).toBe(true);
    expect(r.reason).toBe('aborted');
  });
});

describe('consistently', () => {
  it('holds when every attempt passes for the whole duration, sampling both ends', async () => {
    const seen: number[] = [];
    const r = await consistently(async () => 1, () => ({ ok: true }), { durationMs: 200, intervalMs: 50, onAttempt: (a) => seen.push(a.atMs) });
    expect(r.ok).toBe(true);
    expect(r.reason).toBe('held');
    expect(r.attempts).toBeGreaterThanOrEqual(5); // 0, 50, 100, 150, 200
    expect(seen.at(-1)).toBeGreaterThanOrEqual(198);
    expect(r.ms).toBeGreaterThanOrEqual(198);
    expect(r.ms).toBeLessThan(350);
  });

  it('breaks at the first failing attempt, with that attempt as the last observed', async () => {
    const r = await consistently(counter(), (n: number): V => ({ ok: n < 3, value: n }), { durationMs: 5000, intervalMs: 10 });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('broken');
    expect(r.attempts).toBe(3);
    expect(r.last?.observed).toBe(3);
    expect(r.ms).toBeLessThan(500);
  });

  it('a throwing probe breaks it', async () => {
    const r = await consistently(async () => {
      throw new Error('exec failed');
    }, () => ({ ok: true }), { durationMs: 1000, intervalMs: 10 });
    expect(r.reason).toBe('broken');
    expect(r.last?.error).toBe('exec failed');
  });

  it('honours an AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const r = await consistently(async () => 1, () => ({ ok: true }), { durationMs: 5000, intervalMs: 20, signal: controller.signal });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('aborted');
    expect(r.ms).toBeLessThan(300);
  });
});
