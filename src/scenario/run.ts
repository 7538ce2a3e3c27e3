// Runs one scenario on a runtime: bring the lab up (or reuse it), apply, step through, write a
// failure bundle when a check fails, tear down. Produces the RunResult every report reads.
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InputError, InputErrors, LabBuildError } from '../errors.ts';
import { formatDuration } from '../checks/duration.ts';
import { brief } from '../checks/match.ts';
import { runCheck, validateCheck, type CheckSpec } from '../checks/run-check.ts';
import { computeDesiredState } from '../k8s/desired.ts';
import { manifestKey, type Manifest } from '../k8s/manifest.ts';
import type { Reporter } from '../report/console.ts';
import { writeBundle } from '../report/bundle.ts';
import type { CheckResult, PhaseResult, RunResult, TimelineEvent } from '../report/result.ts';
import { createRuntime, providerOf } from '../runtime/registry.ts';
import type { Fault, Runtime, RuntimeKind, SessionState, ServiceState, Target } from '../runtime/runtime.ts';
import { mapLimit } from '../proc/limit.ts';
import type { FaultEntry } from './schema.ts';
import type { Scenario, Step } from './load.ts';
import { LabResolver } from './resolver.ts';

export interface RunScenarioOptions {
  readonly runtime: RuntimeKind;
  readonly instance?: string;
  /** Leave the lab up afterwards, for debugging. */
  readonly keep?: boolean;
  readonly reporter: Reporter;
  /** Parent directory of failure bundles. */
  readonly bundleDir: string;
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  /** How many checks of a group run at once. */
  readonly checkConcurrency?: number;
  /** Where a dry run prints (default stdout). */
  readonly out?: NodeJS.WritableStream;
}

export interface ScenarioOutcome {
  readonly result: RunResult;
  /** 0 passed, 1 a check failed, 3 the lab could not be built. */
  readonly exitCode: number;
  /** What the demo view shows next to the checks (read before teardown). */
  readonly sessions: readonly SessionState[];
  readonly services: readonly ServiceState[];
}

function toFault(entry: FaultEntry, resolver: LabResolver): Fault {
  if ('linkDown' in entry) return { kind: 'link-down', ...entry.linkDown };
  if ('linkUp' in entry) return { kind: 'link-up', ...entry.linkUp };
  return { kind: 'restart-frr', target: resolver.target(entry.restartFrr) };
}

function describeStep(step: Step): string {
  if (step.name) return step.name;
  switch (step.kind) {
    case 'apply':
    case 'delete':
      return `${step.kind} ${step.files.map((f) => f.split('/').slice(-2).join('/')).join(', ')}`;
    case 'fault':
      return `fault ${JSON.stringify(step.fault)}`;
    case 'wait':
      return `wait for ${step.check.name ?? step.check.kind}`;
    case 'checks':
      return `checks of step ${step.index + 1}`;
  }
}

