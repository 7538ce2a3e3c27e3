// The order a step's checks start in: absence checks only after the step's other checks passed.
import { describe, expect, it } from 'vitest';
import { runInDependencyOrder } from '../../src/scenario/check-order.ts';

interface C { readonly name: string; readonly negative: boolean; readonly passes: boolean }
interface R { readonly name: string; readonly status: 'passed' | 'failed'; readonly note?: string }

/** Runs checks as tasks that settle in reverse order of start, logging starts and ends. */
function harness() {
  const log: string[] = [];
  let open = 0;
  const run = async (c: C): Promise<R> => {
    log.push(`start ${c.name}`);
    open += 1;
    await new Promise((resolve) => setTimeout(resolve, 5 * open));
    open -= 1;
    log.push(`end ${c.name}`);
    return { name: c.name, status: c.passes ? 'passed' : 'failed' };
  };
  const blocked = (c: C, failed: readonly R[]): R => ({ name: c.name, status: 'failed', note: `blocked by ${failed.map((f) => f.name).join(',')}` });
  return { log, run, blocked };
}

const checks: C[] = [
  { name: 'reach-red', negative: false, passes: true },
  { name: 'isolated-blue', negative: true, passes: true },
  { name: 'route-red', negative: false, passes: true },
  { name: 'no-route-blue', negative: true, passes: true },
];

describe('runInDependencyOrder', () => {
  it('starts absence checks only after every other check of the step has passed, and keeps the given order', async () => {
    const h = harness();
    const results = await runInDependencyOrder(checks, 8, h.run, h.blocked);
    expect(results.map((r) => r.name)).toEqual(['reach-red', 'isolated-blue', 'route-red', 'no-route-blue']);
    expect(results.every((r) => r.status === 'passed')).toBe(true);
    const firstNegativeStart = h.log.indexOf('start isolated-blue');
    expect(firstNegativeStart).toBeGreaterThan(h.log.indexOf('end reach-red'));
    expect(firstNegativeStart).toBeGreaterThan(h.log.indexOf('end route-red'));
    expect(h.log.indexOf('start no-route-blue')).toBeGreaterThan(h.log.indexOf('end route-red'));
  });

  it('does not start absence checks when another check failed, and says which', async () => {
    const h = harness();
    const results = await runInDependencyOrder([{ ...checks[0]!, passes: false }, checks[1]!], 8, h.run, h.blocked);
    expect(h.log).not.toContain('start isolated-blue');
    expect(results[1]).toEqual({ name: 'isolated-blue', status: 'failed', note: 'blocked by reach-red' });
  });

  it('runs a step of absence checks only (after a fault or a deletion) at once', async () => {
    const h = harness();
    const results = await runInDependencyOrder([checks[1]!, checks[3]!], 8, h.run, h.blocked);
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(h.log.slice(0, 2)).toEqual(['start isolated-blue', 'start no-route-blue']);
  });
});
