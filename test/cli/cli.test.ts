// The pelab command line, run in-process through main() (the same code bin/pelab runs, with
// stdout and stderr captured): dry runs on kind, kind instances found by their work directory,
// and the exit codes for bad input. test/cli/errors.test.ts also spawns bin/pelab once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pelab, tempDirs } from './in-process.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { PINNED } from '../../src/runtime/kind/artifacts.ts';
import { repoRoot } from '../lab/helpers.ts';

const tmp = tempDirs('pelab-cli-');

describe('pelab run --runtime kind --dry-run', () => {
  it('walks scenarios/metallb-evpn.yaml quickly: deploy, helm installs, manifests, every check; exit 0', async () => {
    const r = await pelab(['run', 'scenarios/metallb-evpn.yaml', '--runtime', 'kind', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stdout).toContain('  $ containerlab deploy --reconfigure -t ');
    for (const c of Object.values(PINNED.charts)) {
      const chart = c.source.type === 'repo' ? `${c.source.chart} --repo ${c.source.repo} --version ${c.source.version}` : c.source.type === 'git' ? `\\S+/charts/openperouter/${c.source.path}` : c.source.path;
      expect(r.stdout).toMatch(new RegExp(`  \\$ helm upgrade --install ${c.release} ${chart} --namespace ${c.namespace} `));
    }
    const scenario = await loadScenario(resolve(repoRoot, 'scenarios', 'metallb-evpn.yaml'));
    const manifests = scenario.manifests.flatMap((f) => scenario.manifestsByFile.get(f) ?? []);
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      const key = `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
      expect(r.stdout).toContain(`# server-side apply ${key} (`);
    }
    const checks = scenario.steps.flatMap((s) => (s.kind === 'checks' ? s.checks : s.kind === 'wait' ? [s.check] : []));
    for (const c of checks) expect(r.stdout).toContain(c.description);
    expect(r.stdout).toContain(`(${checks.length} checks described)`);
    // Nothing ran, so nothing was reported as passed or failed.
    expect(r.stdout).not.toMatch(/✗|FAILED|passed/);
  });

  it('takes the runtime from PELAB_RUNTIME', async () => {
    const r = await pelab(['run', 'scenarios/metallb-evpn.yaml', '--dry-run'], { env: { PELAB_RUNTIME: 'kind' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('runtime kind');
    expect(r.stdout).toContain('containerlab deploy');
  });
});

describe('pelab up --runtime kind --dry-run', () => {
  it('prints the bring-up and says it was a dry run, not that the lab is up', async () => {
    const r = await pelab(['up', '--runtime', 'kind', '--dry-run', '--lab', 'mini', '--name', 'cli-dry']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('# pelab up: lab mini');
    expect(r.stdout).toContain('  $ containerlab deploy --reconfigure -t ');
    expect(r.stdout).toContain(`/.pelab/kind/cli-dry/lab.json`);
    expect(r.stdout).toContain('dry run: nothing was built');
    expect(r.stdout).not.toMatch(/is up/);
  });

  it('refuses --dry-run on netns, which has none (exit 2)', async () => {
    const r = await pelab(['up', '--dry-run', '--lab', 'mini']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dry-run: only with --runtime kind');
  });
});

describe('lifecycle commands on kind', () => {
  /** A directory where `pelab up --runtime kind` left instance `one` (lab mini) and `two` (singlecluster). */
  function workspace(): string {
    const cwd = tmp();
    for (const [instance, lab] of [['one', 'mini'], ['two', 'singlecluster']] as const) {
      mkdirSync(join(cwd, '.pelab', 'kind', instance), { recursive: true });
      writeFileSync(join(cwd, '.pelab', 'kind', instance, 'lab.json'), JSON.stringify({ lab: resolve(repoRoot, 'labs', `${lab}.yaml`), name: lab }));
    }
    return cwd;
  }

  it('recognise an instance by its work directory and its recorded lab', async () => {
    const cwd = workspace();
    const r = await pelab(['status', '--runtime', 'kind', '--dry-run', '--name', 'one'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('lab one (mini) on kind: unknown (dry run)');
    expect(r.stdout).toContain('  $ containerlab inspect --name mini --format json');
    expect(r.stdout).toContain(`kubeconfig ${join(cwd, '.pelab', 'kind', 'one', 'kubeconfig')}`);
  });

  it('ask which instance when several are there, and tear down all of them with --all', async () => {
    const cwd = workspace();
    const which = await pelab(['down', '--runtime', 'kind', '--dry-run'], { cwd });
    expect(which.code).toBe(2);
    expect(which.stderr).toContain('one of the labs that are up: one, two');
    const all = await pelab(['down', '--runtime', 'kind', '--dry-run', '--all'], { cwd });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`  $ rm -rf -- ${join(cwd, '.pelab', 'kind', 'one')}`);
    expect(all.stdout).toContain(`  $ rm -rf -- ${join(cwd, '.pelab', 'kind', 'two')}`);
    expect(all.stdout).toContain('  $ kind delete cluster --name mini');
    expect(all.stdout).toContain('  $ kind delete cluster --name pe-kind');
    expect(all.stdout.match(/^dry run: nothing was removed/gm)?.length).toBe(2);
  });

  it('print exec, apply, delete and dump instead of doing them', async () => {
    const cwd = workspace();
    const exec = await pelab(['exec', '--runtime', 'kind', '--dry-run', '--name', 'two', 'pe-kind-worker:pe', '--', 'vtysh', '-c', 'show bgp summary'], { cwd });
    expect(exec.code, exec.stderr).toBe(0);
    expect(exec.stdout).toContain("exec -n openperouter-system '<router-pod-on-pe-kind-worker>' -c frr -- nsenter --net=/var/run/netns/perouter vtysh -c 'show bgp summary'");
    expect(exec.stdout).toContain('dry run: nothing was run');

    const manifest = resolve(repoRoot, 'scenarios', 'metallb-evpn', 'manifests', 'l3vnis.yaml');
    const apply = await pelab(['apply', '--runtime', 'kind', '--dry-run', '--name', 'two', manifest], { cwd });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('# server-side apply L3VNI/openperouter-system/red (');
    expect(apply.stdout).toContain('dry run: nothing was applied');
    const del = await pelab(['delete', '--runtime', 'kind', '--dry-run', '--name', 'two', manifest], { cwd });
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toContain('# delete L3VNI/openperouter-system/red (');

    const dump = await pelab(['dump', '--runtime', 'kind', '--dry-run', '--name', 'two', '--out', join(cwd, 'bundle')], { cwd });
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout).toContain(`would be written to ${join(cwd, 'bundle')}`);
    expect(dump.stdout).toContain("  $ docker exec clab-pe-kind-spine vtysh -c 'show bgp vrf all summary json'");
    expect(dump.stdout).toContain('# spine/container.log: docker logs of spine');
  });

  it('say so when no kind instance is there (exit 3), and stay on netns by default', async () => {
    const cwd = tmp();
    const r = await pelab(['status', '--runtime', 'kind'], { cwd });
    // status answers "is it up?": no (exit 1), and what is up instead; not "could not be built".
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no kind lab instance under');
    expect(r.stderr).toContain('no lab is up on kind');
    expect(r.stderr).not.toContain('could not be built');
    const named = await pelab(['exec', '--runtime', 'kind', '--name', 'gone', 'leafA', '--', 'true'], { cwd });
    expect(named.code).toBe(3);
    expect(named.stderr).toContain('lab instance "gone" is not up on kind');
    const netns = await pelab(['status', '--dry-run'], { cwd });
    expect(netns.code).toBe(2);
  });
});

describe('exit codes for bad input', () => {
  it('a scenario naming a node the lab does not have: 2, with file:line and path', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: pelab.dev/v1alpha1',
        'kind: Scenario',
        'metadata:',
        '  name: bad-node',
        'spec:',
        '  lab: singlecluster',
        '  mode: evpn',
        '  steps:',
        '    - name: sessions',
        '      checks:',
        '        - { check: bgp-session, on: { router: spine }, peer: { router: leafA } }',
        '        - { check: bgp-session, on: { router: leafZ }, peer: { router: spine } }',
        '',
      ].join('\n'),
    );
    for (const args of [['run', file, '--runtime', 'kind', '--dry-run'], ['run', file], ['validate', file]]) {
      const r = await pelab(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`${file}:12: spec.steps[0].checks[1]: lab singlecluster has no router "leafZ"`);
      expect(r.stdout).not.toContain('containerlab');
    }
  });

  it('a missing scenario file: 2', async () => {
    const r = await pelab(['run', 'scenarios/no-such-scenario.yaml', '--runtime', 'kind', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-scenario.yaml');
    expect(r.stderr).toContain('a readable file');
  });

  it('an unknown command: 2, with the usage', async () => {
    const r = await pelab(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('pelab --help');
  });

  it('an unknown option or runtime: 2', async () => {
    expect((await pelab(['run', 'scenarios/metallb-evpn.yaml', '--frob'])).code).toBe(2);
    const r = await pelab(['run', 'scenarios/metallb-evpn.yaml', '--runtime', 'docker', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'docker' is invalid. Allowed choices are netns, kind.");
  });
});
