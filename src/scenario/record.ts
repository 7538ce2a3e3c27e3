// What a run records as it goes: phases, checks, warnings and the timeline, and the RunResult
// the reports read, built from them at any point (a partial one goes into the failure bundle).
import type { FrrInfo } from '../runtime/runtime.ts';
import type { Reporter } from '../report/console.ts';
import type { CheckResult, PhaseResult, RunResult, TimelineEvent } from '../report/result.ts';

export class RunRecord {
  readonly startedAt = new Date().toISOString();
  private readonly started = performance.now();
  readonly phases: PhaseResult[] = [];
  readonly checks: CheckResult[] = [];
  readonly timeline: TimelineEvent[] = [];
  readonly warnings: string[] = [];
  bundle: string | undefined;
  /** The FRR build the lab ran, once the lab is up (Runtime.frrInfo). */
  frr: FrrInfo | undefined;

  private readonly header: Pick<RunResult, 'scenario' | 'runtime' | 'lab'>;
  private readonly reporter: Reporter | undefined;
  /** Once aborted, no further phase starts. */
  private readonly signal: AbortSignal | undefined;

  constructor(header: Pick<RunResult, 'scenario' | 'runtime' | 'lab'>, reporter?: Reporter, signal?: AbortSignal) {
    this.header = header;
    this.reporter = reporter;
    this.signal = signal;
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  mark(what: string): void {
    this.timeline.push({ at: this.elapsed(), what });
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.reporter?.warning(message);
  }

  /**
   * Runs `fn` as a named phase: timed, on the timeline and shown by the reporter. Once the run is
   * aborted no phase starts, except one that cleans up (`evenIfAborted`: the teardown).
   */
  async phase<T>(name: string, fn: () => Promise<T>, options: { evenIfAborted?: boolean } = {}): Promise<T> {
    if (!options.evenIfAborted) this.signal?.throwIfAborted();
    this.reporter?.phaseStart(name);
    this.mark(`start: ${name}`);
    const at = this.elapsed();
    const t = performance.now();
    try {
      return await fn();
    } finally {
      const ms = Math.round(performance.now() - t);
      this.phases.push({ name, ms, at });
      this.mark(`end: ${name} (${ms} ms)`);
      this.reporter?.phaseEnd(name, ms);
    }
  }

  failures(): CheckResult[] {
    return this.checks.filter((c) => c.status === 'failed');
  }

  result(exitCode: number, error?: unknown): RunResult {
    return {
      passed: exitCode === 0,
      ...this.header,
      startedAt: this.startedAt,
      ms: Math.round(performance.now() - this.started),
      phases: [...this.phases],
      checks: [...this.checks],
      failures: this.failures(),
      timeline: [...this.timeline],
      ...(this.bundle ? { bundle: this.bundle } : {}),
      ...(this.frr ? { frr: this.frr } : {}),
      warnings: [...this.warnings, ...(error instanceof Error ? [`lab error: ${error.message}`] : [])],
    };
  }
}
