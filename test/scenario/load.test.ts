// Scenario loading: bad input names the file, the line, the path in the document and what was
// expected, before anything runs. Uses the real lab and manifest files of the repository.
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { loadErrors } from './load-errors.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function scenarioDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pelab-scenario-'));
  mkdirSync(join(dir, 'm'));
  cpSync(join(ROOT, 'scenarios', 'mini-evpn', 'manifests.yaml'), join(dir, 'm', 'all.yaml'));
  return dir;
}

function write(steps: string, extra = ''): string {
  const dir = scenarioDir();
  const file = join(dir, 's.yaml');
  writeFileSync(
    file,
    `apiVersion: pelab.dev/v1alpha1
kind: Scenario
metadata: { name: t }
spec:
  lab: mini
  mode: evpn
  manifests: [m/all.yaml]
${extra}  steps:
${steps}`,
  );
  return file;
}


describe('loadScenario', () => {
  it('loads a valid scenario with its lab, steps and manifests', async () => {
    const s = await loadScenario(join(ROOT, 'scenarios', 'metallb-evpn.yaml'));
    expect(s.lab.name).toBe('singlecluster');
    expect(s.mode).toBe('evpn');
    expect(s.steps.map((st) => st.kind)).toEqual(['checks', 'checks', 'checks']);
    const checks = s.steps.flatMap((st) => (st.kind === 'checks' ? st.checks : []));
    expect(checks.map((c) => c.kind.kind)).toEqual(expect.arrayContaining(['bgp-session', 'k8s-status', 'evpn-route', 'kernel-route', 'bgp-route', 'http']));
    expect(checks.filter((c) => c.kind.kind === 'http' && (c.params as { isolated?: boolean }).isolated).length).toBe(4);
    expect(s.manifestsByFile.size).toBe(5);
  });

  it('an unknown lab node names the file, line and path', async () => {
    const file = write('    - { check: bgp-session, on: { router: leafZ }, peer: 10.0.0.1 }\n');
    const [e] = await loadErrors(file);
    expect(e!.file).toBe(file);
    expect(e!.line).toBe(9);
    expect(e!.path).toBe('spec.steps[0]');
    expect(e!.expected).toContain('no router "leafZ"');
  });

  it('a fault on a node the lab lacks is bad input at load, naming the step', async () => {
    const [e] = await loadErrors(write('    - fault: { linkDown: { node: edge9, interface: eth1 } }\n'));
    expect(e!.line).toBe(9);
    expect(e!.path).toBe('spec.steps[0].fault');
    expect(e!.expected).toContain('no router, host or cluster node "edge9"');
  });

  it('a link fault on a cluster node acts on its PE side, dropped traffic on its host side', async () => {
    const s = await loadScenario(
      write('    - fault: { linkDown: { node: mini-control-plane, interface: fabric0 } }\n    - fault: { dropTraffic: { node: mini-control-plane, interface: fabric0 } }\n'),
    );
    expect(s.steps.flatMap((st) => (st.kind === 'fault' ? [st.fault.kind === 'restart-frr' ? undefined : st.fault.target] : []))).toEqual([
      { kind: 'pe', node: 'mini-control-plane' },
      { kind: 'speaker', node: 'mini-control-plane' },
    ]);
  });

  it('an unknown check parameter points into the check', async () => {
    const file = write('    - checks:\n        - { check: http, from: client_red, to: 10.93.0.1, colour: red }\n');
    const errors = await loadErrors(file);
    expect(errors.some((e) => e.path.startsWith('spec.steps[0].checks[0]') && /colour/.test(e.message))).toBe(true);
  });

  it('a step with two actions is rejected', async () => {
    const [e] = await loadErrors(write('    - { apply: m/all.yaml, delete: m/all.yaml }\n'));
    expect(e!.path).toBe('spec.steps[0]');
    expect(e!.expected).toMatch(/exactly one of .*found apply and delete/);
  });

  it('a missing manifest file is bad input naming that file', async () => {
    const errors = await loadErrors(write('    - { apply: m/missing.yaml }\n'));
    expect(errors.some((e) => e.file.endsWith('m/missing.yaml') && /readable (manifest )?file/.test(e.expected))).toBe(true);
  });

  it('a malformed duration is bad input', async () => {
    const errors = await loadErrors(write('    - { check: http, from: client_red, to: 10.93.0.1, within: 10 seconds }\n'));
    expect(errors.some((e) => e.path.includes('within'))).toBe(true);
  });

  it('an unknown top-level field is bad input with its line', async () => {
    const errors = await loadErrors(write('    - { check: http, from: client_red, to: 10.93.0.1 }\n', '  colour: red\n'));
    expect(errors.some((e) => e.path === 'spec.colour' && e.line === 8)).toBe(true);
  });
});
