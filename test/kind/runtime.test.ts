// KindRuntime with its side-effect seams replaced: a recording executor instead of processes (and a
// recording Docker client that logs its execs there as `docker exec` argv), and a stand-in for the
// Kubernetes API that serves the fixtures of test/fixtures/kind (recorded shapes, or shapes
// assembled from the upstream CRDs and charts; see its README). A fake is used only because no
// cluster can run here; what it returns is never invented beyond those shapes. Every wait runs on
// the fake clock (test/proc/fake-clock.ts) with the production timing, so deadlines are exact.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LabBuildError } from '../../src/errors.ts';
import { loadManifestFiles } from '../../src/k8s/load.ts';
import { manifestKey } from '../../src/k8s/manifest.ts';
import { DEFAULT_TIMING, KindRuntime } from '../../src/runtime/kind/runtime.ts';
import { FakeClock } from '../proc/fake-clock.ts';
import { repoLab, repoRoot } from '../lab/helpers.ts';
import { failed, FakeCluster, fixture, fixtureText, ok, RecordingDocker, RecordingExecutor } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// The defaults (DEFAULT_TIMING) except the apply retry, which p-retry runs on real timers.
const FAST = { applyRetryMs: 200, applyIntervalMs: 1 };

async function setup(options: { kubeconfig?: boolean; topology?: boolean } = {}) {
  const lab = await repoLab('singlecluster');
  const base = mkdtempSync(join(tmpdir(), 'pelab-kind-rt-'));
  dirs.push(base);
  const workDir = join(base, 'work');
  mkdirSync(workDir, { recursive: true });
  if (options.kubeconfig !== false) writeFileSync(join(workDir, 'kubeconfig'), 'apiVersion: v1\n');
  if (options.topology) writeFileSync(join(workDir, 'topology.clab.yaml'), 'name: pe-kind\n');
  const clock = new FakeClock();
  const executor = new RecordingExecutor(clock);
  const cluster = new FakeCluster();
  const rt = new KindRuntime(lab, { workDir, executor, cluster, docker: new RecordingDocker(executor), timing: FAST, clock });
  return { lab, rt, executor, cluster, workDir, clock };
}

const evpnManifests = () =>
  loadManifestFiles(['underlay.yaml', 'l3vnis.yaml', 'metallb.yaml', 'frrk8s.yaml', 'workloads.yaml'].map((f) => resolve(repoRoot, 'scenarios', 'metallb-evpn', 'manifests', f)));

describe('node index read-back (D4)', () => {
  type NodeList = { items: { metadata: { name: string; annotations?: Record<string, string> } }[] };
  const withIndices = (indices: Record<string, string | undefined>): NodeList => {
    const list = structuredClone(fixture('nodes.json')) as NodeList;
    for (const n of list.items) {
      const { 'openpe.io/nodeindex': _old, ...rest } = n.metadata.annotations ?? {};
      const v = indices[n.metadata.name];
      n.metadata.annotations = v === undefined ? rest : { ...rest, 'openpe.io/nodeindex': v };
    }
    return list;
  };

  it('passes when OpenPERouter kept the indices the plan pinned', async () => {
    const { rt, executor } = await setup();
    await rt.up();
    expect(executor.steps.filter((s) => s.phase === 'node-index').map((s) => s.argv!.at(-1))).toEqual(['openpe.io/nodeindex=0', 'openpe.io/nodeindex=1', 'openpe.io/nodeindex=2']);
  });

  it('stops up with a build error naming each node whose index disagrees with the lab', async () => {
    const { rt, cluster } = await setup();
    cluster.nodeList = withIndices({ 'pe-kind-control-plane': '0', 'pe-kind-worker': '2', 'pe-kind-worker2': '1' });
    const e = await rt.up().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LabBuildError);
    expect((e as Error).message).toContain('node pe-kind-worker has index 2, the lab expects 1');
    expect((e as Error).message).toContain('node pe-kind-worker2 has index 1, the lab expects 2');
    expect((e as Error).message).not.toContain('pe-kind-control-plane');
  });

  it('reports a node without the annotation and a node missing from the cluster', async () => {
    const { rt, cluster } = await setup();
    const list = withIndices({ 'pe-kind-control-plane': '0', 'pe-kind-worker': undefined, 'pe-kind-worker2': '2' });
    cluster.nodeList = { ...list, items: list.items.filter((n) => n.metadata.name !== 'pe-kind-worker2') };
    const e = (await rt.up().catch((x: unknown) => x)) as Error;
    expect(e.message).toContain('node pe-kind-worker has no openpe.io/nodeindex annotation (the lab expects 1)');
    expect(e.message).toContain('node pe-kind-worker2 is not in the cluster');
  });
});

