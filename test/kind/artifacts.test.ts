// The artifact table's overrides: what --artifact accepts, and what it refuses (exit 2 errors).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { parseArtifactOverrides, PINNED, splitImage, withOverrides } from '../../src/runtime/kind/artifacts.ts';

describe('--artifact KEY=VALUE', () => {
  it('picks a release, a commit, a local chart or an image', () => {
    const o = parseArtifactOverrides(['chart.frrk8s=v0.0.24', 'chart.openperouter=0123456789abcdef0123456789abcdef01234567', 'chart.metallb=./charts/metallb', 'image.router=quay.io/openperouter/router:v0.3.0']);
    const a = withOverrides(PINNED, o);
    expect(a.charts.frrk8s.source).toEqual({ type: 'repo', repo: 'https://metallb.github.io/frr-k8s', chart: 'frr-k8s', version: '0.0.24' });
    expect(a.charts.openperouter.source).toMatchObject({ type: 'git', commit: '0123456789abcdef0123456789abcdef01234567', path: 'charts/openperouter' });
    expect(a.charts.metallb.source).toEqual({ type: 'local', path: './charts/metallb' });
    expect(a.images.router.ref).toBe('quay.io/openperouter/router:v0.3.0');
    expect(a.images.router.preload).toBe(true);
    expect(a.images.workload).toEqual(PINNED.images.workload);
  });

  it('refuses unknown keys, empty values, a version for a git chart and shell-looking images', () => {
    const bad = (pair: string) => {
      try {
        parseArtifactOverrides([pair]);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${pair}`);
    };
    expect(bad('image.nope=x')).toMatch(/--artifact image.nope: one of chart.frrk8s, .*image.workload/);
    expect(bad('image.router=')).toMatch(/non-empty value/);
    expect(bad('chart.openperouter=0.2.0')).toMatch(/a commit \(7-40 hex digits\)/);
    expect(bad('chart.metallb=main')).toMatch(/a chart version like 0.0.25/);
    expect(bad('image.router=quay.io/x;rm -rf /')).toMatch(/an image reference/);
  });

  it('splits image references the way charts put them back together', () => {
    expect(splitImage('quay.io/openperouter/router:main')).toEqual({ repository: 'quay.io/openperouter/router', tag: 'main' });
    expect(splitImage('localhost:5000/router')).toEqual({ repository: 'localhost:5000/router', tag: 'latest' });
    const digest = `sha256:${'b'.repeat(64)}`;
    const d = splitImage(`quay.io/openperouter/router@${digest}`);
    expect(`${d.repository}:${d.tag}`).toBe(`quay.io/openperouter/router@${digest}`);
  });
});

describe('--artifact through the runtime providers', () => {
  it('reaches the kind plan, and the netns runtime refuses it', async () => {
    const { providerOf } = await import('../../src/runtime/registry.ts');
    const { repoLab } = await import('../lab/helpers.ts');
    const lab = await repoLab('singlecluster');
    const kind = await (await providerOf('kind')).create(lab, { dryRun: true, artifacts: ['image.router=quay.io/openperouter/router:v0.3.0'] });
    const { KindRuntime } = await import('../../src/runtime/kind/runtime.ts');
    const sets = (kind as InstanceType<typeof KindRuntime>).upPlan().find((s) => s.argv?.[3] === 'openperouter' && s.argv[0] === 'helm')!.argv!;
    expect(sets).toContain('openperouter.image.tag=v0.3.0');
    await expect((await providerOf('netns')).create(lab, { artifacts: ['image.router=x'] })).rejects.toThrow(/the netns runtime pulls no charts or images/);
    await expect((await providerOf('kind')).create(lab, { artifacts: ['chart.openperouter=0.2.0'] })).rejects.toBeInstanceOf(InputError);
  });
});

describe('the GitHub workflow installs what the table requires', () => {
  it('pins kind and containerlab at or above the minimums, and runs pelab doctor before the scenario', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { compareVersions } = await import('../../src/runtime/kind/doctor.ts');
    const text = readFileSync(new URL('../../.github/workflows/e2e.yaml', import.meta.url), 'utf8');
    const wf = parse(text) as { env: Record<string, string>; jobs: { e2e: { steps: { name?: string; run?: string }[] } } };
    expect(compareVersions(wf.env.KIND_VERSION!.replace(/^v/, ''), PINNED.tools.kind.minimum)).toBeGreaterThanOrEqual(0);
    expect(compareVersions(wf.env.CONTAINERLAB_VERSION!.replace(/^v/, ''), PINNED.tools.containerlab.minimum)).toBeGreaterThanOrEqual(0);
    const steps = wf.jobs.e2e.steps.map((s) => s.run ?? '');
    const doctor = steps.findIndex((r) => r.includes('bin/pelab doctor'));
    const run = steps.findIndex((r) => r.includes('bin/pelab run'));
    expect(doctor).toBeGreaterThan(0);
    expect(doctor).toBeLessThan(run);
  });
});