export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  if (options.dryRun) return dryRunScenario(scenario, options);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const reporter = options.reporter;
  const phases: PhaseResult[] = [];
  const checks: CheckResult[] = [];
  const timeline: TimelineEvent[] = [];
  const warnings: string[] = [];
  const mark = (what: string): void => {
    timeline.push({ at: Math.round(performance.now() - started), what });
  };
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    options.signal?.throwIfAborted();
    reporter.phaseStart(name);
    mark(`start: ${name}`);
    const t = performance.now();
    try {
      return await fn();
    } finally {
      const ms = Math.round(performance.now() - t);
      phases.push({ name, ms });
      mark(`end: ${name} (${ms} ms)`);
      reporter.phaseEnd(name, ms);
    }
  };

  const rt: Runtime = await createRuntime(options.runtime, scenario.lab, {
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  });
  const resolver = new LabResolver(scenario.lab);
  const applied = new Map<string, Manifest>();
  const manifestsOf = (files: readonly string[]): Manifest[] => files.flatMap((f) => [...(scenario.manifestsByFile.get(f) ?? [])]);
  const refresh = async (): Promise<void> => {
    if (scenario.lab.cluster && applied.size > 0) resolver.desired = computeDesiredState([...applied.values()], scenario.lab.cluster);
    resolver.setServices(await rt.services());
  };
  const applyFiles = async (files: readonly string[], mode: 'apply' | 'delete'): Promise<void> => {
    const ms = manifestsOf(files);
    const r = mode === 'apply' ? await rt.apply(ms) : await rt.delete(ms);
    for (const m of ms) mode === 'apply' ? applied.set(manifestKey(m), m) : applied.delete(manifestKey(m));
    for (const w of r.warnings) {
      warnings.push(w);
      reporter.warning(w);
    }
    await refresh();
  };
  const runOne = async (spec: CheckSpec): Promise<CheckResult> => {
    const name = spec.name ?? spec.kind;
    reporter.checkStart(name);
    const result = await runCheck(spec, {
      runtime: rt,
      resolver,
      ...(options.signal ? { signal: options.signal } : {}),
      onAttempt: (a) => reporter.checkAttempt(a.check, a.attempt, a.atMs),
      source: scenario.file,
    });
    mark(`${result.status}: ${result.name} (${result.ms} ms, ${result.attempts} attempts)`);
    reporter.checkEnd(result);
    return result;
  };

  let exitCode = 0;
  let error: unknown;
  let sessions: readonly SessionState[] = [];
  let services: readonly ServiceState[] = [];
  let reused = false;
  let bundle: string | undefined;
  try {
    reused = rt.isUp?.() ?? false;
    if (reused) mark(`reusing running lab ${rt.instance}`);
    else await phase('up', () => rt.up({ ...(options.signal ? { signal: options.signal } : {}), onPhase: (n, ms) => mark(`up: ${n} (${ms} ms)`) }));
    if (scenario.manifests.length > 0) await phase('apply manifests', () => applyFiles(scenario.manifests, 'apply'));
    // Service IPs move while checks run (allocation, re-announcement): keep the resolver current.
    const ticker = setInterval(() => void refresh().catch(() => undefined), 500);
    try {
      for (const step of scenario.steps) {
        switch (step.kind) {
          case 'apply':
          case 'delete':
            await phase(describeStep(step), () => applyFiles(step.files, step.kind));
            break;
          case 'fault':
            await phase(describeStep(step), () => rt.fault(toFault(step.fault, resolver)));
            break;
          case 'wait': {
            const r = await phase(describeStep(step), () => runOne({ ...step.check, name: `wait: ${step.check.name ?? step.check.kind}` }));
            if (r.status === 'failed') {
              checks.push(r);
              throw new WaitFailed(r);
            }
            break;
          }
          case 'checks':
            checks.push(...(await mapLimit(step.checks, options.checkConcurrency ?? 8, runOne)));
            break;
        }
      }
    } finally {
      clearInterval(ticker);
    }
  } catch (e) {
    if (!(e instanceof WaitFailed)) {
      error = e;
      mark(`error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }

  const failed = checks.filter((c) => c.status === 'failed');
  if (error !== undefined && !(error instanceof LabBuildError) && !isAbort(error)) throw error;
  exitCode = error !== undefined ? 3 : failed.length > 0 ? 1 : 0;

  try {
    sessions = await rt.sessionStates();
    services = await rt.services();
  } catch {
    // The lab may be half built; the demo view then shows the checks alone.
  }
  if ((failed.length > 0 || error !== undefined) && !options.dryRun) {
    const partial = result();
    try {
      bundle = await phase('failure bundle', () =>
        writeBundle(rt, join(resolve(options.bundleDir), `${scenario.name}-${startedAt.replace(/[:.]/g, '-')}`), {
          result: partial,
          manifests: [...applied.values()].map((m) => stringify(m.body)).join('---\n'),
          timeline,

        }),
      );
    } catch (e) {
      warnings.push(`could not write the failure bundle: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!options.keep) {
    await phase('down', () => rt.down()).catch((e: unknown) => warnings.push(`teardown failed: ${e instanceof Error ? e.message : String(e)}`));
  } else {
    mark(`kept lab ${rt.instance} up (--keep)`);
  }
  const final = result();
  reporter.runEnd(final);
  return { result: final, exitCode, sessions, services };

  function result(): RunResult {
    return {
      passed: exitCode === 0,
      scenario: scenario.name,
      runtime: options.runtime,
      lab: scenario.lab.name,
      startedAt,
      ms: Math.round(performance.now() - started),
      phases: [...phases],
      checks: [...checks],
      failures: checks.filter((c) => c.status === 'failed'),
      timeline: [...timeline],
      ...(bundle ? { bundle } : {}),
      warnings: [...warnings, ...(error instanceof Error ? [`lab error: ${error.message}`] : [])],
    };
  }
}

/**
 * `--dry-run`: walks the scenario without running a check. A runtime that can dry-run (kind)
 * prints its bring-up plan, the applies, every probe's exact command and the teardown; the
 * resolver gets the service IPs pelab's MetalLB model predicts, so the commands carry addresses.
 * Nothing is polled and no bundle is written.
 */
async function dryRunScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const out = options.out ?? process.stdout;
  const say = (line: string): void => void out.write(`${line}\n`);
  const provider = await providerOf(options.runtime);
  const rt = await provider.create(scenario.lab, { ...(options.instance ? { instance: options.instance } : {}), ...(provider.canDryRun ? { dryRun: true, out } : {}) });
  // Only a runtime that dry-runs itself may be called: one without a dry run would act for real.
  const live = rt.dryRun === true;
  const signal = options.signal ?? new AbortController().signal;
  const resolver = new LabResolver(scenario.lab);
  const applied = new Map<string, Manifest>();
  let described = 0;

  say(`# pelab run ${scenario.name} (dry run): lab ${scenario.lab.name}, runtime ${rt.kind}, instance ${rt.instance}`);
  say(`# scenario ${scenario.file}${scenario.description ? `: ${scenario.description}` : ''}`);
  if (!live) say(`# the ${rt.kind} runtime has no dry run: its bring-up, applies and probe commands are not shown`);

  const applyFiles = async (files: readonly string[], mode: 'apply' | 'delete'): Promise<void> => {
    const ms = files.flatMap((f) => [...(scenario.manifestsByFile.get(f) ?? [])]);
    say(`# ${mode} ${files.join(', ')}`);
    if (live) await (mode === 'apply' ? rt.apply(ms) : rt.delete(ms));
    else for (const m of ms) say(`#   ${mode} ${manifestKey(m)} from ${m.source.file}:${m.source.line}`);
    for (const m of ms) mode === 'apply' ? applied.set(manifestKey(m), m) : applied.delete(manifestKey(m));
    if (scenario.lab.cluster) {
      const desired = computeDesiredState([...applied.values()], scenario.lab.cluster);
      resolver.desired = desired;
      resolver.setServices(desired.services.map((s) => ({ namespace: s.namespace, name: s.name, externalIPs: s.ips })));
    }
  };

  const describeCheck = async (spec: CheckSpec, prefix: string): Promise<void> => {
    const v = validateCheck(spec);
    if (!v.ok) throw new InputErrors(v.issues.map((i) => new InputError(scenario.file, i.path, i.message)));
    const c = v.check;
    described++;
    say(`# ${prefix}${c.name === c.description ? c.description : `${c.name}: ${c.description}`}`);
    say(`#   ${c.kind.kind}, ${c.mode === 'eventually' ? `eventually within ${formatDuration(c.timeoutMs)}` : `consistently for ${formatDuration(c.durationMs)}`}, every ${formatDuration(c.intervalMs)}`);
    let plan: unknown;
    try {
      plan = c.kind.plan(c.params, resolver);
    } catch (e) {
      say(`#   resolved when it runs: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!live) {
      say(`#   resolved: ${brief(plan, 300)}`);
      return;
    }
    // The runtime prints the probe's exact command or API call; its empty answer is not evaluated.
    await c.kind.probe(plan, { runtime: rt, signal, budgetMs: c.attemptTimeoutMs }).catch(() => undefined);
  };

  if (live) await rt.up({ signal });
  if (scenario.manifests.length > 0) await applyFiles(scenario.manifests, 'apply');
  for (const step of scenario.steps) {
    signal.throwIfAborted();
    say(`# == step ${step.index + 1}: ${describeStep(step)}`);
    switch (step.kind) {
      case 'apply':
      case 'delete':
        await applyFiles(step.files, step.kind);
        break;
      case 'fault': {
        const fault = toFault(step.fault, resolver);
        say(`# fault ${JSON.stringify(fault)}`);
        if (live) await rt.fault(fault);
        break;
      }
      case 'wait':
        await describeCheck(step.check, 'wait until: ');
        break;
      case 'checks':
        for (const c of step.checks) await describeCheck(c, 'check: ');
        break;
    }
  }
  if (options.keep) say(`# the lab would be kept up (--keep)`);
  else if (live) await rt.down();
  say(`# dry run: nothing was built, applied or checked (${described} checks described)`);

  const result: RunResult = {
    passed: true,
    scenario: scenario.name,
    runtime: options.runtime,
    lab: scenario.lab.name,
    startedAt,
    ms: Math.round(performance.now() - started),
    phases: [],
    checks: [],
    failures: [],
    timeline: [],
    warnings: [],
  };
  return { result, exitCode: 0, sessions: [], services: [] };
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

export type { Target };
