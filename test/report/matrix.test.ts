import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatActionsMatrix, MatrixError, slug, toActionsMatrix, type ScenarioEntry } from '../../src/report/matrix.ts';

const scenarios: ScenarioEntry[] = [
  { name: 'metallb-evpn', tags: ['smoke', 'evpn'], runtimes: ['netns', 'kind'], file: 'scenarios/metallb-evpn.yaml' },
  { name: 'metallb-passthrough', tags: ['passthrough'], runtimes: ['kind', 'netns'], file: 'scenarios/metallb-passthrough.yaml' },
  { name: 'fault restart frr', tags: ['fault', 'evpn', 'slow'], runtimes: ['netns'], file: 'scenarios/fault-restart-frr.yaml' },
];

describe('toActionsMatrix', () => {
  it('gives one entry per scenario and runtime, sorted', () => {
    const m = toActionsMatrix(scenarios);
    expect(m.include.map((e) => e.id)).toEqual([
      'fault-restart-frr-netns',
      'metallb-evpn-kind',
      'metallb-evpn-netns',
      'metallb-passthrough-kind',
      'metallb-passthrough-netns',
    ]);
    expect(m.include[1]).toEqual({ id: 'metallb-evpn-kind', scenario: 'metallb-evpn', file: 'scenarios/metallb-evpn.yaml', runtime: 'kind', tags: 'evpn,smoke' });
  });

  it('filters by runtime and tags (all required, !tag excludes)', () => {
    expect(toActionsMatrix(scenarios, { runtime: 'kind' }).include.map((e) => e.scenario)).toEqual(['metallb-evpn', 'metallb-passthrough']);
    expect(toActionsMatrix(scenarios, { tags: ['evpn'] }).include.map((e) => e.id)).toEqual(['fault-restart-frr-netns', 'metallb-evpn-kind', 'metallb-evpn-netns']);
    expect(toActionsMatrix(scenarios, { tags: ['evpn', '!slow'] }).include.map((e) => e.scenario)).toEqual(['metallb-evpn', 'metallb-evpn']);
    expect(toActionsMatrix(scenarios, { tags: ['evpn', 'smoke'], runtime: 'kind' }).include).toHaveLength(1);
  });

  it('refuses an empty selection, naming the filter', () => {
    expect(() => toActionsMatrix(scenarios, { tags: ['nope'], runtime: 'kind' })).toThrow(new MatrixError('no scenario matches tags nope and runtime kind (out of 3)'));
    expect(() => toActionsMatrix([])).toThrow(MatrixError);
  });

  it('refuses duplicate job ids and multi-line values', () => {
    expect(() => toActionsMatrix([...scenarios, { ...scenarios[0]!, file: 'other.yaml' }])).toThrow(/both give job id metallb-evpn-kind/);
    expect(() => toActionsMatrix([{ ...scenarios[0]!, file: 'a\nb.yaml' }])).toThrow(/one line/);
  });

  it('refuses more jobs than GitHub allows', () => {
    const many = Array.from({ length: 257 }, (_, i) => ({ name: `s${i}`, tags: [], runtimes: ['kind'], file: `s${i}.yaml` }));
    expect(() => toActionsMatrix(many)).toThrow(/at most 256/);
  });

  it('survives the GITHUB_OUTPUT and fromJSON round trip with keys GitHub accepts', () => {
    const m = toActionsMatrix(scenarios);
    const line = formatActionsMatrix(m);
    expect(line).not.toMatch(/[\r\n]/);
    const back = JSON.parse(line) as { include: Record<string, unknown>[] };
    expect(back).toEqual(m);
    expect(Object.keys(back)).toEqual(['include']);
    expect(back.include.length).toBeGreaterThan(0);
    const ids = new Set<unknown>();
    for (const entry of back.include) {
      for (const [k, v] of Object.entries(entry)) {
        expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
        expect(typeof v).toBe('string');
        expect(v as string).not.toMatch(/[\r\n]/);
      }
      expect(entry['id']).toMatch(/^[A-Za-z0-9._-]+$/);
      ids.add(entry['id']);
    }
    expect(ids.size).toBe(back.include.length);
  });

  it('slugs awkward names', () => {
    expect(slug('a b/c:d"e')).toBe('a-b-c-d-e');
    expect(slug('///')).toBe('scenario');
  });
});

