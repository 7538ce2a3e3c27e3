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
    for (const line of s.text.split('\n')) expect(line.replace(/\x1b\[[?0-9;]*[A-Za-z]|\r/g, '').length).toBeLessThan(30);
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

// A real terminal emulator (xterm.js, headless) at 80x12 reads what the reporter wrote: the screen
// and its scrollback are what a person would see, stale lines included. convertEol stands for the
// tty driver's onlcr (a newline also returns the carriage), as on a real terminal.
describe('live view on a 12-row terminal (xterm.js headless)', () => {
  it('13 checks in flight: the block stays within the height, no stale line is left, finished lines appear once', async () => {
    const { default: xterm } = await import('@xterm/headless');
    const term = new xterm.Terminal({ cols: 80, rows: 12, scrollback: 1000, allowProposedApi: true, convertEol: true });
    const pending: Promise<void>[] = [];
    const stream: OutputStream = {
      isTTY: true,
      columns: 80,
      rows: 12,
      write: (chunk: string) => pending.push(new Promise<void>((r) => term.write(chunk, r))),
    };
    const c = clock();
    const r = createConsoleReporter({ stream, env: {}, now: c.now, tickMs: 0, color: false });
    r.phaseStart('checks');
    const names = Array.from({ length: 13 }, (_, i) => `check number ${i + 1}`);
    for (const n of names) r.checkStart(n);
    // Many redraws while they poll, as 178 spinner frames once piled up.
    for (let a = 1; a <= 15; a++) {
      c.advance(200);
      for (const n of names) r.checkAttempt(n, a, a * 200);
    }
    const screen = () => {
      const b = term.buffer.active;
      return Array.from({ length: b.length }, (_, i) => b.getLine(i)?.translateToString(true) ?? '');
    };
    await Promise.all(pending);
    const during = screen();
    const live = during.filter((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(l));
    // The phase line and 9 checks fit in 11 rows with the "more" line; nothing scrolled into history.
    expect(live.length).toBeLessThanOrEqual(11);
    expect(during.filter((l) => l.includes('… and 4 more checks running'))).toHaveLength(1);
    expect(during.slice(0, term.buffer.active.baseY).some((l) => /check number/.test(l))).toBe(false);

    // Checks end one by one: each result line is printed once, above the block.
    for (const n of names) r.checkEnd({ ...passingChecks[0]!, name: n });
    r.phaseEnd('checks', 3000);
    r.close();
    await Promise.all(pending);
    const after = screen().filter((l) => l.trim() !== '');
    for (const n of names) expect(after.filter((l) => l.startsWith(`PASS ${n} `))).toHaveLength(1);
    expect(after.some((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(l))).toBe(false);
    expect(after.some((l) => l.includes('more checks running'))).toBe(false);
    term.dispose();
  });

  it('a terminal that reports 0x0 (an unsized pseudo-terminal) is drawn as 80x24, not one character per line', () => {
    const s = new Capture(true, 0);
    const r = createConsoleReporter({ stream: s, env: {}, tickMs: 0, color: false });
    r.phaseStart('up');
    r.phaseEnd('namespaces', 560);
    r.close();
    expect(s.text).toContain('✓ phase namespaces 560ms');
  });

  it('shows the step a long bring-up is in (kind), and only on a terminal', async () => {
    const c = clock();
    const tty = new Capture(true, 200);
    const r = createConsoleReporter({ stream: tty, env: {}, now: c.now, tickMs: 0, color: false });
    r.phaseStart('up');
    c.advance(2_000);
    r.progress?.({ phase: 'cluster', step: 'create kind cluster pe-kind', state: 'start', ms: 0 });
    c.advance(40_000);
    r.checkStart('x');
    expect(tty.text).toContain('up 42s · create kind cluster pe-kind 40s');
    r.progress?.({ phase: 'images', step: 'pull quay.io/frrouting/frr:10.3.1 (linux/amd64)', state: 'progress', ms: 5_000, current: 3 * 1048576, total: 12 * 1048576, detail: '3/7 layers; Downloading' });
    expect(tty.text).toContain('· pull quay.io/frrouting/frr:10.3.1 (linux/amd64) 3.0 MiB/12.0 MiB (3/7 layers; Downloading) 5s');
    // A step that ended leaves the phase line alone.
    r.progress?.({ phase: 'images', step: 'pull quay.io/frrouting/frr:10.3.1 (linux/amd64)', state: 'end', ms: 9_000 });
    c.advance(1_000);
    r.checkAttempt('x', 1, 1000);
    expect(tty.text.slice(tty.text.lastIndexOf('up 43s'))).not.toContain('pull quay.io');
    r.close();
    const plain = new Capture(false);
    const q = createConsoleReporter({ stream: plain, env: {}, now: c.now, tickMs: 0 });
    q.phaseStart('up');
    q.progress?.({ phase: 'cluster', step: 'create kind cluster pe-kind', state: 'start', ms: 0 });
    q.close();
    expect(plain.text).not.toContain('create kind cluster');
  });
});
