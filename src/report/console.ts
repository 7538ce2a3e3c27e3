// What a person sees while a scenario runs and right after: live progress on a terminal,
// one line per event everywhere else (CI logs, pipes), and a summary table at the end.
// Formatting is pure (format* functions); the reporter only decides when to write. On a terminal
// the live block is redrawn by log-update, and never taller than the terminal: more checks in
// flight than rows fold into one "and N more" line, so no stale line is left above the block.
import { createLogUpdate } from 'log-update';
import type { CheckResult, RunResult } from './result.ts';
import type { ProgressEvent, ServiceState, SessionState } from '../runtime/runtime.ts';
import { condense, truncate } from '../text/summary.ts';
import { formatDuration } from '../units/duration.ts';

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface Reporter {
  phaseStart(name: string): void;
  phaseEnd(name: string, ms: number): void;
  checkStart(name: string): void;
  checkAttempt(name: string, attempt: number, elapsedMs: number): void;
  checkEnd(result: CheckResult): void;
  /** A long bring-up step's progress (kind: image pulls, cluster creation, chart installs): shown live only. */
  progress?(event: ProgressEvent): void;
  warning(text: string): void;
  runEnd(result: RunResult): void;
  /** Stops the redraw timer and clears the live lines. Safe to call more than once. */
  close(): void;
}

interface ConsoleReporterOptions {
  readonly stream: OutputStream;
  /** Defaults to process.env; read for CI and NO_COLOR. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Force live redrawing on or off (default: stream is a TTY and CI is not 'true'). */
  readonly live?: boolean;
  /** Force colours on or off (default: live and NO_COLOR unset or empty). */
  readonly color?: boolean;
  readonly now?: () => number;
  /** Live redraw interval so elapsed times keep moving between attempts; 0 turns it off. */
  readonly tickMs?: number;
  /** Plain mode: print every attempt, not only attempts 1, 2, 4, 8, ... */
  readonly everyAttempt?: boolean;
}