describe('exec and vtysh', () => {
  it('finds the node\'s router pod through the API and skips the terminating one', async () => {
    const { rt, executor, cluster, workDir } = await setup();
    executor.respond = () => ok('10.0.0.2\n');
    const r = await rt.exec({ kind: 'pe', node: 'pe-kind-worker' }, ['ip', '-j', 'addr'], { vrf: 'red', timeoutMs: 1234 });
    expect(r.stdout).toBe('10.0.0.2\n');
    expect(cluster.podQueries).toEqual([{ namespace: 'openperouter-system', labelSelector: 'app=router', node: 'pe-kind-worker' }]);
    const c = executor.commands[0]!;
    expect(c.argv).toEqual([
      'kubectl', '--kubeconfig', join(workDir, 'kubeconfig'), 'exec', '-n', 'openperouter-system', 'openperouter-router-r5n9c', '-c', 'frr', '--',
      'nsenter', '--net=/var/run/netns/perouter', 'ip', '-j', 'addr', 'show', 'vrf', 'red',
    ]);
    expect(c.options.timeoutMs).toBe(1234);
  });

  it('answers exit 126 with the reason for a VRF command a pod cannot run, and runs nothing', async () => {
    const { rt, executor } = await setup();
    const r = await rt.exec({ kind: 'pe', node: 'pe-kind-worker' }, ['bridge', 'fdb', 'show'], { vrf: 'red' });
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toMatch(/in vrf red: on a pod target only/);
    expect(executor.commands).toEqual([]);
  });

  it('feeds stdin with -i', async () => {
    const { rt, executor } = await setup();
    await rt.exec({ kind: 'host', name: 'hostA_red' }, ['cat'], { input: 'hello' });
    expect(executor.commands[0]!.argv).toEqual(['docker', 'exec', '-i', 'clab-pe-kind-hostA_red', 'cat']);
    expect(executor.commands[0]!.options.input).toBe('hello');
  });

  it('vtysh: speaker pod, stdout back, a failure as an error with FRR\'s words', async () => {
    const { rt, executor } = await setup();
    executor.respond = () => ok('{"ipv4Unicast":{}}');
    expect(await rt.vtysh({ kind: 'speaker', node: 'pe-kind-worker2' }, 'show bgp summary json')).toBe('{"ipv4Unicast":{}}');
    expect(executor.commands[0]!.argv.slice(-10)).toEqual(['exec', '-n', 'frr-k8s-system', 'frr-k8s-lp2vc', '-c', 'frr', '--', 'vtysh', '-c', 'show bgp summary json']);
    executor.respond = () => failed(1, '% Unknown command: show nonsense');
    await expect(rt.vtysh({ kind: 'router', name: 'spine' }, 'show nonsense')).rejects.toThrow(/Unknown command/);
    await expect(rt.vtysh({ kind: 'host', name: 'hostA_red' }, 'show version')).rejects.toThrow(/runs no FRR/);
  });

  it('readFile cats an absolute path', async () => {
    const { rt, executor } = await setup();
    executor.respond = () => ok('log line\n');
    expect(await rt.readFile({ kind: 'router', name: 'leafA' }, '/var/log/frr/frr.log')).toBe('log line\n');
    expect(executor.commands[0]!.argv).toEqual(['docker', 'exec', 'clab-pe-kind-leafA', 'cat', '--', '/var/log/frr/frr.log']);
    await expect(rt.readFile({ kind: 'router', name: 'leafA' }, 'relative')).rejects.toThrow(/absolute/);
  });

  it('says so when a node has no router pod', async () => {
    const { rt, cluster } = await setup();
    cluster.pods['openperouter-system'] = { items: [] };
    await expect(rt.exec({ kind: 'pe', node: 'pe-kind-worker' }, ['true'])).rejects.toThrow(/no OpenPERouter router pod on node pe-kind-worker/);
  });

  it('needs the kubeconfig of a brought-up cluster for pod targets', async () => {
    const lab = await repoLab('singlecluster');
    const rt = new KindRuntime(lab, { workDir: join(tmpdir(), 'pelab-kind-none-xyz'), executor: new RecordingExecutor() });
    await expect(rt.exec({ kind: 'pe', node: 'pe-kind-worker' }, ['true'])).rejects.toThrow(/no kubeconfig/);
  });
});

