// The only place the kind runtime runs commands and waits. The real executor runs argv through
// proc/run.ts, a step's Docker call through the Docker client (dockerode), writes files, reports
// long steps' progress, and polls through the one wait primitive (proc/wait.ts) on its clock;
// the dry-run executor prints what it would do and reports success, so the same code path drives
// both and the runtime never asks which one it has.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LabBuildError } from '../../errors.ts';
import { realClock, type Clock } from '../../proc/clock.ts';
import { run, type RunOptions, type RunResult } from '../../proc/run.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import type { ProgressEvent } from '../runtime.ts';
import { dockerCliArgv } from './docker-call.ts';
import { dockerodeClient, runDockerCall, type DockerClient, type TransferProgress } from './docker.ts';
import { formatCommand, formatStep, formatWait, quoteArgv } from './dry-run.ts';
import type { Step } from './plan.ts';

type CommandRunner = (argv: readonly string[], options?: RunOptions) => Promise<RunResult>;

export interface StepOutcome {
  readonly step: Step;
  readonly skipped: boolean;
  readonly result?: RunResult;
}

export interface WaitUntilOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal?: AbortSignal;
}

export interface Executor {
  /** True for the executor that only prints; the runtime reports it (Runtime.dryRun), it does not branch on it. */
  readonly dryRun: boolean;
  /** Runs one plan step; throws LabBuildError when it fails. A long step reports its progress. */
  step(step: Step, signal?: AbortSignal, onProgress?: (event: ProgressEvent) => void): Promise<StepOutcome>;
  /** Runs one command and returns its result whatever the exit code. */
  command(description: string, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Tells the user what the runtime is about to do (only the dry run prints it). */
  note(text: string): void;
  /**
   * Polls `probe` until it answers true; at the deadline throws LabBuildError naming `what`.
   * The dry run prints the wait instead of polling.
   */
  waitUntil(what: string, probe: () => Promise<boolean>, options: WaitUntilOptions): Promise<void>;
}

const EMPTY: RunResult = { exitCode: 0, stdout: '', stderr: '', ms: 0 };

interface RealExecutorOptions {
  readonly runner?: CommandRunner;
  /** For steps that call the Docker engine; dockerode on the default socket (DOCKER_HOST honoured) when absent. */
  readonly docker?: () => DockerClient;
  /** Time for waitUntil and for progress timestamps; tests inject test/proc/fake-clock.ts. */
  readonly clock?: Clock;
}

export class RealExecutor implements Executor {
  readonly dryRun = false;
  private readonly runner: CommandRunner;
  private readonly clock: Clock;
  private readonly dockerOf: () => DockerClient;
  private dockerClient: DockerClient | undefined;

  constructor(options: RealExecutorOptions = {}) {
    this.runner = options.runner ?? run;
    this.clock = options.clock ?? realClock;
    this.dockerOf = options.docker ?? (() => dockerodeClient());
  }

  private docker(): DockerClient {
    this.dockerClient ??= this.dockerOf();
    return this.dockerClient;
  }

  async step(step: Step, signal?: AbortSignal, onProgress?: (event: ProgressEvent) => void): Promise<StepOutcome> {
    if (!step.long || !onProgress) return this.runStep(step, signal);
    const started = this.clock.now();
    const report = (state: ProgressEvent['state'], extra: Partial<ProgressEvent> = {}) =>
      onProgress({ phase: step.phase, step: step.description, state, ms: Math.round(this.clock.now() - started), ...extra });
    report('start');
    try {
      const outcome = await this.runStep(step, signal, (p) => report('progress', p));
      report('end');
      return outcome;
    } catch (e) {
      report('end', { failed: true });
      throw e;
    }
  }

  private async runStep(step: Step, signal: AbortSignal | undefined, onTransfer?: (p: TransferProgress) => void): Promise<StepOutcome> {
    const base: RunOptions = { allowFailure: true, timeoutMs: step.timeoutMs ?? 120_000, ...(signal ? { signal } : {}) };
    for (const w of step.writes ?? []) {
      await mkdir(dirname(w.path), { recursive: true });
      await writeFile(w.path, w.content);
    }
    if (step.unless && (await this.runner(step.unless, { ...base, timeoutMs: 30_000 })).exitCode === 0) return { step, skipped: true };
    if (step.onlyIf && (await this.runner(step.onlyIf, { ...base, timeoutMs: 30_000 })).exitCode !== 0) return { step, skipped: true };
    if (step.onlyIfSilent) {
      const probe = await this.runner(step.onlyIfSilent, { ...base, timeoutMs: 30_000 });
      if (probe.exitCode !== 0 || probe.stdout.trim() !== '') return { step, skipped: true };
    }
    if (step.docker) {
      try {
        await runDockerCall(this.docker(), step.docker, {
          timeoutMs: step.timeoutMs ?? 120_000,
          ...(signal ? { signal } : {}),
          ...(onTransfer ? { onProgress: onTransfer } : {}),
        });
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).trim();
        throw new LabBuildError(`${step.description}: \`${quoteArgv(dockerCliArgv(step.docker))}\` (through the Docker API) failed: ${why}`, step.hint);
      }
      return { step, skipped: false };
    }
    if (!step.argv) return { step, skipped: false };
    const result = await this.runner(step.argv, step.env ? { ...base, env: step.env } : base);
    if (result.exitCode !== 0) {
      const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-20).join('\n');
      throw new LabBuildError(`${step.description}: \`${quoteArgv(step.argv)}\` exited with ${result.exitCode}\n${output}`, step.hint);
    }
    if (step.stdoutTo) {
      await mkdir(dirname(step.stdoutTo), { recursive: true });
      await writeFile(step.stdoutTo, result.stdout, { mode: 0o600 });
    }
    return { step, skipped: false, result };
  }

  command(_description: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.runner(argv, { ...options, allowFailure: true });
  }

  note(): void {
    // Real calls speak through their results.
  }

  async waitUntil(what: string, probe: () => Promise<boolean>, options: WaitUntilOptions): Promise<void> {
    await eventuallyValue(async () => ((await probe()) ? true : undefined), { ...options, what, clock: this.clock });
  }
}

export class DryRunExecutor implements Executor {
  readonly dryRun = true;
  private readonly out: NodeJS.WritableStream;
  private count = 0;

  constructor(out: NodeJS.WritableStream = process.stdout) {
    this.out = out;
  }

  async step(step: Step): Promise<StepOutcome> {
    this.out.write(`${formatStep(step, this.count++)}\n`);
    return { step, skipped: false, result: EMPTY };
  }

  async command(description: string, argv: readonly string[]): Promise<RunResult> {
    this.out.write(formatCommand(description, argv));
    return EMPTY;
  }

  note(text: string): void {
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  async waitUntil(what: string, _probe: () => Promise<boolean>, options: WaitUntilOptions): Promise<void> {
    this.out.write(formatWait(what, options.timeoutMs, options.intervalMs));
  }
}
