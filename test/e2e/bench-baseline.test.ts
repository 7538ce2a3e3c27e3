// The benchmark's baseline (bench/baseline.ts) is the floor every "pelab ÷ baseline" figure of
// `make bench` divides by; nothing else runs it. Here it brings up the mini lab for real, with the
// same end state as `up`, until every fabric session is Established, and teardown leaves nothing.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/load.ts';
import { planFabric } from '../../src/runtime/netns/plan.ts';
import { teardownInstance } from '../../src/runtime/netns/teardown.ts';
import { VtyClient, vtySocketPath } from '../../src/runtime/netns/vty.ts';
import { eventuallyValue } from '../../src/proc/wait.ts';
import { baselineUp } from '../../bench/baseline.ts';
import { canRunLabs, leftovers, skipReason } from './helpers.ts';

const INSTANCE = 'bench-bl';

describe.skipIf(!canRunLabs)(`bench baseline${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('builds the lab from the runtime\'s plan until every fabric session is Established, and tears down completely', { timeout: 60_000 }, async () => {
    const lab = await loadLab('labs/mini.yaml');
    const plan = planFabric(lab, INSTANCE);
    await teardownInstance(INSTANCE);
    try {
      const phases = await baselineUp(lab, plan, { sameEndState: true });
      expect(Object.keys(phases)).toEqual(['namespaces', 'links', 'endpoints', 'frr']);
      for (const r of plan.routers) {
        const bgpd = new VtyClient(vtySocketPath(r.instance, 'bgpd'));
        try {
          const states = await eventuallyValue(
            async () => {
              const summary = JSON.parse((await bgpd.command('show bgp summary json')).text) as Record<string, { peers?: Record<string, { state: string }> }>;
              const peers = Object.values(summary).flatMap((af) => Object.values(af.peers ?? {}));
              return peers.length > 0 && peers.every((p) => p.state === 'Established') ? peers.map((p) => p.state) : undefined;
            },
            { timeoutMs: 15_000, intervalMs: 100, what: `${r.name}'s sessions Established` },
          );
          expect(states.length).toBeGreaterThan(0);
        } finally {
          bgpd.close();
        }
      }
    } finally {
      await teardownInstance(INSTANCE);
    }
    expect(await leftovers(INSTANCE)).toEqual([]);
  });
});
