// Node labels on kind: the lab's labels go on through the API once the nodes exist (kind's config
// cannot carry node-role.kubernetes.io/* labels: kubelet refuses them in --node-labels), and a
// scenario's relabel step is `kubectl label node`, printed by the dry run; the model's plan follows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifestFiles } from '../../src/k8s/load.ts';
import { kubectlLabelArgv, planUp } from '../../src/runtime/kind/plan.ts';
import { quoteArgv } from '../../src/runtime/kind/dry-run.ts';
import { KindRuntime } from '../../src/runtime/kind/runtime.ts';
import { repoLab, repoRoot } from '../lab/helpers.ts';
import { captureStream } from './helpers.ts';

const dirs: string[] = [];
function workDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'pelab-kind-relabel-'));
  dirs.push(base);
  return join(base, 'work');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('node labels on kind', () => {
  it('kubectl label: a value sets (overwriting), null removes', () => {
    expect(kubectlLabelArgv('/k', 'prod-worker', { 'node-role.kubernetes.io/network': 'true', zone: null })).toEqual([
      'kubectl', '--kubeconfig', '/k', 'label', '--overwrite', 'node', 'prod-worker', 'node-role.kubernetes.io/network=true', 'zone-',
    ]);
    expect(() => kubectlLabelArgv('/k', 'Bad Node', { a: 'b' })).toThrow();
  });

  it("the lab's labels go on before frr-k8s and MetalLB start; a lab without labels has no such step", async () => {
    const steps = planUp(await repoLab('metallb-production'), { workDir: '/w' });
    const labels = steps.filter((s) => s.phase === 'node-labels');
    expect(labels.map((s) => s.argv)).toEqual([['kubectl', '--kubeconfig', '/w/kubeconfig', 'label', '--overwrite', 'node', 'prod-worker', 'node-role.kubernetes.io/network=true']]);
    const phases = steps.map((s) => s.phase);
    expect(phases.indexOf('node-labels')).toBeGreaterThan(phases.lastIndexOf('kubeconfig'));
    expect(phases.indexOf('node-labels')).toBeLessThan(phases.indexOf('frr-k8s'));
    expect(planUp(await repoLab('singlecluster'), { workDir: '/w' }).some((s) => s.phase === 'node-labels')).toBe(false);
  });

  it('relabel in a dry run: prints kubectl label, and the plan it returns follows the new labels', async () => {
    const lab = await repoLab('metallb-production');
    const out = captureStream();
    const dir = workDir();
    const rt = new KindRuntime(lab, { dryRun: true, out, workDir: dir });
    const manifests = await loadManifestFiles(['secret.yaml', 'metallb.yaml', 'frrk8s.yaml', 'workloads.yaml'].map((f) => resolve(repoRoot, 'scenarios', 'metallb-bgp-production', 'manifests', f)));
    await rt.apply(manifests);
    const r = await rt.relabelNode('prod-worker2', { 'node-role.kubernetes.io/network': 'true' });
    const removed = await rt.relabelNode('prod-worker', { 'node-role.kubernetes.io/network': null });
    expect(out.text()).toContain(`  $ ${quoteArgv(['kubectl', '--kubeconfig', `${dir}/kubeconfig`, 'label', '--overwrite', 'node', 'prod-worker2', 'node-role.kubernetes.io/network=true'])}`);
    expect(out.text()).toContain(`  $ ${quoteArgv(['kubectl', '--kubeconfig', `${dir}/kubeconfig`, 'label', '--overwrite', 'node', 'prod-worker', 'node-role.kubernetes.io/network-'])}`);
    const backupPeers = (d = r.desired) => d!.nodes.filter((n) => n.speaker?.neighbors.some((x) => x.address === '10.242.2.1')).map((n) => n.node);
    expect(backupPeers(r.desired)).toEqual(['prod-worker', 'prod-worker2']);
    expect(backupPeers(removed.desired)).toEqual(['prod-worker2']);
    // A later apply keeps the changed labels in the plan.
    expect(backupPeers((await rt.apply(manifests)).desired)).toEqual(['prod-worker2']);
    await expect(rt.relabelNode('nobody', { a: 'b' })).rejects.toThrow(/no cluster node "nobody"/);
  });
});
