// Checks must be able to fail: a scenario with wrong expectations exits 1, names each failing
// check with its expected and observed value, writes JUnit and JSON that say so, and leaves a
// failure bundle holding the evidence, and an HTML report that marks where the checks failed.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canRunLabs, leftovers, pelab, readJson, ROOT, skipReason, type CliResult } from './helpers.ts';

interface Failure {
  name: string;
  kind: string;
  expected: string;
  observed: unknown;
  message: string;
}

const OUT = join(ROOT, 'out', 'test', 'negative');
let run: CliResult;
let result: { passed: boolean; failures: Failure[]; checks: { name: string; status: string; node?: string; target?: string; at?: number }[]; bundle: string | null };

describe.skipIf(!canRunLabs)(`a wrong scenario fails properly${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    run = await pelab([
      'run', 'test/fixtures/scenarios/wrong-expectations.yaml', '--name', 'neg',
      '--json', join(OUT, 'result.json'), '--junit', join(OUT, 'junit.xml'), '--html', join(OUT, 'report.html'), '--bundle-dir', join(OUT, 'bundles'),
    ]);
    result = readJson(join(OUT, 'result.json'));
  }, 300_000);

  it('exits 1 (a check failed), not 0 or 3', () => {
    expect(run.exitCode, run.stderr).toBe(1);
    expect(result.passed).toBe(false);
  });

  it('names each failing check with expected and observed values', () => {
    const byName = new Map(result.failures.map((f) => [f.name, f]));
    expect([...byName.keys()].sort()).toEqual(['a missing kernel route', 'a prefix nobody announces', 'blue host reaches the red service', 'red service carries the blue VNI']);
    const blue = byName.get('blue host reaches the red service')!;
    expect(blue.message).toContain('blue host reaches the red service');
    expect(blue.expected).toContain('HTTP 200');
    expect(JSON.stringify(blue.observed)).toMatch(/curlExit":(7|28)/);
    const vni = byName.get('red service carries the blue VNI')!;
    expect(vni.expected).toContain('VNI 200');
    expect(JSON.stringify(vni.observed)).toContain('"vni":100');
    expect(byName.get('a prefix nobody announces')!.observed).toBe('absent');
    // The console says the same to a person.
    expect(run.stdout).toContain('FAIL');
    expect(run.stdout).toContain('red service carries the blue VNI');
    expect(run.stdout).toMatch(/expected: .*VNI 200/);
    expect(run.stdout).toMatch(/observed: .*"vni":100/);
  });

  it('writes JUnit that validates as XML and names the failing checks', async () => {
    const xml = readFileSync(join(OUT, 'junit.xml'), 'utf8');
    const lint = await execa('xmllint', ['--noout', join(OUT, 'junit.xml')], { reject: false });
    expect(lint.exitCode, lint.stderr).toBe(0);
    expect(xml).toMatch(/<testcase [^>]*name="red service carries the blue VNI"[^>]*>\s*<failure/);
    expect(xml).toMatch(/failures="4"/);
  });

  it('leaves a bundle in which the missing route is visibly absent from the EVPN table', () => {
    expect(result.bundle).toBeTruthy();
    const bundle = result.bundle!;
    expect(existsSync(bundle)).toBe(true);
    const leafA = readdirSync(join(bundle, 'leafA'));
    expect(leafA).toEqual(expect.arrayContaining(['frr-bgp-l2vpn-evpn.json', 'frr-running-config.txt', 'bgpd.log', 'ip-route.json']));
    const evpn = readFileSync(join(bundle, 'leafA', 'frr-bgp-l2vpn-evpn.json'), 'utf8');
    expect(evpn).toContain('[5]:[0]:[32]:[172.30.0.10]');
    expect(evpn).not.toContain('172.30.0.99');
    expect(readFileSync(join(bundle, 'timeline.txt'), 'utf8')).toContain('failed: a prefix nobody announces');
  });

  it('writes an HTML report whose picture marks the nodes the failed checks ran on, linked to the bundle', () => {
    const html = readFileSync(join(OUT, 'report.html'), 'utf8');
    const failedNodes = new Set(result.checks.filter((c) => c.status === 'failed').map((c) => c.node));
    expect(failedNodes.size).toBeGreaterThan(0);
    for (const c of result.checks) {
      expect(c.node, c.name).toBeTruthy();
      expect(c.at, c.name).toBeGreaterThan(0);
    }
    // Graphviz's SVG: <g id="nodeN" class="node check_failed"><title>leafA</title>
    const marked = [...html.matchAll(/<g id="[^"]+" class="node check_failed">\s*<title>([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(new Set(marked)).toEqual(failedNodes);
    const index = /<a href="([^"]+\/index\.md)">/.exec(html)?.[1];
    expect(index).toBeTruthy();
    expect(existsSync(join(OUT, decodeURIComponent(index!)))).toBe(true);
  });

  it('tears the lab down afterwards', async () => {
    expect(await leftovers('neg')).toEqual([]);
  });
});
