// The one step loop: run and dry-run walk the same sequence, manifests first, each step to the
// handler of its kind. Uses the repository's real scenario files.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { MANIFESTS_STEP, walkSteps, type StepHandlers } from '../../src/scenario/steps.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function recorder(seen: string[]): StepHandlers {
  const note = (kind: string) => async (step: { index: number }, label: string) => void seen.push(`${kind}@${step.index}: ${label}`);
  return { apply: note('apply'), delete: note('delete'), fault: note('fault'), relabel: note('relabel'), wait: note('wait'), checks: note('checks') };
}

describe('walkSteps', () => {
  it('applies spec.manifests first, then hands every step to its kind, in file order', async () => {
    const s = await loadScenario(join(ROOT, 'scenarios', 'fabric-faults.yaml'));
    const seen: string[] = [];
    await walkSteps(s, recorder(seen));
    expect(seen[0]).toBe(`apply@${MANIFESTS_STEP}: apply manifests`);
    expect(seen.slice(1).map((l) => l.split('@')[0])).toEqual(s.steps.map((st) => st.kind));
    expect(seen.slice(1).map((l) => Number(l.split('@')[1]!.split(':')[0]))).toEqual(s.steps.map((st) => st.index));
  });

  it('faults arrive resolved: each names its target', async () => {
    const s = await loadScenario(join(ROOT, 'scenarios', 'fabric-faults.yaml'));
    const faults = s.steps.flatMap((st) => (st.kind === 'fault' ? [st.fault] : []));
    expect(faults).toEqual([
      { kind: 'link-down', target: { kind: 'router', name: 'leafkind1' }, interface: 'eth1' },
      { kind: 'link-up', target: { kind: 'router', name: 'leafkind1' }, interface: 'eth1' },
      { kind: 'restart-frr', target: { kind: 'pe', node: 'pe-kind-worker' } },
      { kind: 'restart-frr', target: { kind: 'speaker', node: 'pe-kind-worker2' } },
      { kind: 'restart-frr', target: { kind: 'router', name: 'leafA' } },
    ]);
  });

  it('stops before the next step once aborted', async () => {
    const s = await loadScenario(join(ROOT, 'scenarios', 'fabric-faults.yaml'));
    const seen: string[] = [];
    const controller = new AbortController();
    const handlers = recorder(seen);
    await expect(walkSteps(s, { ...handlers, apply: async (st, l) => (await handlers.apply(st, l), controller.abort()) }, controller.signal)).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });
});
