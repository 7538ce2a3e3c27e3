// `pelab up|run --runtime kind --dry-run`: every step and command printed, nothing run or written.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifestFiles } from '../../src/k8s/load.ts';
import { createRuntime } from '../../src/runtime/registry.ts';
import { formatStep, quoteArgv } from '../../src/runtime/kind/dry-run.ts';
import { KindRuntime } from '../../src/runtime/kind/runtime.ts';
import { repoLab, repoRoot } from '../lab/helpers.ts';
import { captureStream } from './helpers.ts';

const dirs: string[] = [];
function workDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'pelab-kind-dry-'));
  dirs.push(base);
  return join(base, 'work');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dry-run up', () => {
  it('prints every step of the plan in order, with the exact argv, and touches nothing', async () => {
    const lab = await repoLab('singlecluster');
    const out = captureStream();
    const dir = workDir();
    const rt = new KindRuntime(lab, { dryRun: true, out, workDir: dir });
    const phases: string[] = [];
    await rt.up({ onPhase: (name) => phases.push(name) });
    const text = out.text();
    let at = 0;
    rt.upPlan().forEach((step, i) => {
      const block = formatStep(step, i);
      const found = text.indexOf(block, at);
      expect(found, block).toBeGreaterThanOrEqual(at);
      at = found + block.length;
    });
    expect(existsSync(dir)).toBe(false);
    expect(phases).toEqual(['preflight', 'files', 'bridges', 'containerlab', 'kubeconfig', 'fabric', 'hosts', 'images', 'charts', 'namespaces', 'frr-k8s', 'metallb', 'node-index', 'openperouter']);
  });

  it('down prints every step of the teardown plan in order, numbered from 1, and removes nothing', async () => {
    const lab = await repoLab('singlecluster');
    const out = captureStream();
    const dir = workDir();
    const rt = new KindRuntime(lab, { dryRun: true, out, workDir: dir });
    await rt.down();
    const expected = rt.downPlan().map((step, i) => formatStep(step, i)).join('\n');
    expect(out.text()).toBe(`# pelab down: lab singlecluster, instance singlecluster, runtime kind (dry run)\n${expected}\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it('reads like commands a person can paste', async () => {
    const lab = await repoLab('singlecluster');
    const out = captureStream();
    const dir = workDir();
    await new KindRuntime(lab, { dryRun: true, out, workDir: dir }).up();
    const text = out.text();
    expect(text).toContain("  $ docker version --format '{{.Server.Version}}'");
    expect(text).toContain(`  unless \`ip link show dev leafkind1-sw\` succeeds:\n  $ ip link add name leafkind1-sw type bridge`);
    expect(text).toContain(`  $ containerlab deploy --reconfigure -t ${dir}/topology.clab.yaml`);
    expect(text).toContain(`  $ kind get kubeconfig --name pe-kind > ${dir}/kubeconfig`);
    // The plan's own Docker steps: the CLI line to paste, and the Engine API request pelab sends instead.
    expect(text).toContain('  $ docker exec pe-kind-worker ip address replace 192.168.11.4/24 dev toswitch1  # Docker API: POST /containers/pe-kind-worker/exec, POST /exec/{id}/start, GET /exec/{id}/json');
    expect(text).toContain("  $ docker version --format '{{.Server.Version}}'  # Docker API: GET /version");
    expect(text).toMatch(/ {2}\$ docker image pull --platform linux\/\w+ quay\.io\/frrouting\/frr:[\w.]+ {2}# Docker API: POST \/images\/create\?fromImage=quay\.io%2Ffrrouting%2Ffrr&tag=[\w.]+&platform=linux%2F\w+\n/);
    expect(text).toMatch(/ {2}\$ docker image save --platform linux\/\w+ --output \S+\.image\.tar \S+ {2}# Docker API: GET \/images\/\S+\/get\?platform=%7B%22os%22%3A%22linux%22/);
    expect(text).toContain(
      `  $ helm upgrade --install metallb metallb --repo https://metallb.github.io/metallb --version 0.15.3 --namespace metallb-system --create-namespace --kubeconfig ${dir}/kubeconfig --wait --timeout 10m --set controller.image.repository=quay.io/metallb/controller --set controller.image.tag=v0.15.3 --set speaker.image.repository=quay.io/metallb/speaker --set speaker.image.tag=v0.15.3 --set frrk8s.enabled=false --set frrk8s.external=true --set frrk8s.namespace=frr-k8s-system --set speaker.frr.enabled=false --set speaker.ignoreExcludeLB=true`,
    );
    expect(text).toMatch(new RegExp(`  write ${dir}/topology\\.clab\\.yaml \\(\\d+ bytes\\)`));
  });

  it('is what the factory builds for --runtime kind --dry-run', async () => {
    const lab = await repoLab('mini');
    const out = captureStream();
    const rt = await createRuntime('kind', lab, { dryRun: true, out, instance: 'mini-dry' });
    expect(rt.kind).toBe('kind');
    expect(rt.instance).toBe('mini-dry');
    expect((rt as KindRuntime).files.dir).toBe(resolve(process.cwd(), '.pelab', 'kind', 'mini-dry'));
    await rt.up();
    expect(out.text()).toContain('containerlab deploy --reconfigure -t ');
    expect(existsSync((rt as KindRuntime).files.dir)).toBe(false);
  });
});

