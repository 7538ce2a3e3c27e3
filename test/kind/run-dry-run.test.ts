// `runScenario` with dryRun: the scenario is walked, not run. On kind the runtime prints its plan,
// the applies and every probe's exact command; nothing is polled and no bundle is written.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleReporter } from '../../src/report/console.ts';
import { loadScenario, type Scenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { quoteArgv } from '../../src/runtime/kind/dry-run.ts';
import { repoRoot } from '../lab/helpers.ts';
import { captureStream } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function dryRun(runtime: 'kind' | 'netns', file = 'metallb-evpn.yaml') {
  const scenario = await loadScenario(resolve(repoRoot, 'scenarios', file));
  const out = captureStream();
  const reporterOut = captureStream();
  const bundleDir = mkdtempSync(join(tmpdir(), 'pelab-dry-bundles-'));
  dirs.push(bundleDir);
  const reporter = createConsoleReporter({ stream: reporterOut, live: false });
  const started = performance.now();
  const outcome = await runScenario(scenario, { runtime, reporter, bundleDir, dryRun: true, out, instance: 'drytest' });
  reporter.close();
  return { scenario, outcome, text: out.text(), reporterText: reporterOut.text(), ms: performance.now() - started, bundleDir };
}

function descriptions(scenario: Scenario): string[] {
  return scenario.steps.flatMap((s) => (s.kind === 'checks' ? s.checks : s.kind === 'wait' ? [s.check] : [])).map((c) => c.description);
}

describe('dry-run of a scenario on kind', () => {
  it('prints the bring-up, the applies, every check with its probe, the teardown; fast, exit 0, no bundle', async () => {
    const { scenario, outcome, text, reporterText, ms, bundleDir } = await dryRun('kind');
    expect(ms).toBeLessThan(10_000);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.result.checks).toEqual([]);
    expect(readdirSync(bundleDir)).toEqual([]);
    expect(reporterText).toBe('');
    expect(existsSync(resolve(process.cwd(), '.pelab', 'kind', 'drytest'))).toBe(false);

    expect(text).toContain('# pelab run metallb-evpn (dry run): lab singlecluster, runtime kind, instance drytest');
    expect(text).toContain('containerlab deploy --reconfigure -t ');
    expect(text).toMatch(/\$ helm upgrade --install frr-k8s frr-k8s /);
    const applies = text.split('\n').filter((l) => l.startsWith('# server-side apply '));
    expect(applies.length).toBe(scenario.manifests.flatMap((f) => scenario.manifestsByFile.get(f) ?? []).length);

    const all = descriptions(scenario);
    expect(all.length).toBeGreaterThan(20);
    for (const d of all) expect(text).toContain(d);
    expect(text).toContain(`# dry run: nothing was built, applied or checked (${all.length} checks described)`);

    // Probes carry resolved addresses: the PE's underlay address and MetalLB's predicted service IP.
    expect(text).toContain(`  $ ${quoteArgv(['docker', 'exec', 'clab-pe-kind-leafkind1', 'vtysh', '-c', 'show bgp neighbor 192.168.11.4 json'])}`);
    expect(text).toMatch(/\$ docker exec clab-pe-kind-hostA_red curl .*http:\/\/172\.30\.0\.10:80\//);
    expect(text).toContain('# list bgpsessionstates.frrk8s.metallb.io (all namespaces)');
    expect(text).toContain('  $ docker exec clab-pe-kind-leafA ip vrf exec red ip -j route show 172.30.0.10/32');
    expect(text).toContain('  $ kind delete cluster --name pe-kind');
    // Order: up, applies, checks, teardown.
    const at = (s: string) => text.indexOf(s);
    expect(at('containerlab deploy')).toBeLessThan(at('# server-side apply '));
    expect(at('# server-side apply ')).toBeLessThan(at('# == step 1'));
    expect(at('# == step 5')).toBeLessThan(at('kind delete cluster'));
  });

  it('prints the deletes and re-applies of a scenario\'s steps through the runtime', async () => {
    const { outcome, text } = await dryRun('kind', 'evpn-withdrawal.yaml');
    expect(outcome.exitCode).toBe(0);
    const del = text.indexOf('# delete L3VNI/openperouter-system/red');
    expect(del).toBeGreaterThan(0);
    expect(text.indexOf('# server-side apply L3VNI/openperouter-system/red', del)).toBeGreaterThan(del);
    expect(text).toContain('# dry run: nothing was built, applied or checked');
  });
});

describe('dry-run of a scenario on netns', () => {
  it('describes the steps and resolved checks without touching the runtime', async () => {
    const { scenario, outcome, text } = await dryRun('netns');
    expect(outcome.exitCode).toBe(0);
    expect(text).toContain('# the netns runtime has no dry run');
    expect(text).not.toContain('containerlab');
    expect(text).toContain('#   apply Service/red/nginx-service-red from ');
    for (const d of descriptions(scenario)) expect(text).toContain(d);
    expect(text).toContain('"url":"http://172.30.0.10:80/"');
  });
});

// The review's blocking and wrong-result divergences (../shared/notes/kind-runtime-review.md),
// read off the whole dry-run text of the two scenarios that exercise them.
describe.each(['metallb-evpn.yaml', 'evpn-routes-per-vni.yaml'])('dry-run of %s on kind shows none of D1-D5', (file) => {
  it('D1-D5 absent; their fixes present in order', async () => {
    const { text } = await dryRun('kind', file);
    const lines = text.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    // D1: no frr-k8s 0.0.21 and nothing from gcr.io/kubebuilder.
    expect(text).not.toMatch(/gcr\.io|kube-rbac-proxy/);
    expect(text).toMatch(/\$ helm upgrade --install frr-k8s frr-k8s --repo https:\/\/metallb\.github\.io\/frr-k8s --version 0\.0\.25 /);
    // D2: OpenPERouter from the pinned commit's chart, with its image tag set; no released 0.x chart.
    expect(text).not.toMatch(/openperouter\.github\.io|--version 0\.0\.5/);
    expect(at(/\$ git -C \S+ fetch --quiet --depth 1 https:\/\/github\.com\/openperouter\/openperouter\.git 1d5dcdf/)).toBeGreaterThan(0);
    const install = at(/\$ helm upgrade --install openperouter \S+\/charts\/openperouter\/charts\/openperouter .*--set openperouter\.image\.tag=main/);
    expect(install).toBeGreaterThan(0);
    // D3: images only as archives.
    expect(text).not.toContain('kind load docker-image');
    expect(at(/\$ kind load image-archive /)).toBeGreaterThan(0);
    // D4: indices pinned before the install, read back after it.
    const annotate = lines.map((l, i) => (/\$ kubectl .* annotate --overwrite node \S+ openpe\.io\/nodeindex=\d/.test(l) ? i : -1)).filter((i) => i >= 0);
    expect(annotate).toHaveLength(3);
    for (const i of annotate) expect(i).toBeLessThan(install);
    expect(at(/^# list nodes \(openpe\.io\/nodeindex of each\)/)).toBeGreaterThan(install);
    // D5: nothing run in a pod through ip vrf exec.
    expect(lines.filter((l) => /\$ kubectl .* exec .* ip vrf exec/.test(l))).toEqual([]);
  });
});

// MetalLB L2 mode on kind: the lab's client is a container on kind's node network at its lab
// address (a fixed address needs the network's IPv4 subnet configured, so the plan creates `kind`
// with it before containerlab creates the cluster), checks reach it by docker exec, and down removes it.
describe('dry-run of metallb-l2 on kind', () => {
  it('creates the kind network with its IPv4 subnet, starts the client at its address, probes from it, removes it', async () => {
    const { outcome, text } = await dryRun('kind', 'metallb-l2.yaml');
    expect(outcome.exitCode).toBe(0);
    const lines = text.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const network = at(/\$ docker network create --driver bridge --subnet 172\.18\.0\.0\/16 --gateway 172\.18\.0\.1 --ipv6 --subnet fc00:f853:ccd:e793::\/64 --opt com\.docker\.network\.bridge\.enable_ip_masquerade=true kind  # Docker API: GET \/networks\/kind /);
    const deploy = at(/\$ containerlab deploy /);
    const pull = at(/\$ docker image pull --platform linux\/\S+ nicolaka\/netshoot:v0\.13  # Docker API: POST \/images\/create/);
    // The container is named as exec.ts names a fabric host, so the checks' docker exec reaches it.
    const client = /\$ docker run --detach --name (clab-\S+-client) --network kind --ip 172\.18\.0\.5 nicolaka\/netshoot:v0\.13 sleep infinity  # Docker API: /.exec(text)?.[1] ?? 'no client container started';
    const run = at(new RegExp(`\\$ docker run --detach --name ${client} `));
    const arping = at(new RegExp(`\\$ docker exec ${client} arping -b -c \\d -w 1 -I eth0 172\\.18\\.255\\.`));
    const remove = at(new RegExp(`\\$ docker rm --force ${client}  # Docker API: DELETE /containers/${client}\\?force=1`));
    const destroy = at(/\$ containerlab destroy /);
    expect(network).toBeGreaterThan(0);
    expect(deploy).toBeGreaterThan(network);
    expect(pull).toBeGreaterThan(deploy);
    expect(run).toBeGreaterThan(pull);
    expect(arping).toBeGreaterThan(run);
    expect(remove).toBeGreaterThan(arping);
    expect(destroy).toBeGreaterThan(arping);
    expect(remove).toBeGreaterThan(destroy);
    // The Engine API requests pelab sends for them.
    expect(text).toContain(`POST /containers/create?name=${client}, POST /containers/${client}/start`);
  });
});