describe('cluster views', () => {
  it('sessionStates and services come from the API, parsed', async () => {
    const { rt } = await setup();
    const sessions = await rt.sessionStates();
    expect(sessions).toHaveLength(7);
    expect(sessions[0]).toEqual({ node: 'pe-kind-control-plane', peer: '192.169.10.1', vrf: '', bgpStatus: 'Established', bfdStatus: 'N/A' });
    expect(await rt.services()).toContainEqual({ namespace: 'red', name: 'nginx', externalIPs: ['172.30.0.10'], pool: 'red' });
  });

  it('status combines containerlab inspect, the host bridges, kind get nodes and the API', async () => {
    const { rt, executor, workDir } = await setup({ topology: true });
    executor.respond = (argv) => {
      if (argv[0] === 'containerlab') return ok(fixtureText('clab-inspect-pe-kind.json'));
      if (argv[0] === 'ip') return ok(fixtureText('ip-link-bridges.json'));
      if (argv[0] === 'kind') return ok(fixtureText('kind-get-nodes.txt'));
      return failed(1, 'unexpected');
    };
    const s = await rt.status();
    expect(executor.commands.map((c) => c.argv)).toEqual([
      ['containerlab', 'inspect', '-t', join(workDir, 'topology.clab.yaml'), '--format', 'json'],
      ['ip', '-j', 'link', 'show', 'type', 'bridge'],
      ['kind', 'get', 'nodes', '--name', 'pe-kind'],
    ]);
    const state = (kind: string, name: string) => s.nodes.find((n) => n.kind === kind && n.name === name)?.state;
    expect(state('router', 'leafA')).toBe('up');
    expect(state('host', 'hostB_blue')).toBe('down');
    expect(state('switch', 'leafkind1-sw')).toBe('up');
    expect(state('switch', 'leafkind2-sw')).toBe('down');
    expect(state('pe', 'pe-kind-control-plane')).toBe('up');
    expect(state('pe', 'pe-kind-worker')).toBe('down');
    expect(state('speaker', 'pe-kind-worker')).toBe('up');
    expect(state('speaker', 'pe-kind-worker2')).toBe('down');
    expect(s.nodes.find((n) => n.kind === 'pe' && n.name === 'pe-kind-worker')?.detail).toBe('openperouter-system/openperouter-router-r5n9c (Running)');
    expect(s.up).toBe(false);
    expect(s.runtime).toBe('kind');
    expect(s.nodes.filter((n) => n.kind === 'pe')).toHaveLength(3);
  });

  it('status notes a failing containerlab and uses the lab name without a topology file', async () => {
    const { rt, executor } = await setup();
    executor.respond = (argv) => (argv[0] === 'containerlab' ? failed(1, 'no containers found') : ok(''));
    const s = await rt.status();
    expect(executor.commands[0]!.argv).toEqual(['containerlab', 'inspect', '--name', 'pe-kind', '--format', 'json']);
    expect(s.notes.join('\n')).toMatch(/containerlab inspect failed: no containers found/);
    expect(s.nodes.filter((n) => n.kind === 'router').every((n) => n.state === 'down')).toBe(true);
  });
});

