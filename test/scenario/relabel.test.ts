// The relabel step (`kubectl label node` while the lab runs): how it loads, what it refuses with
// file, line and path, and what it changes in the model's plan (MetalLB's node selectors). The
// live effect on real FRR is the metallb-bgp-production e2e scenario.
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { loadErrors } from './load-errors.ts';
import { computeDesiredState, mergeLabelChanges, withLabelChanges } from '../../src/k8s/desired.ts';
import { loadManifestFiles } from '../../src/k8s/load.ts';
import { loadLab } from '../../src/lab/load.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function write(steps: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pelab-relabel-'));
  mkdirSync(join(dir, 'm'));
  cpSync(join(ROOT, 'scenarios', 'mini-evpn', 'manifests.yaml'), join(dir, 'm', 'all.yaml'));
  const file = join(dir, 's.yaml');
  writeFileSync(file, `apiVersion: pelab.dev/v1alpha1\nkind: Scenario\nmetadata: { name: t }\nspec:\n  lab: mini\n  mode: evpn\n  manifests: [m/all.yaml]\n  steps:\n${steps}`);
  return file;
}


describe('relabel step', () => {
  it('loads with the node and the changes: a value sets, null removes', async () => {
    const s = await loadScenario(join(ROOT, 'scenarios', 'metallb-bgp-production.yaml'));
    const steps = s.steps.flatMap((st) => (st.kind === 'relabel' ? [{ node: st.node, labels: st.labels }] : []));
    expect(steps).toEqual([
      { node: 'prod-worker2', labels: { 'node-role.kubernetes.io/network': 'true' } },
      { node: 'prod-worker', labels: { 'node-role.kubernetes.io/network': null } },
    ]);
  });

  it('an unknown node names the file, line and path, and lists the nodes', async () => {
    const file = write('    - relabel: { node: nobody, labels: { a: b } }\n');
    const [e] = await loadErrors(file);
    expect([e!.file, e!.line, e!.path]).toEqual([file, 9, 'spec.steps[0].relabel.node']);
    expect(e!.expected).toMatch(/^a cluster node of lab mini \(nobody is not; nodes: /);
  });

  it('refuses labels the kubelet owns, keys and values Kubernetes refuses, and an empty change', async () => {
    const [own] = await loadErrors(write('    - relabel: { node: mini-control-plane, labels: { kubernetes.io/hostname: x } }\n'));
    expect(own!.path).toBe('spec.steps[0].relabel.labels["kubernetes.io/hostname"]');
    expect(own!.expected).toMatch(/the kubelet does not own/);
    const [key] = await loadErrors(write('    - relabel: { node: mini-control-plane, labels: { "-bad": x } }\n'));
    expect(key!.expected).toMatch(/a label key/);
    const [value] = await loadErrors(write('    - relabel: { node: mini-control-plane, labels: { a: "has space" } }\n'));
    expect(value!.path).toBe('spec.steps[0].relabel.labels.a');
    expect(value!.expected).toMatch(/a label value/);
    const [none] = await loadErrors(write('    - relabel: { node: mini-control-plane, labels: {} }\n'));
    expect(none!.expected).toMatch(/at least one label/);
  });

  it('label arithmetic: later changes win, null removes, a default label can go', () => {
    const merged = mergeLabelChanges({ a: '1', b: '2' }, { a: null, c: '3' });
    expect(merged).toEqual({ a: null, b: '2', c: '3' });
    expect(withLabelChanges({ a: 'x', 'kubernetes.io/os': 'linux' }, merged)).toEqual({ 'kubernetes.io/os': 'linux', b: '2', c: '3' });
  });

  it("the model follows: the backup peer starts on a relabelled node and stops on one that lost the label", async () => {
    const lab = await loadLab(join(ROOT, 'labs', 'metallb-production.yaml'));
    const dir = join(ROOT, 'scenarios', 'metallb-bgp-production', 'manifests');
    const manifests = await loadManifestFiles(['secret.yaml', 'metallb.yaml', 'frrk8s.yaml', 'workloads.yaml'].map((f) => join(dir, f)));
    const neighbors = (labelChanges = {}) =>
      Object.fromEntries(computeDesiredState(manifests, lab.cluster!, { labelChanges }).nodes.map((n) => [n.node, (n.speaker?.neighbors ?? []).map((x) => x.address)]));
    expect(neighbors()).toEqual({ 'prod-control-plane': ['10.242.1.1'], 'prod-worker': ['10.242.1.1', '10.242.2.1'], 'prod-worker2': ['10.242.1.1'] });
    const moved = {
      'prod-worker2': { 'node-role.kubernetes.io/network': 'true' },
      'prod-worker': { 'node-role.kubernetes.io/network': null },
    };
    expect(neighbors(moved)).toEqual({ 'prod-control-plane': ['10.242.1.1'], 'prod-worker': ['10.242.1.1'], 'prod-worker2': ['10.242.1.1', '10.242.2.1'] });
    const plan = computeDesiredState(manifests, lab.cluster!, { labelChanges: moved });
    expect(plan.nodes.find((n) => n.node === 'prod-worker')!.labels['node-role.kubernetes.io/network']).toBeUndefined();
    // The backup advertisement now goes out from prod-worker2 only.
    expect(plan.services.find((s) => s.name === 'nginx-lb')!.announcements.filter((a) => a.neighbor === '10.242.2.1').map((a) => a.node)).toEqual(['prod-worker2']);
  });
});
