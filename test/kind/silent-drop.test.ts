// The silent-drop fault on kind (what the metallb-bgp-production scenario does to a router's
// node-facing link, and may do to a node's): tc in the container that has the interface, checked
// against the runtime's recorded commands and the dry run's output. tc's clsact/matchall cannot be
// loaded on this machine's kernel (no CONFIG_NET_CLS_MATCHALL), so no real kernel checks the argv
// here; the netns runtime's nftables form is tested for real in test/runtime/silent-drop.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KindRuntime } from '../../src/runtime/kind/runtime.ts';
import { quoteArgv } from '../../src/runtime/kind/dry-run.ts';
import { tcDropArgvs, tcRestoreArgvs } from '../../src/runtime/silent-drop.ts';
import { repoLab } from '../lab/helpers.ts';
import { FakeClock } from '../proc/fake-clock.ts';
import { captureStream, failed, FakeCluster, ok, RecordingDocker, RecordingExecutor } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function workDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'pelab-kind-drop-'));
  dirs.push(base);
  const dir = join(base, 'work');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\n');
  return dir;
}

async function setup() {
  const lab = await repoLab('metallb-production');
  const clock = new FakeClock();
  const executor = new RecordingExecutor(clock);
  const rt = new KindRuntime(lab, { workDir: workDir(), executor, cluster: new FakeCluster(), docker: new RecordingDocker(executor), clock });
  return { rt, executor };
}

describe('silent drop on kind', () => {
  it('tc: clsact with a matchall drop each way; restoring removes the qdisc and its filters', () => {
    expect(tcDropArgvs('nodes')).toEqual([
      ['tc', 'qdisc', 'add', 'dev', 'nodes', 'clsact'],
      ['tc', 'filter', 'add', 'dev', 'nodes', 'ingress', 'matchall', 'action', 'drop'],
      ['tc', 'filter', 'add', 'dev', 'nodes', 'egress', 'matchall', 'action', 'drop'],
    ]);
    expect(tcRestoreArgvs('nodes')).toEqual([['tc', 'qdisc', 'del', 'dev', 'nodes', 'clsact']]);
  });

  it("a fabric router: tc in its containerlab container", async () => {
    const { rt, executor } = await setup();
    await rt.fault({ kind: 'drop-traffic', target: { kind: 'router', name: 'router-primary' }, interface: 'nodes' });
    await rt.fault({ kind: 'restore-traffic', target: { kind: 'router', name: 'router-primary' }, interface: 'nodes' });
    expect(executor.commands.map((c) => c.argv)).toEqual([
      ...tcDropArgvs('nodes'),
      ...tcRestoreArgvs('nodes'),
    ].map((argv) => ['docker', 'exec', 'clab-prod-router-primary', ...argv]));
  });

  it("a cluster node: tc in the kind node's own namespace, or in the router's netns once the Underlay took the interface", async () => {
    const { rt, executor } = await setup();
    await rt.fault({ kind: 'drop-traffic', target: { kind: 'speaker', node: 'prod-worker' }, interface: 'fab1' });
    expect(executor.commands.map((c) => c.argv)).toEqual([
      ['docker', 'exec', 'prod-worker', 'ip', 'link', 'show', 'dev', 'fab1'],
      ...tcDropArgvs('fab1').map((argv) => ['docker', 'exec', 'prod-worker', ...argv]),
    ]);
    executor.commands.length = 0;
    executor.respond = (argv) => (argv.includes('show') ? failed(1, 'Device "fab1" does not exist.') : ok());
    await rt.fault({ kind: 'restore-traffic', target: { kind: 'pe', node: 'prod-worker' }, interface: 'fab1' });
    expect(executor.commands.map((c) => c.argv)).toEqual([
      ['docker', 'exec', 'prod-worker', 'ip', 'link', 'show', 'dev', 'fab1'],
      ['docker', 'exec', 'prod-worker', 'nsenter', '--net=/var/run/netns/perouter', 'tc', 'qdisc', 'del', 'dev', 'fab1', 'clsact'],
    ]);
  });

  it('a failed tc is a lab error that says where and what tc said', async () => {
    const { rt, executor } = await setup();
    executor.respond = () => failed(2, 'Error: Specified qdisc kind is unknown.');
    await expect(rt.fault({ kind: 'drop-traffic', target: { kind: 'router', name: 'router-primary' }, interface: 'nodes' })).rejects.toThrow(
      /drop-traffic router router-primary:nodes failed: Error: Specified qdisc kind is unknown\./,
    );
  });

  it('the dry run prints the exact commands', async () => {
    const out = captureStream();
    const rt = new KindRuntime(await repoLab('metallb-production'), { dryRun: true, out, workDir: workDir() });
    await rt.fault({ kind: 'drop-traffic', target: { kind: 'router', name: 'router-primary' }, interface: 'nodes' });
    await rt.fault({ kind: 'restore-traffic', target: { kind: 'router', name: 'router-primary' }, interface: 'nodes' });
    for (const argv of [...tcDropArgvs('nodes'), ...tcRestoreArgvs('nodes')]) expect(out.text()).toContain(`  $ ${quoteArgv(['docker', 'exec', 'clab-prod-router-primary', ...argv])}`);
  });
});
