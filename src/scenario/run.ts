// Runs one scenario on a runtime: bring the lab up (or reuse it), walk the steps (steps.ts),
// write a failure bundle when a check fails, tear down. Produces the RunResult every report reads.
// `--dry-run` walks the same steps with printing handlers (dry-run.ts).
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { LabBuildError } from '../errors.ts';
import { runValidatedCheck, type ValidatedCheck } from '../checks/run-check.ts';
import { manifestKey, type Manifest } from '../k8s/manifest.ts';
import { writeBundle } from '../diagnostics/bundle.ts';
import type { CheckResult } from '../report/result.ts';
import { createRuntime } from '../runtime/registry.ts';
import type { ApplyResult, ProgressEvent, Runtime, SessionState, ServiceState } from '../runtime/runtime.ts';
import { runInDependencyOrder } from './check-order.ts';
import type { Scenario } from './load.ts';
import { LabResolver } from './resolver.ts';
import { RunRecord } from './record.ts';
import { walkSteps, type StepHandlers } from './steps.ts';
import { dryRunScenario } from './dry-run.ts';
import type { RunScenarioOptions, ScenarioOutcome } from './outcome.ts';

/** Service IPs move while checks run (allocation, re-announcement): the resolver follows the cluster API. */
const SERVICE_REFRESH_MS = 500;

