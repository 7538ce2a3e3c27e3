// MetalLB L2 mode must be able to fail: expecting the node that did not win the election exits 1
// and names the node that answers ARP next to the one expected (the shipped scenario's pass is
// in scenarios.test.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canRunLabs, leftovers, pelab, readJson, ROOT, skipReason } from './helpers.ts';

interface Result {
  passed: boolean;
  failures: { name: string; expected: string; observed: unknown; message: string }[];
  checks: { name: string; status: string }[];
}

describe.skipIf(!canRunLabs)(`L2 mode, a wrong expected node${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('exits 1 naming the observed and the expected node, and cleans up', { timeout: 300_000 }, async () => {
    const json = join(ROOT, 'out', 'test', 'l2-wrong-node.json');
    const r = await pelab(['run', 'test/fixtures/scenarios/l2-wrong-node.yaml', '--name', 'neg-l2', '--json', json]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
    const result = readJson<Result>(json);
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => c.status === 'passed')).toHaveLength(1);
    const [failure, ...more] = result.failures;
    expect(more).toEqual([]);
    expect(failure!.name).toBe('the wrong node answers');
    expect(failure!.expected).toBe('l2-worker alone answers ARP for service default/envoy-gateway (172.18.255.200) seen from client, and is elected');
    // The last attempt starts at the deadline with 250 ms to run; under load it may time out, and
    // the report then shows the observation before it.
    const observed = failure!.observed as { before?: unknown };
    expect(observed.before ?? observed).toEqual({ elected: 'l2-worker2', arpAnsweredBy: ['l2-worker2'], clientNeighbor: 'none' });
    expect(failure!.message).toContain('expected l2-worker alone answers ARP');
    expect(failure!.message).toContain('"elected":"l2-worker2","arpAnsweredBy":["l2-worker2"]');
    expect(r.stdout).toMatch(/observed: .*"arpAnsweredBy":\["l2-worker2"\]/);
    expect(await leftovers('neg-l2')).toEqual([]);
  });
});
