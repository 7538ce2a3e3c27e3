// Every shipped scenario, end to end on the netns runtime: real FRR, real VXLAN, real curl. Each
// must pass, report every check in its JSON result, and leave nothing behind.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canRunLabs, leftovers, pelab, readJson, ROOT, skipReason } from './helpers.ts';

interface JsonResult {
  passed: boolean;
  scenario: string;
  runtime: string;
  lab: string;
  phases: { name: string; ms: number }[];
  checks: { name: string; kind: string; status: string; ms: number; attempts: number }[];
}

const scenarios = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();

// Two scenarios at a time (vitest.config.ts maxConcurrency): each has its own lab instance, most
// of a scenario is waiting on BGP and `for:` holds, and one at a time made this file the longest
// part of `make test` (about 110 s for 11 scenarios).
describe.skipIf(!canRunLabs)(`shipped scenarios on netns${skipReason ? ` (skipped: ${skipReason})` : ''}`, { concurrent: true }, () => {
  it('ships the demos and at least two more', () => {
    expect(scenarios).toEqual(expect.arrayContaining(['metallb-evpn.yaml', 'metallb-passthrough.yaml', 'evpn-withdrawal.yaml', 'evpn-routes-per-vni.yaml']));
  });

  scenarios.forEach((file, i) => {
    it(`${file} passes and cleans up`, { timeout: 300_000 }, async () => {
      const instance = `e2e-${i}`;
      const json = join(ROOT, 'out', 'test', `${instance}.json`);
      const r = await pelab(['run', `scenarios/${file}`, '--name', instance, '--json', json]);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      const result = readJson<JsonResult>(json);
      expect(result.passed).toBe(true);
      expect(result.runtime).toBe('netns');
      expect(result.checks.length).toBeGreaterThan(0);
      for (const c of result.checks) {
        expect(c.status, c.name).toBe('passed');
        expect(c.attempts).toBeGreaterThanOrEqual(1);
        expect(c.ms).toBeGreaterThanOrEqual(0);
      }
      expect(result.phases.map((p) => p.name)).toEqual(expect.arrayContaining(['up', 'down']));
      expect(await leftovers(instance)).toEqual([]);
    });
  });
});