export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  if (options.dryRun) return dryRunScenario(scenario, options);
  const record = new RunRecord({ scenario: scenario.name, runtime: options.runtime, lab: scenario.lab.name }, options.reporter, options.signal);
  const rt = await createRuntime(options.runtime, scenario.lab, { ...(options.instance ? { instance: options.instance } : {}), ...(options.artifacts ? { artifacts: options.artifacts } : {}) });
  const live = new LiveSteps(scenario, rt, record, options);

  let error: unknown;
  // The lab this run brought up (or reused) goes again on every way out of here, unless --keep:
  // a check failure, a build failure, an interrupt, and bad input found mid-run (exit 2) alike.
  let tornDown = false;
  const teardown = async (): Promise<void> => {
    if (tornDown || options.keep) return;
    tornDown = true;
    // A bad-input error or an interrupt may have aborted the signal phases honour: `down` must run anyway.
    await record.phase('down', () => rt.down(), { evenIfAborted: true }).catch((e: unknown) => record.warnings.push(`teardown failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  try {
    try {
      await bringUp(rt, record, options.signal, (e) => options.reporter.progress?.(e));
      record.frr = rt.frrInfo?.();
      const ticker = setInterval(() => void live.refreshServices().catch(() => undefined), SERVICE_REFRESH_MS);
      try {
        await walkSteps(scenario, live.handlers, options.signal);
      } finally {
        clearInterval(ticker);
      }
    } catch (e) {
      if (!(e instanceof WaitFailed)) {
        error = e;
        record.mark(`error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
    // Bad input the runtime found only now (exit 2): no report of a run, but no lab left behind either (finally).
    if (error !== undefined && !(error instanceof LabBuildError) && !isAbort(error)) throw error;
    const exitCode = error !== undefined ? 3 : record.failures().length > 0 ? 1 : 0;

    const { sessions, services } = await clusterView(rt);
    if (exitCode !== 0) await writeFailureBundle(rt, record, live.applied(), join(resolve(options.bundleDir), `${scenario.name}-${record.startedAt.replace(/[:.]/g, '-')}`), exitCode, error);
    if (options.keep) record.mark(`kept lab ${rt.instance} up (--keep)`);
    await teardown();
    const final = record.result(exitCode, error);
    options.reporter.runEnd(final);
    return { result: final, exitCode, sessions, services };
  } finally {
    await teardown();
  }
}

async function bringUp(rt: Runtime, record: RunRecord, signal: AbortSignal | undefined, onProgress: (event: ProgressEvent) => void): Promise<void> {
  if (rt.isUp?.() ?? false) {
    record.mark(`reusing running lab ${rt.instance}`);
    return;
  }
  // Each long step's duration goes into the timeline too: a bundle then shows which pull or install took the time.
  const progress = (e: ProgressEvent) => {
    if (e.state === 'end') record.mark(`up: ${e.step} ${e.failed ? 'failed after' : 'took'} ${e.ms} ms`);
    onProgress(e);
  };
  await record.phase('up', () => rt.up({ ...(signal ? { signal } : {}), onPhase: (n, ms) => record.mark(`up: ${n} (${ms} ms)`), onProgress: progress }));
}

/** The step handlers of a real run: act on the runtime, poll checks, record everything. */
class LiveSteps {
  private readonly scenario: Scenario;
  private readonly rt: Runtime;
  private readonly record: RunRecord;
  private readonly options: RunScenarioOptions;
  private readonly resolver: LabResolver;
  private readonly appliedByKey = new Map<string, Manifest>();
  readonly handlers: StepHandlers;

  constructor(scenario: Scenario, rt: Runtime, record: RunRecord, options: RunScenarioOptions) {
    this.scenario = scenario;
    this.rt = rt;
    this.record = record;
    this.options = options;
    this.resolver = new LabResolver(scenario.lab);
    const phase = <T>(label: string, fn: () => Promise<T>) => record.phase(label, fn);
    this.handlers = {
      apply: (step, label) => phase(label, () => this.change(step.files, 'apply')),
      delete: (step, label) => phase(label, () => this.change(step.files, 'delete')),
      fault: (step, label) => phase(label, () => rt.fault(step.fault)),
      relabel: (step, label) => phase(label, async () => this.followChange(await rt.relabelNode(step.node, step.labels))),
      wait: async (step, label) => {
        const r = await phase(label, () => this.runCheck({ ...step.check, name: `wait: ${step.check.name}` }));
        if (r.status === 'failed') {
          record.checks.push(r);
          throw new WaitFailed(r);
        }
      },
      checks: async (step) => {
        const results = await runInDependencyOrder(step.checks, options.checkConcurrency ?? 8, (c) => this.runCheck(c), (c, failed) => this.notStarted(c, failed));
        record.checks.push(...results);
      },
    };
  }

  applied(): Manifest[] {
    return [...this.appliedByKey.values()];
  }

  async refreshServices(): Promise<void> {
    this.resolver.setServices(await this.rt.services());
    if (this.rt.pods) this.resolver.setPods(await this.rt.pods());
  }

  private async change(files: readonly string[], mode: 'apply' | 'delete'): Promise<void> {
    const manifests = files.flatMap((f) => [...(this.scenario.manifestsByFile.get(f) ?? [])]);
    const r = mode === 'apply' ? await this.rt.apply(manifests) : await this.rt.delete(manifests);
    for (const m of manifests) mode === 'apply' ? this.appliedByKey.set(manifestKey(m), m) : this.appliedByKey.delete(manifestKey(m));
    await this.followChange(r);
  }

  private async followChange(r: ApplyResult): Promise<void> {
    for (const w of r.warnings) this.record.warn(w);
    // The runtime's own plan (with its sticky service allocations), not a second computation.
    if (r.desired) this.resolver.desired = r.desired;
    await this.refreshServices();
  }

  /** An absence check whose step's other checks did not all pass: reported failed, never run. */
  private notStarted(check: ValidatedCheck, failed: readonly CheckResult[]): CheckResult {
    const reporter = this.options.reporter;
    const why = `not started: it asserts an absence, which means something only once the step's other checks hold, and ${failed.map((f) => `"${f.name}"`).join(', ')} did not`;
    const result: CheckResult = {
      name: check.name, kind: check.kind.kind, step: check.step, mode: check.mode, status: 'failed', ms: 0, attempts: 0,
      expected: check.description, observed: null, message: `check "${check.name}" (${check.kind.kind}) ${why}`, at: this.record.elapsed(),
    };
    reporter.checkStart(check.name);
    this.record.mark(`failed: ${check.name} (${why})`);
    reporter.checkEnd(result);
    return result;
  }

  private async runCheck(check: ValidatedCheck): Promise<CheckResult> {
    const reporter = this.options.reporter;
    reporter.checkStart(check.name);
    const at = this.record.elapsed();
    const ran = await runValidatedCheck(check, {
      runtime: this.rt,
      resolver: this.resolver,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      onAttempt: (a) => reporter.checkAttempt(a.check, a.attempt, a.atMs),
    });
    const result: CheckResult = { ...ran, at };
    this.record.mark(`${result.status}: ${result.name} (${result.ms} ms, ${result.attempts} attempts)`);
    reporter.checkEnd(result);
    return result;
  }
}

/** What the demo view shows next to the checks, read before teardown. */
async function clusterView(rt: Runtime): Promise<{ sessions: readonly SessionState[]; services: readonly ServiceState[] }> {
  try {
    return { sessions: await rt.sessionStates(), services: await rt.services() };
  } catch {
    // The lab may be half built; the demo view then shows the checks alone.
    return { sessions: [], services: [] };
  }
}

async function writeFailureBundle(rt: Runtime, record: RunRecord, applied: readonly Manifest[], dir: string, exitCode: number, error: unknown): Promise<void> {
  try {
    record.bundle = await record.phase('failure bundle', () =>
      writeBundle(rt, dir, {
        result: record.result(exitCode, error),
        ...(error === undefined ? {} : { reason: `The run stopped: ${error instanceof Error ? error.message : String(error)}` }),
        manifests: applied.map((m) => stringify(m.body)).join('---\n'),
        timeline: record.timeline,
      }),
    );
  } catch (e) {
    record.warnings.push(`could not write the failure bundle: ${e instanceof Error ? e.message : String(e)}`);
  }
}

class WaitFailed extends Error {
  readonly check: CheckResult;
  constructor(check: CheckResult) {
    super(`wait failed: ${check.name}`);
    this.check = check;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /interrupted by/.test(e.message));
}