describe('status when nothing was seen', () => {
  it('a source that printed nothing gives unknown, not down; so does a pod in phase Unknown (its node stopped reporting)', async () => {
    const { rt, executor, cluster } = await setup();
    executor.respond = (argv) => (argv[0] === 'kind' ? ok(fixtureText('kind-get-nodes.txt')) : ok(''));
    type PodList = { items: { spec: { nodeName: string }; status: { phase: string; conditions?: unknown[] } }[] };
    const routers = structuredClone(fixture('router-pods.json')) as PodList;
    for (const p of routers.items) if (p.spec.nodeName === 'pe-kind-control-plane') p.status = { phase: 'Unknown' };
    cluster.pods['openperouter-system'] = routers;
    const s = await rt.status();
    const state = (kind: string, name: string) => s.nodes.find((n) => n.kind === kind && n.name === name)?.state;
    expect(state('router', 'leafA')).toBe('unknown');
    expect(state('host', 'hostA_red')).toBe('unknown');
    expect(state('switch', 'leafkind1-sw')).toBe('unknown');
    expect(state('pe', 'pe-kind-control-plane')).toBe('unknown');
    expect(state('speaker', 'pe-kind-control-plane')).toBe('up');
    expect(s.up).toBe(false);
  });
});

describe('apply and delete', () => {
  it('server-side applies converted objects, namespaces first, and remembers them', async () => {
    const { rt, cluster, workDir } = await setup();
    const manifests = await evpnManifests();
    const r = await rt.apply(manifests);
    expect(cluster.applied).toHaveLength(manifests.length);
    const kinds = cluster.applied.map((b) => b.kind);
    expect(kinds.slice(0, 2)).toEqual(['Namespace', 'Namespace']);
    expect(kinds.indexOf('Namespace', 2)).toBe(-1);
    for (const b of cluster.applied.filter((x) => x.kind === 'Underlay' || x.kind === 'L3VNI')) expect(b.apiVersion).toBe('network.openperouter.io/v1alpha1');
    expect(r.serviceIPs['red/nginx']).toEqual(['172.30.0.10']);
    const saved = JSON.parse(readFileSync(join(workDir, 'applied.json'), 'utf8')) as { manifests: { key: string }[] };
    expect(saved.manifests.map((m) => m.key).sort()).toEqual(manifests.map((m) => manifestKey(m)).sort());
  });

  it('retries while webhooks come up, gives up at once on a rejection', async () => {
    const { rt, cluster } = await setup();
    const manifests = await evpnManifests();
    // What @kubernetes/client-node throws: an Error (ApiException) carrying the HTTP status as code.
    const apiError = (code: number, message: string) => Object.assign(new Error(message), { code });
    cluster.applyErrors = [apiError(500, 'failed calling webhook'), apiError(503, 'service unavailable')];
    await rt.apply(manifests);
    expect(cluster.applied).toHaveLength(manifests.length);
    cluster.applyErrors = [apiError(422, 'spec.asn: Invalid value')];
    await expect(rt.apply(manifests)).rejects.toBeInstanceOf(LabBuildError);
  });

  it('waits for MetalLB to assign the applied LoadBalancer Services, polling on the clock, and answers what it has at the deadline', async () => {
    const { rt, cluster, clock } = await setup();
    type Svc = { metadata: { name: string; namespace: string }; status: { loadBalancer: { ingress?: { ip: string }[] } } };
    const list = structuredClone(fixture('services-demo.json')) as { items: Svc[] };
    const nginx = (ns: string) => list.items.find((s) => s.metadata.namespace === ns && s.metadata.name === 'nginx')!;
    for (const ns of ['red', 'blue']) nginx(ns).metadata.name = `nginx-service-${ns}`;
    const red = list.items.find((s) => s.metadata.name === 'nginx-service-red')!;
    const blue = list.items.find((s) => s.metadata.name === 'nginx-service-blue')!;
    red.status.loadBalancer = {};
    cluster.serviceList = list;
    // MetalLB assigns red after 4.2 s; blue never.
    void clock.sleep(4_200).then(() => (red.status.loadBalancer = { ingress: [{ ip: '172.30.0.10' }] }));
    const applying = rt.apply(await evpnManifests());
    // The applies and applied.json are real I/O; fake time starts to matter once the wait polls.
    await vi.waitFor(() => expect(cluster.serviceQueries).toBeGreaterThan(0));
    const r = await clock.run(applying);
    expect(r.serviceIPs['red/nginx-service-red']).toEqual(['172.30.0.10']);
    expect(r.serviceIPs['blue/nginx-service-blue']).toEqual([]);
    expect(blue.status.loadBalancer).toEqual({});
    expect(clock.now()).toBe(DEFAULT_TIMING.serviceIpMs);

    const again = await setup();
    const assigned = structuredClone(list);
    for (const s of assigned.items) s.status.loadBalancer = { ingress: [{ ip: '172.30.0.99' }] };
    again.cluster.serviceList = assigned;
    const r2 = again.rt.apply(await evpnManifests());
    await vi.waitFor(() => expect(again.cluster.serviceQueries).toBeGreaterThan(0));
    await again.clock.run(r2);
    // Nothing pending: answered at once, no wait.
    expect(again.clock.now()).toBe(0);
  });

  it('deletes in reverse order, namespaces last, and forgets them', async () => {
    const { rt, cluster, workDir } = await setup();
    const manifests = await evpnManifests();
    await rt.apply(manifests);
    const r = await rt.delete(manifests);
    expect(cluster.removed.map((b) => b.kind).slice(-2)).toEqual(['Namespace', 'Namespace']);
    expect(r.warnings).toEqual([]);
    const saved = JSON.parse(readFileSync(join(workDir, 'applied.json'), 'utf8')) as { manifests: unknown[] };
    expect(saved.manifests).toEqual([]);
  });
});

