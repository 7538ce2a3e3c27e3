// runCheck end to end against a FAKE Runtime that replays REAL recorded outputs
// (test/fixtures/frr, see fixtures.ts); only the timing is real. Deadlines are shortened with
// `withinMs`/`forMs` to keep the tests fast.
import { describe, expect, it } from 'vitest';
import { checkEntrySchema, checkSpecOf, runValidatedCheck, validateCheck, type AttemptInfo, type CheckSpec, type RunCheckOptions } from '../../src/checks/run-check.ts';
import { InputError as InputErrorOf } from '../../src/errors.ts';

/** What the scenario loader does before a check runs: validate (bad params are bad input), then run. */
async function runCheck(spec: CheckSpec, options: RunCheckOptions & { source?: string }) {
  const v = validateCheck(spec);
  if (!v.ok) throw new InputErrors(v.issues.map((i) => new InputErrorOf(options.source ?? `check ${spec.name ?? spec.kind}`, i.path, i.message)));
  return runValidatedCheck(v.check, options);
}
const checkStepSchema = checkEntrySchema.transform((o) => checkSpecOf(o));
import { InputErrors } from '../../src/errors.ts';
import { FakeClock } from '../proc/fake-clock.ts';
import { parseDuration, formatDuration } from '../../src/units/duration.ts';
import { CHECK_DEFAULTS } from '../../src/checks/defaults.ts';
import { CURL_MARGIN_MS } from '../../src/checks/kinds/http.ts';
import { checkKindNames } from '../../src/checks/registry.ts';
import type { Target } from '../../src/runtime/runtime.ts';
import { fixture, fixtureResolver, fixtureRuntime } from './fixtures.ts';

const resolver = fixtureResolver();

