// Lab lifecycle on the netns runtime: up/status/exec/down, two labs side by side, and cleanup
// after a killed or interrupted bring-up. "Nothing left" is checked on the machine itself:
// namespaces, FRR processes, mounts and files.
import { execa } from 'execa';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { canRunLabs, leftovers, pelab, PELAB, ROOT, skipReason } from './helpers.ts';
import { Ledger } from '../../src/runtime/netns/ledger.ts';

async function untilLedgerHasNamespaces(instance: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (existsSync(`/run/pelab/${instance}/state.jsonl`) && (await leftovers(instance)).some((l) => l.startsWith('namespace'))) return;
    await delay(20);
  }
  throw new Error(`lab ${instance} never started creating namespaces`);
}

const INSTANCES = ['lc-a', 'lc-b', 'lc-c', 'lc-k', 'lc-d', 'lc-i', 'lc-e'];

// Each test has lab instances of its own (INSTANCES), so they run concurrently (vitest.config.ts
// maxConcurrency): one after another they waited on seven bring-ups in a row.
describe.skipIf(!canRunLabs)(`netns lifecycle${skipReason ? ` (skipped: ${skipReason})` : ''}`, { concurrent: true }, () => {
  // A previous run that was itself killed must not make this one fail.
  beforeAll(async () => {
    for (const name of INSTANCES) if ((await leftovers(name)).length > 0) await pelab(['down', '--name', name]);
  });

  // Deleting every manifest at once left the PE and speaker with an empty config, which
  // frr-reload refuses ("is an empty file"): the delete failed with exit 3.
  it('deleting every manifest at once leaves the routers unconfigured, and applying again restores them', { timeout: 120_000 }, async () => {
    const manifests = ['scenarios/mini-evpn/manifests.yaml'];
    expect((await pelab(['up', '--lab', 'mini', '--name', 'lc-e'])).exitCode).toBe(0);
    try {
      expect((await pelab(['apply', '--name', 'lc-e', ...manifests])).exitCode).toBe(0);
      const deleted = await pelab(['delete', '--name', 'lc-e', ...manifests]);
      expect(deleted.exitCode, deleted.stderr).toBe(0);
      const config = await pelab(['exec', '--name', 'lc-e', 'mini-control-plane:pe', '--', 'vtysh', '-c', 'show running-config']);
      expect(config.stdout).toContain('hostname mini-control-plane-pe');
      expect(config.stdout).not.toMatch(/^router bgp/m);
      const speaker = await pelab(['exec', '--name', 'lc-e', 'mini-control-plane', '--', 'vtysh', '-c', 'show running-config']);
      expect(speaker.stdout).not.toMatch(/^router bgp/m);
      const again = await pelab(['apply', '--name', 'lc-e', ...manifests]);
      expect(again.exitCode).toBe(0);
      // The Service's address as the apply allocated it ("service web/web: <ip>").
      const ip = /^service web\/web: (\S+)$/m.exec(again.stdout + again.stderr)?.[1];
      expect(ip).toBeDefined();
      let code = '';
      for (const end = Date.now() + 30_000; Date.now() < end && code !== '200'; await delay(250)) {
        code = (await pelab(['exec', '--name', 'lc-e', 'client_red', '--', 'curl', '-s', '-m', '1', '-o', '/dev/null', '-w', '%{http_code}', `http://${ip}:8080/clientip`])).stdout;
      }
      expect(code).toBe('200');
    } finally {
      await pelab(['down', '--name', 'lc-e']);
    }
    expect(await leftovers('lc-e')).toEqual([]);
  });

  it('up, status, exec, down leave nothing behind', { timeout: 120_000 }, async () => {
    const started = Date.now() - 1_000;
    const up = await pelab(['up', '--lab', 'mini', '--name', 'lc-a']);
    expect(up.exitCode, up.stderr).toBe(0);
    const status = await pelab(['status', '--name', 'lc-a', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).nodes.every((n: { state: string }) => n.state === 'up')).toBe(true);
    const exec = await pelab(['exec', 'edge1', '--name', 'lc-a', '--', 'vtysh', '-c', 'show bgp summary json']);
    expect(exec.exitCode, exec.stderr).toBe(0);
    expect(JSON.parse(exec.stdout).ipv4Unicast.as).toBe(65101);
    // FRR's per-daemon crash-log folders (<daemon>.<pid>, made before it daemonizes) go to the
    // holder's own /var/tmp (FRR_CRASH_TMP), not the host's, where every killed daemon left one.
    const holders = Ledger.read('/run/pelab/lc-a/state.jsonl')!.data.processes.filter((p) => p.label.endsWith(' namespace holder'));
    expect(holders.length).toBeGreaterThan(0);
    for (const h of holders) {
      const folders = readdirSync(`/proc/${h.pid}/root/var/tmp/frr`);
      expect(folders.filter((f) => /^(zebra|bgpd)\.\d+$/.test(f)), h.label).toHaveLength(2);
      // (A folder of that name on the host may be a leftover of an older pelab, whose pid came round again.)
      for (const f of folders) expect(existsSync(`/var/tmp/frr/${f}`) && statSync(`/var/tmp/frr/${f}`).ctimeMs >= started, `${f} on the host`).toBe(false);
    }
    expect((await leftovers('lc-a')).length).toBeGreaterThan(0);
    const down = await pelab(['down', '--name', 'lc-a']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers('lc-a')).toEqual([]);
  });

  it('two labs run side by side without interfering', { timeout: 180_000 }, async () => {
    const [b, c] = await Promise.all([pelab(['up', '--lab', 'mini', '--name', 'lc-b']), pelab(['up', '--lab', 'mini', '--name', 'lc-c'])]);
    try {
      expect(b.exitCode, b.stderr).toBe(0);
      expect(c.exitCode, c.stderr).toBe(0);
      for (const name of ['lc-b', 'lc-c']) {
        const r = await pelab(['apply', '--name', name, 'scenarios/mini-evpn/manifests.yaml']);
        expect(r.exitCode, r.stderr).toBe(0);
      }
      // Same addresses in both labs: each curl must be answered by its own lab's node.
      const curlBoth = async () =>
        Promise.all(['lc-b', 'lc-c'].map((name) => pelab(['exec', 'client_red', '--name', name, '--', 'curl', '-sS', '-m', '2', 'http://10.93.0.1:8080/clientip'])));
      let answers = await curlBoth();
      for (let i = 0; i < 40 && answers.some((a) => a.exitCode !== 0); i++) {
        await delay(250);
        answers = await curlBoth();
      }
      for (const a of answers) {
        expect(a.exitCode, a.stderr).toBe(0);
        expect(a.stdout).toMatch(/^10\.90\.1\.2:\d+/);
      }
      // The answer crossed the fabric inside VXLAN: the leaf's L3VNI device carried packets both ways.
      const stats = await pelab(['exec', 'edge1', '--name', 'lc-c', '--vrf', 'red', '--', 'ip', '-j', '-s', 'link', 'show', 'vni110']);
      expect(stats.exitCode, stats.stderr).toBe(0);
      const [vxlan] = JSON.parse(stats.stdout) as { stats64: { rx: { packets: number }; tx: { packets: number } } }[];
      expect(vxlan!.stats64.tx.packets).toBeGreaterThan(0);
      expect(vxlan!.stats64.rx.packets).toBeGreaterThan(0);
      // Taking one down leaves the other working.
      expect((await pelab(['down', '--name', 'lc-b'])).exitCode).toBe(0);
      expect(await leftovers('lc-b')).toEqual([]);
      const still = await pelab(['exec', 'client_red', '--name', 'lc-c', '--', 'curl', '-sS', '-m', '2', 'http://10.93.0.1:8080/hostname']);
      expect(still.exitCode, still.stderr).toBe(0);
      // agnhost's /hostname: the pod's name (web's only replica).
      expect(still.stdout.trim()).toBe('web-0');
    } finally {
      await pelab(['down', '--name', 'lc-b']);
      await pelab(['down', '--name', 'lc-c']);
    }
    expect(await leftovers('lc-c')).toEqual([]);
  });

  it('a killed up leaves a ledger that down (or the next up) cleans completely', { timeout: 120_000 }, async () => {
    const child = execa(PELAB, ['up', '--lab', 'singlecluster', '--name', 'lc-k'], { cwd: ROOT, reject: false, env: { CI: 'true' } });
    await untilLedgerHasNamespaces('lc-k', 30_000);
    child.kill('SIGKILL');
    await child;
    expect((await leftovers('lc-k')).length).toBeGreaterThan(0);
    // A later up finds the remains, removes them, and builds a fresh lab.
    const again = await pelab(['up', '--lab', 'mini', '--name', 'lc-k']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await leftovers('lc-k')).not.toContain('namespace pelab.lc-k.spine');
    const down = await pelab(['down', '--name', 'lc-k']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers('lc-k')).toEqual([]);
  });

  it('a killed up is cleaned by down alone', { timeout: 120_000 }, async () => {
    const child = execa(PELAB, ['up', '--lab', 'singlecluster', '--name', 'lc-d'], { cwd: ROOT, reject: false, env: { CI: 'true' } });
    await untilLedgerHasNamespaces('lc-d', 30_000);
    await delay(300);
    child.kill('SIGKILL');
    await child;
    expect((await leftovers('lc-d')).length).toBeGreaterThan(0);
    expect((await pelab(['down', '--name', 'lc-d'])).exitCode).toBe(0);
    expect(await leftovers('lc-d')).toEqual([]);
  });

  it('Ctrl-C during up removes what was built', { timeout: 120_000 }, async () => {
    const child = execa(PELAB, ['up', '--lab', 'singlecluster', '--name', 'lc-i'], { cwd: ROOT, reject: false, env: { CI: 'true' } });
    await untilLedgerHasNamespaces('lc-i', 30_000);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(await leftovers('lc-i')).toEqual([]);
  });
});