describe('.github/workflows/e2e.yaml', () => {
  const text = readFileSync(new URL('../../.github/workflows/e2e.yaml', import.meta.url), 'utf8');
  type Step = { uses?: string; run?: string; id?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string>; name?: string };
  type Job = { 'runs-on': string; needs?: string | string[]; outputs?: Record<string, string>; strategy?: Record<string, unknown>; steps: Step[]; env?: Record<string, string> };
  const wf = parse(text) as { on: unknown; env: Record<string, string>; jobs: Record<string, Job> };
  const { matrix: matrixJob, e2e, netns } = wf.jobs;
  const allSteps = Object.values(wf.jobs).flatMap((j) => j.steps);

  it('parses and has the four jobs', () => {
    expect(wf.on).toBeDefined();
    expect(Object.keys(wf.jobs).sort()).toEqual(['e2e', 'matrix', 'netns', 'unit']);
    for (const job of Object.values(wf.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest');
      expect(job.steps.length).toBeGreaterThan(0);
      for (const s of job.steps) expect(Number(s.uses !== undefined) + Number(s.run !== undefined)).toBe(1);
    }
  });

  it('the matrix job runs pelab matrix --runtime kind and outputs it', () => {
    const out = matrixJob!.outputs!['matrix'];
    const id = /^\$\{\{ steps\.([A-Za-z0-9_-]+)\.outputs\.matrix \}\}$/.exec(out ?? '')?.[1];
    expect(id).toBeDefined();
    const step = matrixJob!.steps.find((s) => s.id === id)!;
    expect(step.run).toContain('bin/pelab matrix --runtime kind');
    expect(step.run).toMatch(/matrix=.*>> "\$GITHUB_OUTPUT"/);
  });

  it('the e2e job expands the matrix with fromJSON and does not fail fast', () => {
    expect([e2e!.needs].flat()).toContain('matrix');
    expect(e2e!.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.matrix.outputs.matrix) }}' });
  });

  it('every matrix.<key> the e2e job uses exists in every entry pelab generates', () => {
    const used = new Set([...JSON.stringify(e2e).matchAll(/(?<![\w.])matrix\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(0);
    const m = JSON.parse(formatActionsMatrix(toActionsMatrix(scenarios, { runtime: 'kind' }))) as { include: Record<string, string>[] };
    for (const key of used) for (const entry of m.include) expect(entry, `matrix.${key}`).toHaveProperty(key);
  });

  it('never pastes matrix values into a shell script', () => {
    for (const s of allSteps) if (s.run) expect(s.run).not.toMatch(/\$\{\{\s*matrix\./);
  });

  it('installs Node 24, and kind and containerlab at pinned versions', () => {
    expect(wf.env['NODE_VERSION']).toBe('24');
    for (const job of Object.values(wf.jobs)) {
      const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
      expect(node?.with?.['node-version']).toBe('${{ env.NODE_VERSION }}');
    }
    expect(wf.env['KIND_VERSION']).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(wf.env['CONTAINERLAB_VERSION']).toMatch(/^\d+\.\d+\.\d+$/);
    const runs = e2e!.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('https://kind.sigs.k8s.io/dl/${KIND_VERSION}/kind-linux-amd64');
    expect(runs).toContain('-- -v "${CONTAINERLAB_VERSION}"');
  });

  it('runs the scenario with JUnit and JSON output, then uploads out/ and publishes JUnit even on failure', () => {
    const run = e2e!.steps.find((s) => s.run?.includes('bin/pelab run'))!;
    expect(run.env?.['SCENARIO_FILE']).toBe('${{ matrix.file }}');
    expect(run.run).toContain('bin/pelab run "$SCENARIO_FILE" --runtime kind --junit out/junit.xml --json out/result.json');
    const upload = e2e!.steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.['path']).toBe('out/');
    expect(upload.with?.['name']).toContain('${{ matrix.id }}');
    const junit = e2e!.steps.find((s) => s.uses?.startsWith('mikepenz/action-junit-report@'))!;
    expect(junit.if).toBe('always()');
    expect(junit.with?.['report_paths']).toBe('out/junit.xml');
    expect(e2e!.steps.indexOf(run)).toBeLessThan(e2e!.steps.indexOf(upload));
  });

  it('runs make unit on a plain clone, and make unit + make e2e with the fetched upstream files and the Debian tools they need', () => {
    const unitRuns = wf.jobs.unit!.steps.map((s) => s.run ?? '').join('\n');
    expect(unitRuns.trim()).toBe('make unit');
    const runs = netns!.steps.map((s) => s.run ?? '').join('\n');
    expect(runs.indexOf('.github/fetch-upstream.sh')).toBeGreaterThanOrEqual(0);
    expect(runs.indexOf('.github/fetch-upstream.sh')).toBeLessThan(runs.indexOf('make unit'));
    expect(runs).toMatch(/sudo .*make e2e/);
    for (const pkg of ['frr', 'frr-pythontools', 'graphviz', 'libxml2-utils']) expect(runs).toContain(pkg);
  });

  it('uses only action versions that exist', () => {
    const allowed = new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4', 'mikepenz/action-junit-report@v5']);
    for (const s of allSteps) if (s.uses) expect(allowed).toContain(s.uses);
  });
});