describe('runCheck', () => {
  it('passes on the first attempt and fills a CheckResult', async () => {
    const runtime = fixtureRuntime();
    const r = await runCheck(
      { kind: 'bgp-session', params: { on: { router: 'leafA' }, peer: { pe: 'node0' }, afi: 'l2vpn-evpn' }, step: 2 },
      { runtime, resolver },
    );
    expect(r).toMatchObject({
      name: 'leafA has BGP session with pe node0 (l2vpn-evpn) Established',
      kind: 'bgp-session', step: 2, mode: 'eventually', status: 'passed', attempts: 1,
      expected: 'leafA has BGP session with 192.168.11.3 (l2vpn-evpn) Established',
      // Where it ran, for the HTML report's picture and its links into the bundle.
      node: 'leafA', target: 'leafA',
    });
    expect(r.message).toBeUndefined();
    expect(runtime.calls).toEqual([
      'vtysh {"kind":"router","name":"leafA"} show bgp neighbor 192.168.11.3 json',
      'vtysh {"kind":"router","name":"leafA"} show bgp summary json',
    ]);
  });

  it('polls until a session comes up, reporting each attempt', async () => {
    let n = 0;
    const runtime = fixtureRuntime({
      override: (_t: Target, cmd: string) => {
        if (!cmd.startsWith('show bgp neighbor')) return undefined;
        n += 1;
        return n < 3 ? fixture('leafA-bgp-neighbor-not-established.json').replaceAll('192.168.11.99', '192.168.11.3') : undefined;
      },
    });
    const seen: AttemptInfo[] = [];
    const r = await runCheck(
      { name: 'leafA-node0', kind: 'bgp-session', params: { on: { router: 'leafA' }, peer: { pe: 'node0' } }, withinMs: 2000, everyMs: 30 },
      { runtime, resolver, onAttempt: (a) => seen.push(a) },
    );
    expect(r.status).toBe('passed');
    expect(r.attempts).toBe(3);
    expect(r.ms).toBeGreaterThanOrEqual(55);
    expect(seen.map((a) => a.ok)).toEqual([false, false, true]);
    expect(seen[0]).toMatchObject({ check: 'leafA-node0', kind: 'bgp-session', attempt: 1, message: expect.stringMatching(/^state (Active|Connect), expected Established$/) });
  });

  it('a wrong VNI fails; the message names the check, the expected and the observed value', async () => {
    const r = await runCheck(
      { name: 'red service type-5 on leafA', kind: 'evpn-route', params: { on: { router: 'leafA' }, prefix: { service: 'red/nginx' }, vrf: 'blue' }, withinMs: 150, everyMs: 50 },
      { runtime: fixtureRuntime(), resolver },
    );
    expect(r.status).toBe('failed');
    expect(r.attempts).toBeGreaterThanOrEqual(3);
    expect(r.ms).toBeGreaterThanOrEqual(149);
    expect(r.expected).toBe('leafA has EVPN type-5 172.30.0.10/32 with VNI 200');
    expect(r.observed).toEqual([expect.objectContaining({ vni: 100, rts: ['RT:64514:100'] })]);
    expect(r.message).toContain('check "red service type-5 on leafA" (evpn-route) failed: not within 150ms');
    expect(r.message).toContain('expected leafA has EVPN type-5 172.30.0.10/32 with VNI 200');
    expect(r.message).toContain('observed [{"rd":"10.0.0.1:3"');
    expect(r.message).toContain('$.vni: expected 200, observed 100');
  });

  it('isolation holds consistently for the blue host', async () => {
    // Fake time: on a loaded machine real timers stretch the 50 ms interval, not pelab.
    const clock = new FakeClock();
    const r = await clock.run(
      runCheck(
        { kind: 'http', params: { from: 'hostA_blue', to: { service: 'red/nginx' }, isolated: true }, forMs: 200, everyMs: 50 },
        { runtime: fixtureRuntime(), resolver, clock },
      ),
    );
    expect(r).toMatchObject({ status: 'passed', mode: 'consistently', observed: { outcome: 'unreachable', curlExit: 7 } });
    expect(r.attempts).toBeGreaterThanOrEqual(4);
    expect(r.ms).toBe(200);
  });

  it('a host that reaches the service breaks isolation at once', async () => {
    const r = await runCheck(
      { kind: 'http', params: { from: 'hostA_red', to: { service: 'red/nginx' }, isolated: true }, forMs: 5000 },
      { runtime: fixtureRuntime(), resolver },
    );
    expect(r.status).toBe('failed');
    expect(r.attempts).toBe(1);
    expect(r.ms).toBeLessThan(1000);
    expect(r.message).toContain('broke after');
    expect(r.message).toContain('expected hostA_red gets no answer from http://172.30.0.10:80/');
    expect(r.message).toContain('observed {"outcome":"reached","status":200');
    expect(r.message).toContain('got an answer: HTTP 200');
  });

  it('the curl the probe runs has a --max-time within the attempt budget', async () => {
    const runtime = fixtureRuntime();
    await runCheck({ kind: 'http', params: { from: 'hostA_red', to: '172.30.0.10' } }, { runtime, resolver });
    const call = runtime.calls.find((c) => c.includes('curl')) ?? '';
    expect(call).toContain(`--max-time ${(CHECK_DEFAULTS.http.attemptTimeoutMs - CURL_MARGIN_MS) / 1000}`);
    expect(call).toMatch(/http:\/\/172\.30\.0\.10:80\/$/);
  });

  it('kernel-route runs ip in the VRF', async () => {
    const runtime = fixtureRuntime();
    const r = await runCheck({ kind: 'kernel-route', params: { on: { router: 'leafA' }, vrf: 'red', prefix: '172.30.0.10/32', via: { vtep: { pe: 'node0' } } } }, { runtime, resolver });
    expect(r.status).toBe('passed');
    expect(runtime.calls).toEqual(['exec {"kind":"router","name":"leafA"} vrf red ip -j route show 172.30.0.10/32']);
  });

  it('bgp-route with the per-prefix command', async () => {
    const runtime = fixtureRuntime();
    const r = await runCheck({ kind: 'bgp-route', params: { on: { pe: 'node0' }, vrf: 'red', prefix: { service: 'red/nginx' }, communities: ['64515:100'], localPref: 200 } }, { runtime, resolver });
    expect(r.status, r.message).toBe('passed');
    expect(runtime.calls).toEqual(['vtysh {"kind":"pe","node":"node0"} show bgp vrf red ipv4 unicast 172.30.0.10/32 json']);
    // A PE check ran on its cluster node; its bundle folder is the PE's.
    expect(r).toMatchObject({ node: 'node0', target: 'node0.pe' });
  });

  it('an unresolvable name (a service still pending) fails each attempt with the reason as observed', async () => {
    const r = await runCheck(
      { kind: 'http', params: { from: 'hostA_blue', to: { service: 'blue/nginx' } }, withinMs: 100, everyMs: 40 },
      { runtime: fixtureRuntime(), resolver },
    );
    expect(r.status).toBe('failed');
    expect(r.observed).toEqual({ error: 'service blue/nginx has no external IP yet' });
    // No attempt got as far as a plan: where it would have run is not known.
    expect(r.node).toBeUndefined();
    expect(r.expected).toBe('hostA_blue gets HTTP 200 from service blue/nginx:80/');
  });

  it('a router that answers with text instead of JSON fails with what it said', async () => {
    const runtime = fixtureRuntime({ override: () => '% No BGP process is configured' });
    const r = await runCheck({ kind: 'bgp-session', params: { on: { router: 'leafA' }, peer: '192.168.11.3' }, withinMs: 50 }, { runtime, resolver });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('cannot parse BGP neighbor');
    expect(r.message).toContain('% No BGP process is configured');
  });

  it('k8s-status through the cluster API', async () => {
    const runtime = fixtureRuntime({ services: [{ namespace: 'red', name: 'nginx', externalIPs: ['172.30.0.10'] }] });
    const r = await runCheck({ kind: 'k8s-status', params: { service: 'red/nginx', externalIP: '172.30.0.10' } }, { runtime, resolver });
    expect(r.status).toBe('passed');
    expect(runtime.calls).toEqual(['services']);
  });

  it('honours an AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const r = await runCheck(
      { kind: 'evpn-route', params: { on: { router: 'leafA' }, prefix: '172.30.0.99/32' }, withinMs: 10_000, everyMs: 20 },
      { runtime: fixtureRuntime(), resolver, signal: controller.signal },
    );
    expect(r.status).toBe('failed');
    expect(r.message).toContain('aborted after');
    expect(r.ms).toBeLessThan(1000);
  });

  it('invalid params are bad input, not a failed check', async () => {
    await expect(runCheck({ kind: 'bgp-session', params: { on: { router: 'leafA' } } }, { runtime: fixtureRuntime(), resolver })).rejects.toThrow(InputErrors);
    await expect(runCheck({ kind: 'bgp-sesion', params: {} }, { runtime: fixtureRuntime(), resolver, source: 's.yaml' })).rejects.toThrow(/s\.yaml: kind: unknown check kind "bgp-sesion"/);
  });
});

