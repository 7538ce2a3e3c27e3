import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsoleReporter, formatDemo, formatSummary, isIsolationCheck, type OutputStream } from '../../src/report/console.ts';
import { formatDuration } from '../../src/units/duration.ts';
import { failedCheck, failingRun, passingChecks, passingRun } from './fixtures.ts';

class Capture implements OutputStream {
  chunks: string[] = [];
  readonly isTTY: boolean;
  readonly columns: number;
  constructor(isTTY = false, columns = 100) {
    this.isTTY = isTTY;
    this.columns = columns;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    return true;
  }
  get text() {
    return this.chunks.join('');
  }
}

const SGR = /\x1b\[[0-9;]*m/;
const CURSOR_UP = /\x1b\[\d+A/;

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function drive(stream: Capture, env: Record<string, string | undefined>, extra: { live?: boolean } = {}) {
  const c = clock();
  const r = createConsoleReporter({ stream, env, now: c.now, tickMs: 0, ...extra });
  r.phaseStart('lab-up');
  c.advance(3600);
  r.phaseEnd('lab-up', 3600);
  r.checkStart(failedCheck.name);
  for (let a = 1; a <= 5; a++) {
    c.advance(1000);
    r.checkAttempt(failedCheck.name, a, a * 1000);
  }
  r.warning('legacy field converted');
  r.checkEnd(failedCheck);
  r.runEnd(failingRun);
  r.close();
  return c;
}

describe('formatDuration', () => {
  it('is short and exact enough', () => {
    expect([formatDuration(850), formatDuration(3200), formatDuration(125_000), formatDuration(-1)]).toEqual(['850ms', '3.2s', '2m05s', '-']);
  });
});

describe('plain output (not a TTY, or CI=true)', () => {
  it('writes one line per event without colour or cursor movement', () => {
    const s = new Capture(false);
    drive(s, {});
    const lines = s.text.split('\n');
    expect(s.text).not.toMatch(SGR);
    expect(s.text).not.toMatch(CURSOR_UP);
    expect(lines[0]).toMatch(/^\[ +0ms\] phase lab-up \.\.\.$/);
    expect(lines[1]).toMatch(/^\[ +3\.6s\] ✓ phase lab-up 3\.6s$/);
    // attempts 1, 2 and 4 only: powers of two keep long polls from flooding CI logs
    expect(lines.filter((l) => l.includes(': attempt '))).toHaveLength(3);
    expect(s.text).toContain('warning: legacy field converted');
    expect(s.text).toContain(`FAIL ${failedCheck.name} (eventually, 5m, 300 attempts)`);
    expect(s.text).toContain('    expected: HTTP 200 from http://172.30.0.10/');
  });

  it('prints every attempt when asked', () => {
    const s = new Capture(false);
    const r = createConsoleReporter({ stream: s, env: {}, everyAttempt: true, tickMs: 0 });
    for (let a = 1; a <= 5; a++) r.checkAttempt('x', a, a * 10);
    expect(s.text.split('\n').filter((l) => l.includes('attempt'))).toHaveLength(5);
  });

  it('is used on a TTY when CI is true', () => {
    const s = new Capture(true);
    drive(s, { CI: 'true' });
    expect(s.text).not.toMatch(CURSOR_UP);
    expect(s.text).not.toMatch(SGR);
  });
});

describe('live output (TTY)', () => {
  afterEach(() => vi.useRealTimers());

  it('redraws a status line per running check with elapsed time and attempt count', () => {
    const s = new Capture(true, 200);
    drive(s, {});
    expect(s.text).toMatch(CURSOR_UP);
    expect(s.text).toMatch(SGR);
    expect(s.text).toContain(`${failedCheck.name}  (3s, attempt 3)`);
    // After the run the live block is gone and the summary follows.
    expect(s.chunks.at(-1)).toContain('Scenario');
  });

  it('keeps the cursor arithmetic right: every erase moves up exactly the lines last drawn', () => {
    const s = new Capture(true, 200);
    drive(s, {});
    let drawn = 0;
    for (const chunk of s.chunks) {
      const up = /^\x1b\[(\d+)A\r\x1b\[0J$/.exec(chunk);
      if (up) {
        expect(Number(up[1])).toBe(drawn);
        drawn = 0;
      } else if (!chunk.startsWith('\n')) {
        drawn = chunk.split('\n').length - 1;
      }
    }
  });

  it('respects NO_COLOR but still redraws', () => {
    const s = new Capture(true);
    drive(s, { NO_COLOR: '1' });
    expect(s.text).toMatch(CURSOR_UP);
    expect(s.text).not.toMatch(SGR);
  });

  it('truncates status lines to the terminal width', () => {
    const s = new Capture(true, 30);
    const r = createConsoleReporter({ stream: s, env: {}, tickMs: 0, color: false });
    r.checkStart('a very long check name that would wrap the terminal');
    for (const line of s.text.split('\n')) expect(line.replace(/\x1b\[[0-9;]*[A-Za-z]|\r/g, '').length).toBeLessThan(30);
    r.close();
  });

  it('ticks elapsed time between attempts and stops the timer when idle', () => {
    vi.useFakeTimers();
    const s = new Capture(true);
    const c = clock();
    const r = createConsoleReporter({ stream: s, env: {}, now: c.now, tickMs: 100, color: false });
    r.checkStart('slow');
    c.advance(2500);
    vi.advanceTimersByTime(100);
    expect(s.text).toContain('slow  (2.5s)');
    r.checkEnd({ ...passingChecks[0]!, name: 'slow' });
    expect(vi.getTimerCount()).toBe(0);
    r.close();
  });
});

describe('formatSummary', () => {
  const text = formatSummary(failingRun);
  it('has a table row per check with status, mode, time and attempts', () => {
    for (const c of failingRun.checks) expect(text).toMatch(new RegExp(`${c.status === 'passed' ? 'PASS' : 'FAIL'} +${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${c.kind} +${c.mode} +${formatDuration(c.ms).replace('.', '\\.')} +${c.attempts}`));
  });
  it('lists failures with expected and observed, then phases and the bundle', () => {
    expect(text).toContain('Failures:');
    expect(text).toContain('expected: HTTP 200 from http://172.30.0.10/');
    expect(text).toContain('observed: {"exitCode":28');
    expect(text).toMatch(/lab-up +3\.6s/);
    expect(text).toContain('Failure bundle: out/bundles/metallb-evpn-fault');
    expect(text.split('\n')[0]).toBe('Scenario metallb-evpn-fault on kind (lab singlecluster): FAILED in 5m12s');
  });
  it('says PASSED for a passing run and has no colour unless asked', () => {
    expect(formatSummary(passingRun)).toContain('PASSED');
    expect(formatSummary(passingRun)).not.toMatch(SGR);
    expect(formatSummary(passingRun, { color: true })).toMatch(SGR);
  });
});

describe('formatDemo', () => {
  it('groups what a person would check by hand', () => {
    const text = formatDemo([...passingChecks, failedCheck], {
      sessions: [{ node: 'pe-kind-worker', peer: '192.169.10.1', vrf: 'red', bgpStatus: 'Established', bfdStatus: 'N/A' }],
      services: [{ namespace: 'red', name: 'nginx', externalIPs: ['172.30.0.10'], pool: 'red' }],
    });
    const section = (title: string) => text.split('\n\n').find((b) => b.startsWith(title)) ?? '';
    expect(section('BGP sessions')).toContain('pe-kind-worker → 192.169.10.1 (vrf red): bgp Established');
    expect(section('BGP sessions')).toContain('leafkind1 sees PE pe-kind-worker Established');
    expect(section('Service IPs')).toContain('red/nginx: 172.30.0.10 (pool red)');
    expect(section('Routes')).toContain('leafA sees red service type-5');
    expect(section('Reachability')).toContain('✓ hostA_red reaches 172.30.0.10 →');
    expect(section('Reachability')).toContain(`✗ ${failedCheck.name}`);
    expect(section('Isolation')).toContain('hostA_blue cannot reach the red service');
    expect(section('Reachability')).not.toContain('hostA_blue');
  });
  it('tells isolation checks apart by their wording', () => {
    expect(isIsolationCheck({ kind: 'http', name: 'x', expected: 'curl fails' })).toBe(true);
    expect(isIsolationCheck({ kind: 'http', name: 'blue isolated from red', expected: 'no answer' })).toBe(true);
    expect(isIsolationCheck({ kind: 'http', name: 'x', expected: 'HTTP 200' })).toBe(false);
    expect(isIsolationCheck({ kind: 'evpn-route', name: 'x', expected: 'absent (isolation)' })).toBe(false);
  });
  it('says so when nothing ran', () => {
    expect(formatDemo([])).toContain('no checks');
  });
});