interface Paint {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

function paint(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** NO_COLOR (no-color.org): present and not empty turns colour off. */
function colorAllowed(env: Readonly<Record<string, string | undefined>>): boolean {
  const v = env['NO_COLOR'];
  return v === undefined || v === '';
}

export function isLiveTerminal(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && env['CI'] !== 'true';
}

function statusWord(status: CheckResult['status'], p: Paint): string {
  return status === 'passed' ? p.green('PASS') : p.red('FAIL');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line for a finished check: `PASS name (eventually, 1.2s, 3 attempts)`. */
function formatCheckLine(c: CheckResult, p: Paint = paint(false)): string {
  return `${statusWord(c.status, p)} ${c.name} ${p.dim(`(${c.mode}, ${formatDuration(c.ms)}, ${plural(c.attempts, 'attempt')})`)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent + cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Expected and observed, indented under the failure's name. */
function formatFailure(c: CheckResult, p: Paint = paint(false)): string[] {
  const lines = [`  ${p.red('✗')} ${p.bold(c.name)} ${p.dim(`[${c.kind}, step ${c.step + 1}]`)}`];
  lines.push(`      expected: ${c.expected}`);
  lines.push(`      observed: ${condense(c.observed, 500)}`);
  if (c.message) lines.push(`      ${c.message}`);
  return lines;
}

/** The end-of-run summary: checks table, failures with expected vs observed, phases, bundle. */
export function formatSummary(r: RunResult, options: { color?: boolean } = {}): string {
  const p = paint(options.color ?? false);
  const failed = r.checks.filter((c) => c.status === 'failed').length;
  const verdict = r.passed ? p.green(p.bold('PASSED')) : p.red(p.bold('FAILED'));
  const out: string[] = [];
  out.push(`Scenario ${p.bold(r.scenario)} on ${r.runtime} (lab ${r.lab}): ${verdict} in ${formatDuration(r.ms)}`);
  out.push(`  ${plural(r.checks.length, 'check')}, ${r.checks.length - failed} passed, ${failed} failed`);
  if (r.checks.length > 0) {
    out.push('');
    const rows = r.checks.map((c) => [c.status === 'passed' ? 'PASS' : 'FAIL', c.name, c.kind, c.mode, formatDuration(c.ms), String(c.attempts)]);
    const lines = table(['STATUS', 'CHECK', 'KIND', 'MODE', 'TIME', 'ATTEMPTS'], rows);
    // Colour after padding so ANSI codes do not skew the column widths.
    out.push(...lines.map((l, i) => (i < 2 ? p.dim(l) : l.replace(/^( {2})(PASS|FAIL)/, (_m, s: string, w: string) => s + (w === 'PASS' ? p.green(w) : p.red(w))))));
  }
  if (r.failures.length > 0) {
    out.push('', p.red('Failures:'));
    for (const f of r.failures) out.push(...formatFailure(f, p));
  }
  if (r.warnings.length > 0) {
    out.push('', p.yellow('Warnings:'));
    for (const w of r.warnings) out.push(`  ! ${w}`);
  }
  if (r.phases.length > 0) {
    out.push('', 'Phases:');
    out.push(...table(['PHASE', 'TIME'], r.phases.map((ph) => [ph.name, formatDuration(ph.ms)])));
  }
  if (r.bundle) out.push('', `Failure bundle: ${r.bundle}`);
  return out.join('\n') + '\n';
}

// A check whose expectation is that something does NOT get through (isolation) is told apart
// by its wording, because CheckResult carries no intent field (see the report to the lead).
const ISOLATION_WORDS = /\b(isolat\w*|unreachable|not reach\w*|fails?|refused|blocked|no route|must not|denied|times? out)\b/i;

export function isIsolationCheck(c: Pick<CheckResult, 'kind' | 'expected' | 'name'>): boolean {
  return c.kind === 'http' && (ISOLATION_WORDS.test(c.expected) || /\bisolat/i.test(c.name));
}

interface DemoExtras {
  readonly sessions?: readonly SessionState[];
  readonly services?: readonly ServiceState[];
}

/**
 * The view a person would build by hand after `make demo`: which sessions are up, which IPs
 * services got, and what can and cannot reach what. Derived from check results by kind, plus
 * the cluster API's own view when the caller has it.
 */
export function formatDemo(checks: readonly CheckResult[], extras: DemoExtras = {}, options: { color?: boolean } = {}): string {
  const p = paint(options.color ?? false);
  const mark = (c: CheckResult) => (c.status === 'passed' ? p.green('✓') : p.red('✗'));
  const line = (c: CheckResult) => `  ${mark(c)} ${c.name} ${p.dim('→')} ${condense(c.observed, 160)}`;
  const sections: [string, string[]][] = [];
  const byKind = (...kinds: string[]) => checks.filter((c) => kinds.includes(c.kind));

  const sessionLines = byKind('bgp-session').map(line);
  for (const s of extras.sessions ?? []) {
    const ok = s.bgpStatus === 'Established';
    sessionLines.push(`  ${ok ? p.green('✓') : p.red('✗')} ${s.node} → ${s.peer}${s.vrf ? ` (vrf ${s.vrf})` : ''}: bgp ${s.bgpStatus}${s.bfdStatus ? `, bfd ${s.bfdStatus}` : ''}`);
  }
  sections.push(['BGP sessions', sessionLines]);

  const serviceLines = (extras.services ?? []).map(
    (s) => `  ${s.externalIPs.length > 0 ? p.green('✓') : p.yellow('…')} ${s.namespace}/${s.name}: ${s.externalIPs.join(', ') || 'pending'}${s.pool ? ` (pool ${s.pool})` : ''}`,
  );
  serviceLines.push(...byKind('k8s-status').map(line));
  sections.push(['Service IPs and cluster status', serviceLines]);

  sections.push(['Routes', byKind('bgp-route', 'evpn-route', 'kernel-route').map(line)]);
  const http = byKind('http');
  sections.push(['Reachability', http.filter((c) => !isIsolationCheck(c)).map(line)]);
  sections.push(['Isolation', http.filter((c) => isIsolationCheck(c)).map(line)]);
  const known = new Set(['bgp-session', 'k8s-status', 'bgp-route', 'evpn-route', 'kernel-route', 'http']);
  sections.push(['Other checks', checks.filter((c) => !known.has(c.kind)).map(line)]);

  const out: string[] = [];
  for (const [title, lines] of sections) {
    if (lines.length === 0) continue;
    out.push(p.bold(title), ...lines, '');
  }
  return out.length === 0 ? 'Nothing to show: no checks ran.\n' : out.join('\n');
}

interface Running {
  attempt: number;
  /** Elapsed time the check last reported, and when, so the display can extrapolate. */
  reportedMs: number;
  reportedAt: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A long step as the live view shows it: what it does, and how far it is when it knows. */
function formatProgress(e: ProgressEvent): string {
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  const amount = e.current === undefined ? '' : e.total ? ` ${mib(e.current)}/${mib(e.total)}` : ` ${mib(e.current)}`;
  return `${e.step}${amount}${e.detail ? ` (${e.detail})` : ''}`;
}

interface LiveState {
  readonly phase?: { readonly name: string; readonly startedAt: number } | undefined;
  /** The step of the phase now running, e.g. a kind bring-up step, and since when. */
  readonly step?: { readonly text: string; readonly startedAt: number } | undefined;
  readonly running: ReadonlyMap<string, Running>;
}

/**
 * The live block: the current phase (and its step), and one status line per running check, in at
 * most `height` lines (at least 2): checks that do not fit fold into one last line.
 */
function formatLiveLines(state: LiveState, now: number, frame: number, width: number, p: Paint, height = Infinity): string[] {
  const spin = SPINNER[frame % SPINNER.length] ?? '-';
  const lines: string[] = [];
  // Truncate before colouring so the width is counted on visible characters.
  const fit = (text: string) => truncate(text, Math.max(10, width - 1));
  if (state.phase) {
    const step = state.step ? ` · ${state.step.text} ${formatDuration(now - state.step.startedAt)}` : '';
    lines.push(p.dim(fit(`${spin} ${state.phase.name} ${formatDuration(now - state.phase.startedAt)}${step}`)));
  }
  const room = Math.max(2, height) - lines.length;
  const checks = [...state.running];
  const shown = checks.length > room ? checks.slice(0, room - 1) : checks;
  for (const [name, r] of shown) {
    const elapsed = r.reportedMs + (now - r.reportedAt);
    const suffix = r.attempt > 0 ? `${formatDuration(elapsed)}, attempt ${r.attempt}` : formatDuration(elapsed);
    const text = fit(`${spin} ${name}  (${suffix})`);
    lines.push(p.yellow(text.slice(0, 1)) + text.slice(1));
  }
  if (shown.length < checks.length) lines.push(p.dim(fit(`  … and ${checks.length - shown.length} more checks running`)));
  return lines;
}

export function createConsoleReporter(options: ConsoleReporterOptions): Reporter {
  const { stream } = options;
  const env = options.env ?? process.env;
  const live = options.live ?? isLiveTerminal(stream, env);
  const colorOn = options.color ?? (live && colorAllowed(env));
  const p = paint(colorOn);
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const running = new Map<string, Running>();
  let phase: { name: string; startedAt: number } | undefined;
  let step: { text: string; startedAt: number } | undefined;
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  // A pseudo-terminal nobody sized (script(1) without a terminal, some CI wrappers) reports 0x0:
  // drawing for it as 80x24 beats wrapping every character onto its own line.
  const columns = () => stream.columns || 80;
  const rows = () => stream.rows || 24;
  const sized = { write: (s: string) => stream.write(s), isTTY: stream.isTTY, get columns() { return columns(); }, get rows() { return rows(); } };
  // The cursor stays visible: hiding it would need restoring on every way out of the process.
  const update = live ? createLogUpdate(sized as unknown as NodeJS.WriteStream, { showCursor: true }) : undefined;

  const stamp = () => p.dim(`[${formatDuration(now() - t0).padStart(6)}]`);

  const erase = () => update?.clear();
  const draw = () => {
    // One row stays free: log-update's frame ends with a newline, so the cursor takes the last row.
    const height = rows() - 1;
    const lines = formatLiveLines({ phase, step, running }, now(), frame++, columns(), p, height);
    if (lines.length > 0) update?.(lines.join('\n'));
    else erase();
  };
  /** Writes permanent lines above the live block, then redraws the block. */
  const emit = (...lines: string[]) => {
    if (update) {
      if (lines.length > 0) update.persist(lines.join('\n'));
      draw();
      syncTimer();
    } else if (lines.length > 0) {
      stream.write(lines.map((l) => `${stamp()} ${l}`).join('\n') + '\n');
    }
  };
  const tickMs = options.tickMs ?? 250;
  const syncTimer = () => {
    const busy = phase !== undefined || running.size > 0;
    if (busy && !timer && tickMs > 0) {
      timer = setInterval(draw, tickMs);
      // A reporter must never be what keeps the process alive.
      timer.unref?.();
    } else if (!busy && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

  return {
    phaseStart(name) {
      phase = { name, startedAt: now() };
      step = undefined;
      if (live) emit();
      else emit(`phase ${name} ...`);
    },
    progress(event) {
      // CI logs keep one line per event: a step's progress is for the live view only.
      if (!live) return;
      step = event.state === 'end' ? undefined : { text: formatProgress(event), startedAt: now() - event.ms };
      emit();
    },
    phaseEnd(name, ms) {
      if (phase?.name === name) {
        phase = undefined;
        step = undefined;
      }
      emit(`${p.green('✓')} phase ${name} ${p.dim(formatDuration(ms))}`);
    },
    checkStart(name) {
      const t = now();
      running.set(name, { attempt: 0, reportedMs: 0, reportedAt: t });
      if (live) emit();
      else emit(`check ${name} ...`);
    },
    checkAttempt(name, attempt, elapsedMs) {
      const t = now();
      const r = running.get(name);
      if (r) {
        r.attempt = attempt;
        r.reportedMs = elapsedMs;
        r.reportedAt = t;
      } else {
        running.set(name, { attempt, reportedMs: elapsedMs, reportedAt: t });
      }
      if (live) emit();
      // A 5-minute eventually check polls 300 times; a CI log needs to see it is alive, not every poll.
      else if (options.everyAttempt || isPowerOfTwo(attempt)) emit(`  ${name}: attempt ${attempt} at ${formatDuration(elapsedMs)}`);
    },
    checkEnd(result) {
      running.delete(result.name);
      const lines = [formatCheckLine(result, p)];
      if (result.status === 'failed') {
        lines.push(`    expected: ${result.expected}`, `    observed: ${condense(result.observed, 300)}`);
        if (result.message) lines.push(`    ${result.message}`);
      }
      emit(...lines);
    },
    warning(text) {
      emit(`${p.yellow('warning:')} ${text}`);
    },
    runEnd(result) {
      phase = undefined;
      step = undefined;
      running.clear();
      if (live) {
        erase();
        syncTimer();
      }
      stream.write('\n' + formatSummary(result, { color: colorOn }));
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      erase();
      update?.done();
    },
  };
}