describe('validateCheck and the flat YAML form', () => {
  it('turns a flat step into a spec with durations', () => {
    const spec = checkStepSchema.parse({ check: 'http', name: 'blue isolated', for: '5s', every: '250ms', from: 'hostA_blue', to: { service: 'red/nginx' }, isolated: true });
    expect(spec).toEqual({ kind: 'http', name: 'blue isolated', forMs: 5000, everyMs: 250, params: { from: 'hostA_blue', to: { service: 'red/nginx' }, isolated: true } });
    const v = validateCheck(spec);
    expect(v.ok && v.check).toMatchObject({ mode: 'consistently', durationMs: 5000, intervalMs: 250, attemptTimeoutMs: CHECK_DEFAULTS['http-isolation'].attemptTimeoutMs });
  });

  it('takes defaults from the one table and infers the mode', () => {
    const v = validateCheck({ kind: 'k8s-status', params: { session: { node: 'n', peer: '192.169.10.1' } } });
    expect(v.ok && v.check).toMatchObject({ mode: 'eventually', timeoutMs: 150_000 });
    const c = validateCheck({ kind: 'evpn-route', params: { on: { router: 'leafA' }, prefix: '172.30.0.10/32', vrf: 'blue', present: false }, forMs: 3000 });
    expect(c.ok && c.check.mode).toBe('consistently');
  });

  it('reports issues with paths', () => {
    const v = validateCheck({ kind: 'bgp-route', params: { on: { router: 'leafA' }, prefix: 'nonsense', localPref: 'high' } });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.issues.map((i) => i.path).sort()).toEqual(['params.localPref', 'params.prefix']);
    const m = validateCheck({ kind: 'bgp-route', params: { on: { router: 'leafA' }, prefix: '1.2.3.4/32' }, mode: 'eventually', forMs: 10 });
    expect(!m.ok && m.issues[0]?.path).toBe('for');
    expect(checkStepSchema.safeParse({ check: 'http', within: 10 }).success).toBe(false);
    expect(checkStepSchema.safeParse({ check: 'http', within: '10 seconds' }).success).toBe(false);
  });

  it('every kind is registered', () => {
    expect(checkKindNames()).toEqual(['bgp-session', 'bgp-route', 'bfd-session', 'evpn-route', 'kernel-route', 'http', 'k8s-status', 'frr-json', 'l2-announcement']);
  });
});

describe('durations', () => {
  it('parses 500ms|10s|1.5s|2m and nothing else', () => {
    expect(['500ms', '10s', '1.5s', '2m'].map(parseDuration)).toEqual([500, 10_000, 1500, 120_000]);
    expect(['10', '10sec', '', '-1s', '1h'].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect([250, 1500, 30_000, 120_000, 125_000, 59_990, -1].map(formatDuration)).toEqual(['250ms', '1.5s', '30s', '2m', '2m05s', '1m', '-']);
  });
});