describe('dry-run of a scenario\'s calls', () => {
  it('prints exec, vtysh, apply, faults and teardown without a cluster', async () => {
    const lab = await repoLab('singlecluster');
    const out = captureStream();
    const dir = workDir();
    const rt = new KindRuntime(lab, { dryRun: true, out, workDir: dir });

    const r = await rt.exec({ kind: 'host', name: 'hostA_red' }, ['curl', '-sS', '--max-time', '2', 'http://172.30.0.10/']);
    expect(r.exitCode).toBe(0);
    expect(await rt.vtysh({ kind: 'pe', node: 'pe-kind-worker' }, 'show bgp vrf red summary json')).toBe('');
    await rt.vtysh({ kind: 'speaker', node: 'pe-kind-worker' }, 'show bgp summary json');

    const dirOf = (f: string) => resolve(repoRoot, 'scenarios', 'metallb-evpn', 'manifests', f);
    const manifests = await loadManifestFiles(['underlay.yaml', 'l3vnis.yaml', 'metallb.yaml', 'frrk8s.yaml', 'workloads.yaml'].map(dirOf));
    const applied = await rt.apply(manifests);
    expect(applied.serviceIPs).toEqual({});
    expect(await rt.sessionStates()).toEqual([]);
    await rt.fault({ kind: 'restart-frr', target: { kind: 'pe', node: 'pe-kind-worker' } });
    await rt.fault({ kind: 'link-down', target: { kind: 'router', name: 'leafA' }, interface: 'eth1' });
    await rt.down();

    const text = out.text();
    expect(text).toContain(`  $ ${quoteArgv(['docker', 'exec', 'clab-pe-kind-hostA_red', 'curl', '-sS', '--max-time', '2', 'http://172.30.0.10/'])}`);
    expect(text).toContain('# list the pods of namespace openperouter-system\n  labelSelector app=router\n  fieldSelector spec.nodeName=pe-kind-worker\n');
    expect(text).toContain(
      `  $ kubectl --kubeconfig ${dir}/kubeconfig exec -n openperouter-system '<router-pod-on-pe-kind-worker>' -c frr -- nsenter --net=/var/run/netns/perouter vtysh -c 'show bgp vrf red summary json'`,
    );
    expect(text).toContain(`exec -n frr-k8s-system '<frr-k8s-pod-on-pe-kind-worker>' -c frr -- vtysh -c 'show bgp summary json'`);
    const applies = text.split('\n').filter((l) => l.startsWith('# server-side apply '));
    expect(applies.length).toBe(manifests.length);
    // Namespaces go first so the objects in them can be created.
    expect(applies.slice(0, 2).every((l) => l.includes('Namespace/'))).toBe(true);
    expect(text).toContain('# list bgpsessionstates.frrk8s.metallb.io (all namespaces)');
    expect(text).toContain('# delete pod openperouter-system/<router-pod-on-pe-kind-worker>\n# then poll every 1000 ms for a new Ready pod on pe-kind-worker in openperouter-system (up to 180000 ms)\n');
    expect(text).toContain('  $ docker exec clab-pe-kind-leafA ip link set dev eth1 down');
    expect(text).toContain(`  $ containerlab destroy --cleanup -t ${dir}/topology.clab.yaml`);
    expect(text).toContain('  $ kind delete cluster --name pe-kind');
    expect(text).toContain(`  $ rm -rf -- ${dir}`);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('dry-run status', () => {
  it('prints what it would look at and reports every node unknown', async () => {
    const lab = await repoLab('mini');
    const out = captureStream();
    const rt = new KindRuntime(lab, { dryRun: true, out, workDir: workDir() });
    const s = await rt.status();
    expect(s.up).toBe(false);
    expect(new Set(s.nodes.map((n) => n.state))).toEqual(new Set(['unknown']));
    expect(out.text()).toContain('  $ containerlab inspect --name mini --format json');
    expect(out.text()).toContain('  $ kind get nodes --name mini');
  });
});
