import { mkdtempSync, readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FRR_COMMANDS, KERNEL_COMMANDS, writeBundle, type BundleExtra } from '../../src/diagnostics/bundle.ts';
import { targetDir } from '../../src/runtime/roles.ts';
import type { Target } from '../../src/runtime/runtime.ts';
import { brokenRun, failingRun, lab } from './fixtures.ts';
import { FakeRuntime } from './fake-runtime.ts';

const targets: Target[] = [
  { kind: 'router', name: 'spine' },
  { kind: 'router', name: 'leafA' },
  { kind: 'host', name: 'hostA_red' },
  { kind: 'pe', node: 'pe-kind-worker' },
  { kind: 'speaker', node: 'pe-kind-worker' },
];

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const tmp = () => mkdtempSync(join(tmpdir(), 'pelab-bundle-'));

describe('writeBundle (fake runtime)', () => {
  it('writes FRR and kernel state per target, per VRF, plus result, timeline, manifests and index', async () => {
    const rt = new FakeRuntime(lab, targets);
    const dir = join(tmp(), 'bundle');
    const path = await writeBundle(rt, dir, {
      result: failingRun,
      manifests: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: red}\n',
      extraFiles: (t) => (t.kind === 'router' ? [{ name: 'frr.log', path: `/var/log/frr/${t.name}.log` }] : []),
    });
    expect(path).toBe(dir);
    const all = files(dir);
    // FRR targets get vtysh output; hosts do not.
    for (const t of ['spine', 'leafA', 'pe-kind-worker.pe', 'pe-kind-worker.speaker']) {
      for (const [file] of FRR_COMMANDS) expect(all).toContain(`${t}/${file}`);
    }
    expect(all.some((f) => f.startsWith('hostA_red/frr-'))).toBe(false);
    for (const t of ['spine', 'leafA', 'hostA_red', 'pe-kind-worker.pe', 'pe-kind-worker.speaker']) {
      for (const [file] of KERNEL_COMMANDS) expect(all).toContain(`${t}/${file}`);
    }
    // VRFs: the leaf's own, and every lab VRF on a PE; none on the spine or a host.
    for (const v of ['red', 'blue']) {
      expect(all).toContain(`leafA/vrf-${v}/ip-route.json`);
      expect(all).toContain(`pe-kind-worker.pe/vrf-${v}/bridge-fdb.txt`);
    }
    expect(all.some((f) => f.startsWith('spine/vrf-'))).toBe(false);
    expect(rt.calls.filter((c) => c.vrf === 'red').map((c) => c.target).sort()).toEqual([...Array(5).fill('leafA'), ...Array(5).fill('pe-kind-worker.pe')]);
    expect(rt.calls.some((c) => c.what === 'ip -d -j link' && c.target === 'hostA_red')).toBe(true);

    expect(readFileSync(join(dir, 'leafA/frr.log'), 'utf8')).toBe('log of leafA from /var/log/frr/leafA.log\n');
    expect(JSON.parse(readFileSync(join(dir, 'leafA/frr-bgp-summary.json'), 'utf8'))).toEqual({ target: 'leafA', command: 'show bgp vrf all summary json' });
    // JSON output is pretty-printed for reading.
    expect(readFileSync(join(dir, 'leafA/ip-link.json'), 'utf8')).toContain('\n  {');
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))).toMatchObject({ scenario: 'metallb-evpn-fault', passed: false });
    expect(readFileSync(join(dir, 'timeline.txt'), 'utf8')).toContain('lab up');
    expect(readFileSync(join(dir, 'manifests.yaml'), 'utf8')).toContain('kind: Namespace');
    expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'))).toMatchObject({ up: true });

    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    for (const f of all.filter((x) => x !== 'index.md')) expect(index).toContain(`[${f}](`);
    expect(index).toContain('Scenario **metallb-evpn-fault**');
    // Why it exists comes first: the failed check with expected and observed.
    const why = index.slice(index.indexOf('## Why this bundle exists'), index.indexOf('## Files'));
    expect(why).toContain(`1 of ${failingRun.checks.length} checks failed:`);
    expect(why).toContain(`**${failingRun.failures[0]!.name}**`);
    expect(why).toContain(`expected ${failingRun.failures[0]!.expected}`);
    expect(index).toContain('| vtysh -c "show running-config" on router leafA |');
    expect(index).toContain('| `ip -j route show table all` on PE router on pe-kind-worker in vrf red |');
    expect(index).not.toContain('## Not collected');
    // Every .json file holds JSON.
    for (const f of all.filter((x) => x.endsWith('.json'))) expect(() => JSON.parse(readFileSync(join(dir, f), 'utf8')), f).not.toThrow();
  });

  it('a command that fails leaves no file; index.md names it with its error', async () => {
    const rt = new FakeRuntime(lab, targets, { failVtysh: ['spine'], failExec: /bridge fdb show/, textVtysh: ['leafA'] });
    const dir = tmp();
    await writeBundle(rt, dir, { extraFiles: () => [{ name: 'frr.log', path: '/nowhere/missing.log' }] });
    const all = files(dir);
    expect(all.some((f) => f.startsWith('spine/frr-'))).toBe(false);
    expect(all).not.toContain('leafA/vrf-red/bridge-fdb.txt');
    expect(all).not.toContain('hostA_red/frr.log');
    // FRR's text answer to a JSON command is not JSON: no .json file, but the text files stay.
    expect(all.some((f) => f.startsWith('leafA/frr-') && f.endsWith('.json'))).toBe(false);
    expect(all).toContain('leafA/frr-running-config.txt');
    for (const f of all.filter((x) => x.endsWith('.json'))) expect(() => JSON.parse(readFileSync(join(dir, f), 'utf8')), f).not.toThrow();
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    const notCollected = index.slice(index.indexOf('## Not collected'));
    expect(notCollected).toMatch(/\| spine\/frr-running-config\.txt \| vtysh -c "show running-config" on router spine \| \*\*failed\*\*: vtysh: cannot connect to bgpd on spine/);
    expect(notCollected).toMatch(/\| leafA\/vrf-red\/bridge-fdb\.txt \|.*\*\*failed\*\*: command exited with code 1.*Cannot open network namespace "red"/);
    expect(notCollected).toMatch(/\| leafA\/frr-bgp-summary\.json \|.*\*\*failed\*\*: output is not JSON: % Unknown command/);
    expect(notCollected).toMatch(/\| hostA_red\/frr\.log \|.*ENOENT/);
    // No link to a file that is not there.
    expect(index).not.toContain('](spine/frr-running-config.txt)');
    // The rest is still there.
    expect(readFileSync(join(dir, 'leafA/frr-running-config.txt'), 'utf8')).toContain('show running-config on leafA');
  });

  it('a lab that was never built: one probe per target, no target folders, and index.md says why', async () => {
    const names = targets.map(targetDir);
    const rt = new FakeRuntime(lab, targets, { absent: names });
    const dir = tmp();
    const reason = 'The run stopped: zebra did not start on leafA';
    await writeBundle(rt, dir, { result: brokenRun, reason, manifests: '' });
    expect(files(dir)).toEqual(['index.md', 'result.json', 'status.json', 'timeline.txt']);
    // Nothing beyond the probe ran on a missing target.
    expect(rt.calls.map((c) => c.what)).toEqual(names.map(() => 'true'));
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    expect(index.slice(index.indexOf('## Why this bundle exists'), index.indexOf('## Files'))).toContain(`> ${reason}`);
    expect(index).toContain(`${targets.length} of the lab's targets are not there`);
    expect(index).toContain('- router spine: `true` exited with code 1: Cannot open network namespace "pelab.test.spine": No such file or directory');
    expect(index).not.toContain('| would be |');
  });

  it('only the targets that are missing are left out', async () => {
    const rt = new FakeRuntime(lab, targets, { absent: ['pe-kind-worker.pe', 'pe-kind-worker.speaker'] });
    const dir = tmp();
    await writeBundle(rt, dir, { result: failingRun });
    const dirs = new Set(files(dir).filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
    expect([...dirs].sort()).toEqual(['hostA_red', 'leafA', 'spine']);
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    expect(index).toContain('2 of the lab\'s targets are not there');
    expect(index).toContain('- PE router on pe-kind-worker:');
  });

  it('finishes quickly when a daemon hangs: times out once per target, skips the rest', async () => {
    const rt = new FakeRuntime(lab, targets, { hangVtysh: ['leafA', 'pe-kind-worker.pe'] });
    const dir = tmp();
    const t0 = performance.now();
    await writeBundle(rt, dir, { commandTimeoutMs: 200, concurrency: 3 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    const leafRows = FRR_COMMANDS.map(([f]) => index.split('\n').find((l) => l.startsWith(`| leafA/${f} |`)) ?? '');
    expect(leafRows.filter((l) => l.includes('**timeout**: timed out after 200ms')).length).toBeGreaterThanOrEqual(1);
    expect(leafRows.filter((l) => l.includes('**skipped**: an earlier command on this target timed out')).length).toBeGreaterThanOrEqual(1);
    for (const [f] of FRR_COMMANDS) expect(existsSync(join(dir, 'leafA', f))).toBe(false);
    // A hung FRR does not stop its kernel dump or other targets.
    expect(readFileSync(join(dir, 'leafA/ip-addr.json'), 'utf8')).toContain('leafA');
    expect(readFileSync(join(dir, 'spine/frr-running-config.txt'), 'utf8')).toContain('show running-config on spine');
  });

  it('runs commands with bounded concurrency', async () => {
    const rt = new FakeRuntime(lab, targets);
    let open!: () => void;
    rt.gate = new Promise((r) => (open = r));
    const done = writeBundle(rt, tmp(), { concurrency: 2 });
    // With every call held, the writer must stop at two pending calls.
    await vi.waitFor(() => expect(rt.inFlight).toBe(2));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(rt.calls).toHaveLength(2);
    open();
    await done;
    expect(rt.maxInFlight).toBe(2);
    expect(rt.calls.length).toBeGreaterThan(50);
  });

  it('skips what has not started when the overall deadline passes', async () => {
    const rt = new FakeRuntime(lab, targets, { hangVtysh: ['spine', 'leafA', 'pe-kind-worker.pe', 'pe-kind-worker.speaker'] });
    const dir = tmp();
    await writeBundle(rt, dir, { commandTimeoutMs: 150, deadlineMs: 100, concurrency: 1 });
    expect(readFileSync(join(dir, 'index.md'), 'utf8')).toContain('the bundle deadline passed');
  });

  it('adds extras from options and from a runtime dumpExtras hook, kept inside the bundle', async () => {
    const rt = Object.assign(new FakeRuntime(lab, targets), {
      dumpExtras: (): BundleExtra[] => [
        { file: 'cluster/crs.yaml', description: 'OpenPERouter CRs', collect: async () => 'kind: L3VNI\n' },
        { file: 'cluster/kind-logs.txt', description: 'kind export logs', timeoutMs: 1000, collect: () => new Promise((r) => setTimeout(() => r('exported\n'), 200)) },
        { file: '../../escape.txt', description: 'tries to escape', collect: async () => 'nope\n' },
        { file: 'cluster/slow.log', description: 'never ends', collect: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by signal')))) },
      ],
    });
    const dir = join(tmp(), 'b');
    let aborted = false;
    await writeBundle(rt, dir, {
      commandTimeoutMs: 100,
      extras: [{ file: 'cli/args.txt', description: 'CLI arguments', collect: async (signal) => { signal.addEventListener('abort', () => (aborted = true)); return 'run x\n'; } }],
    });
    expect(readFileSync(join(dir, 'cluster/crs.yaml'), 'utf8')).toBe('kind: L3VNI\n');
    // Its own timeout outlasts the 100 ms default.
    expect(readFileSync(join(dir, 'cluster/kind-logs.txt'), 'utf8')).toBe('exported\n');
    expect(readFileSync(join(dir, 'cli/args.txt'), 'utf8')).toBe('run x\n');
    expect(existsSync(join(dir, '..', '..', 'escape.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'escape.txt'), 'utf8')).toBe('nope\n');
    expect(existsSync(join(dir, 'cluster/slow.log'))).toBe(false);
    expect(readFileSync(join(dir, 'index.md'), 'utf8')).toMatch(/\| cluster\/slow\.log \| never ends \| \*\*timeout\*\*: timed out after 100ms/);
    expect(aborted).toBe(false);
  });

  it('names target directories by target', () => {
    expect(targets.map(targetDir)).toEqual(['spine', 'leafA', 'hostA_red', 'pe-kind-worker.pe', 'pe-kind-worker.speaker']);
    expect(targetDir({ kind: 'host', name: '../x y' })).toBe('__x_y');
  });

  it('creates missing parent directories and returns an absolute path', async () => {
    const base = tmp();
    const path = await writeBundle(new FakeRuntime(lab, []), join(base, 'a', 'b'), {});
    expect(statSync(path).isDirectory()).toBe(true);
    expect(files(path)).toEqual(['index.md', 'status.json', 'timeline.txt']);
  });
});

describe('writeBundle with the real singlecluster lab (fake runtime)', async () => {
  const { loadLab } = await import('../../src/lab/load.ts');
  const real = await loadLab(new URL('../../labs/singlecluster.yaml', import.meta.url).pathname);
  const all: Target[] = [
    ...real.routers.map((r) => ({ kind: 'router' as const, name: r.name })),
    ...real.hosts.map((h) => ({ kind: 'host' as const, name: h.name })),
    ...(real.cluster?.nodes ?? []).flatMap((n) => [{ kind: 'pe' as const, node: n.name }, { kind: 'speaker' as const, node: n.name }]),
  ];
  it('dumps every node of the lab, VRFs on leaves and PEs only, in seconds', async () => {
    const dir = tmp();
    const t0 = performance.now();
    await writeBundle(new FakeRuntime(real, all), dir, {});
    expect(performance.now() - t0).toBeLessThan(5000);
    const dirs = new Set(files(dir).map((f) => f.split('/')[0]));
    for (const t of all) expect(dirs).toContain(targetDir(t));
    const vrfDirs = new Set(files(dir).filter((f) => f.includes('/vrf-')).map((f) => f.split('/').slice(0, 2).join('/')));
    expect([...vrfDirs].sort()).toEqual(
      ['leafA', 'leafB', 'pe-kind-control-plane.pe', 'pe-kind-worker.pe', 'pe-kind-worker2.pe'].flatMap((t) => [`${t}/vrf-blue`, `${t}/vrf-red`]).sort(),
    );
  });
});