describe('faults', () => {
  it('link-down on a fabric router runs ip link in its container', async () => {
    const { rt, executor } = await setup();
    await rt.fault({ kind: 'link-down', target: { kind: 'router', name: 'spine' }, interface: 'eth2' });
    expect(executor.commands.map((c) => c.argv)).toEqual([['docker', 'exec', 'clab-pe-kind-spine', 'ip', 'link', 'set', 'dev', 'eth2', 'down']]);
  });

  it('link-up on a cluster node follows the interface into the router netns once the Underlay took it', async () => {
    const { rt, executor } = await setup();
    executor.respond = (argv) => (argv[0] === 'docker' ? failed(1, 'Device "toswitch1" does not exist.') : ok());
    await rt.fault({ kind: 'link-up', target: { kind: 'pe', node: 'pe-kind-control-plane' }, interface: 'toswitch1' });
    expect(executor.commands[0]!.argv).toEqual(['docker', 'exec', 'pe-kind-control-plane', 'ip', 'link', 'show', 'dev', 'toswitch1']);
    expect(executor.commands[1]!.argv.slice(-8)).toEqual(['nsenter', '--net=/var/run/netns/perouter', 'ip', 'link', 'set', 'dev', 'toswitch1', 'up']);
    executor.commands.length = 0;
    executor.respond = () => ok();
    await rt.fault({ kind: 'link-down', target: { kind: 'pe', node: 'pe-kind-control-plane' }, interface: 'toswitch1' });
    expect(executor.commands.map((c) => c.argv)).toEqual([
      ['docker', 'exec', 'pe-kind-control-plane', 'ip', 'link', 'show', 'dev', 'toswitch1'],
      ['docker', 'exec', 'pe-kind-control-plane', 'ip', 'link', 'set', 'dev', 'toswitch1', 'down'],
    ]);
  });

  it('restart-frr of a PE deletes the router pod and waits for a Ready replacement', async () => {
    const { rt, cluster, clock } = await setup();
    const list = fixture('router-pods.json') as { items: Record<string, any>[] };
    cluster.pods['openperouter-system'] = list;
    cluster.onDeletePod = (_ns, name) => {
      const old = list.items.find((p) => p.metadata.name === name)!;
      const fresh = structuredClone(old);
      fresh.metadata.name = 'openperouter-router-new01';
      fresh.metadata.creationTimestamp = '2026-08-20T11:00:00Z';
      fresh.status.conditions = fresh.status.conditions.map((c: { type: string }) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
      list.items = list.items.filter((p) => p !== old);
      list.items.push(fresh);
      // The kubelet reports it Ready 7 s later.
      void clock.sleep(7_000).then(() => (fresh.status.conditions = fresh.status.conditions.map((c: { type: string }) => (c.type === 'Ready' ? { ...c, status: 'True' } : c))));
    };
    await clock.run(rt.fault({ kind: 'restart-frr', target: { kind: 'pe', node: 'pe-kind-control-plane' } }));
    expect(cluster.deletedPods).toEqual(['openperouter-system/openperouter-router-2xk8p']);
    // Polled every pollMs: the first poll at or after 7 s saw it.
    expect(clock.now()).toBe(7_000);
  });

  it('restart-frr of a PE times out when no Ready replacement comes, at the deadline', async () => {
    const { rt, cluster, clock } = await setup();
    const e = await clock.run(rt.fault({ kind: 'restart-frr', target: { kind: 'speaker', node: 'pe-kind-worker' } }).catch((x: unknown) => x));
    expect(e).toBeInstanceOf(LabBuildError);
    expect((e as Error).message).toMatch(/timed out after 180000 ms waiting for a new Ready pod on pe-kind-worker in frr-k8s-system/);
    expect(cluster.deletedPods).toEqual(['frr-k8s-system/frr-k8s-hx7tm']);
    expect(clock.now()).toBe(DEFAULT_TIMING.podReadyMs);
  });

  it('restart-frr of a fabric router kills bgpd, waits for watchfrr to bring it back, reloads a lost config', async () => {
    const { rt, executor, clock } = await setup();
    let pid = '101';
    executor.respond = (argv) => {
      const cmd = argv.slice(3).join(' ');
      if (cmd === 'pkill -KILL -x bgpd') {
        pid = '';
        // watchfrr restarts it 2.5 s later.
        void clock.sleep(2_500).then(() => (pid = '202'));
        return ok();
      }
      if (cmd === 'pgrep -x bgpd') return pid ? ok(`${pid}\n`) : failed(1, '');
      if (cmd === 'vtysh -c show running-config') return ok('frr version 10.6.0\nhostname spine\n');
      return ok();
    };
    await clock.run(rt.fault({ kind: 'restart-frr', target: { kind: 'router', name: 'spine' } }));
    const cmds = executor.commands.map((c) => c.argv.slice(3).join(' '));
    expect(cmds[0]).toBe('pgrep -x bgpd');
    expect(cmds[1]).toBe('pkill -KILL -x bgpd');
    // Polls at 0, 1, 2 s answer nothing; the one at 3 s sees the new bgpd.
    expect(cmds.filter((c) => c === 'pgrep -x bgpd')).toHaveLength(1 + 4);
    expect(clock.now()).toBe(3_000);
    expect(cmds.at(-2)).toBe('vtysh -c show running-config');
    expect(cmds.at(-1)).toBe('vtysh -b');
    expect(executor.commands.every((c) => c.argv[2] === 'clab-pe-kind-spine')).toBe(true);
  });

  it('restart-frr of a fabric router whose bgpd never comes back fails after frrRestartMs', async () => {
    const { rt, executor, clock } = await setup();
    executor.respond = (argv) => (argv.slice(3).join(' ') === 'pgrep -x bgpd' ? failed(1, '') : ok());
    const e = await clock.run(rt.fault({ kind: 'restart-frr', target: { kind: 'router', name: 'spine' } }).catch((x: unknown) => x));
    expect((e as Error).message).toMatch(/timed out after 60000 ms waiting for a new bgpd on spine \(watchfrr starts it/);
    expect(clock.now()).toBe(DEFAULT_TIMING.frrRestartMs);
  });
});

describe('up, down and bundles', () => {
  it('up runs the plan in order and reports each phase', async () => {
    const { rt, executor } = await setup({ kubeconfig: false });
    const phases: string[] = [];
    await rt.up({ onPhase: (p) => phases.push(p) });
    expect(executor.steps).toEqual(rt.upPlan());
    expect(phases[0]).toBe('preflight');
    expect(phases.at(-1)).toBe('openperouter');
    expect(new Set(phases).size).toBe(phases.length);
  });

  it('a failing step stops the bring-up with a hint to remove the lab', async () => {
    const { rt, executor } = await setup({ kubeconfig: false });
    executor.failStep = (s) => s.phase === 'containerlab';
    const origStep = executor.step.bind(executor);
    executor.step = async (s) => {
      if (executor.failStep?.(s)) throw new LabBuildError('deploy failed');
      return origStep(s);
    };
    const err = await rt.up().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabBuildError);
    expect((err as LabBuildError).message).toMatch(/pelab down --name singlecluster/);
    expect(executor.steps.some((s) => s.phase === 'kubeconfig')).toBe(false);
  });

  it('down runs every step even when one fails, then reports', async () => {
    const { rt, executor } = await setup();
    executor.failStep = (s) => s.argv?.[0] === 'kind';
    await expect(rt.down()).rejects.toThrow(/left something behind/);
    expect(executor.steps.map((s) => s.argv?.[0])).toEqual([undefined, 'containerlab', 'kind', 'ip', 'ip', 'rm']);
  });

  it('offers CRs, pod logs, kind export logs and the routers\' logs to the failure bundle', async () => {
    const { rt, executor, workDir } = await setup();
    const extras = await rt.dumpExtras();
    const files = extras.map((e) => e.file);
    expect(files).toContain('spine/container.log');
    expect(files).toContain('cluster/openperouter.yaml');
    expect(files).toContain('cluster/frr-k8s.yaml');
    expect(files).toContain('cluster/metallb.yaml');
    expect(files).toContain('cluster/logs/openperouter-system/openperouter-router-2xk8p.log');
    expect(files).toContain('cluster/logs/frr-k8s-system/frr-k8s-lp2vc.log');
    expect(files).toContain('cluster/kind-export-logs.txt');
    const asked: string[] = [];
    const docker = new RecordingDocker(executor);
    docker.logs = async (c?: string) => (asked.push(c!), { stdout: 'T1 up\n', stderr: 'T2 warn\n' });
    const withDocker = new KindRuntime(rt.lab, { workDir, executor, docker });
    const log = (await withDocker.dumpExtras()).find((e) => e.file === 'spine/container.log')!;
    expect(await log.collect(new AbortController().signal)).toBe('T1 up\n--- stderr ---\nT2 warn\n');
    expect(asked).toEqual(['clab-pe-kind-spine']);
    executor.respond = () => ok('kind: List\n');
    const crs = extras.find((e) => e.file === 'cluster/frr-k8s.yaml')!;
    expect(await crs.collect(new AbortController().signal)).toBe('kind: List\n');
    expect(executor.commands.at(-1)!.argv).toEqual([
      'kubectl', '--kubeconfig', join(workDir, 'kubeconfig'), 'get', 'frrconfigurations.frrk8s.metallb.io,bgpsessionstates.frrk8s.metallb.io,frrnodestates.frrk8s.metallb.io', '-A', '-o', 'yaml',
    ]);
    const kindLogs = extras.find((e) => e.file === 'cluster/kind-export-logs.txt')!;
    expect(kindLogs.timeoutMs).toBeGreaterThan(60_000);
    executor.respond = () => failed(1, 'boom');
    await expect(kindLogs.collect(new AbortController().signal)).rejects.toThrow(/boom/);
    expect(existsSync(workDir)).toBe(true);
  });

  it('dumpTargets lists every router, host, PE and speaker', async () => {
    const { rt, lab } = await setup();
    const t = rt.dumpTargets();
    expect(t).toHaveLength(lab.routers.length + lab.hosts.length + 2 * lab.cluster!.nodes.length);
    expect(t).toContainEqual({ kind: 'pe', node: 'pe-kind-worker2' });
    expect(t).toContainEqual({ kind: 'speaker', node: 'pe-kind-worker2' });
  });
});
