// What `pelab dump` and failure bundles get from a runtime's optional hooks: dumpExtras (the
// netns runtime's FRR logs) and vrfsOf (per-VRF kernel state only for VRFs a target has).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleVrfs, writeBundle } from '../../src/diagnostics/bundle.ts';
import { NetnsRuntime } from '../../src/runtime/netns/runtime.ts';
import type { Runtime, Target } from '../../src/runtime/runtime.ts';
import { repoLab } from '../lab/helpers.ts';
import { FakeRuntime } from '../report/fake-runtime.ts';
import { lab as fixtureLab } from '../report/fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('netns runtime hooks (no lab up: nothing is created)', () => {
  it('offers every FRR daemon log, per target directory, and none for hosts', async () => {
    const lab = await repoLab('singlecluster');
    const rt: Runtime = new NetnsRuntime(lab, { instance: 'hooks-test' });
    const extras = (await rt.dumpExtras?.()) ?? [];
    const files = extras.map((e) => e.file);
    expect(files).toContain('spine/zebra.log');
    expect(files).toContain('spine/bgpd.log');
    expect(files).toContain('pe-kind-worker.pe/bgpd.log');
    expect(files).toContain('pe-kind-worker.speaker/zebra.log');
    expect(files.some((f) => f.startsWith('hostA_red/'))).toBe(false);
    expect(extras.length).toBe(2 * (lab.routers.length + 2 * (lab.cluster?.nodes.length ?? 0)));
    const spineBgpd = extras.find((e) => e.file === 'spine/bgpd.log')!;
    expect(spineBgpd.description).toMatch(/^FRR log \/.*\/bgpd\.log$/);
    // The lab is not up: collecting fails, which the bundle records in the file.
    await expect(spineBgpd.collect(new AbortController().signal)).rejects.toThrow(/ENOENT/);
  });

  it('knows the VRFs a target has: a router\'s from the lab, a PE\'s from what was realised', async () => {
    const lab = await repoLab('singlecluster');
    const rt = new NetnsRuntime(lab, { instance: 'hooks-test' });
    const leafA = lab.routers.find((r) => r.name === 'leafA')!;
    expect(leafA.vrfs.length).toBeGreaterThan(0);
    expect(rt.vrfsOf({ kind: 'router', name: 'leafA' })).toEqual(leafA.vrfs);
    expect(rt.vrfsOf({ kind: 'router', name: 'spine' })).toEqual([]);
    expect(rt.vrfsOf({ kind: 'host', name: 'hostA_red' })).toEqual([]);
    // Nothing realised (no ledger): no VRF to dump, instead of every lab VRF.
    expect(rt.vrfsOf({ kind: 'pe', node: 'pe-kind-worker' })).toEqual([]);
    expect(bundleVrfs(rt, { kind: 'pe', node: 'pe-kind-worker' })).toEqual([]);
  });
});

describe('writeBundle with vrfsOf', () => {
  it('dumps per-VRF kernel state only for the VRFs the runtime names', async () => {
    const targets: Target[] = [{ kind: 'pe', node: 'pe-kind-worker' }, { kind: 'router', name: 'leafA' }];
    const plain = new FakeRuntime(fixtureLab, targets);
    expect(bundleVrfs(plain, targets[0]!)).toEqual(fixtureLab.vrfs.map((v) => v.name));
    expect(fixtureLab.vrfs.length).toBeGreaterThan(1);

    const rt = Object.assign(new FakeRuntime(fixtureLab, targets), {
      vrfsOf: (t: Target): readonly string[] => (t.kind === 'pe' ? [fixtureLab.vrfs[0]!.name] : []),
    });
    const dir = mkdtempSync(join(tmpdir(), 'pelab-hooks-'));
    dirs.push(dir);
    await writeBundle(rt, dir, { commandTimeoutMs: 1_000 });
    const [first, second] = fixtureLab.vrfs;
    expect(existsSync(join(dir, 'pe-kind-worker.pe', `vrf-${first!.name}`, 'ip-route.json'))).toBe(true);
    expect(existsSync(join(dir, 'pe-kind-worker.pe', `vrf-${second!.name}`))).toBe(false);
    expect(existsSync(join(dir, 'leafA', 'ip-route.json'))).toBe(true);
    expect(existsSync(join(dir, 'leafA', `vrf-${first!.name}`))).toBe(false);
  });
});
