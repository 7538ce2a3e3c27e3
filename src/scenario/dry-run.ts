// `--dry-run`: walks the scenario's steps without running a check. A runtime that can dry-run
// (kind) prints its bring-up plan, the applies, every probe's exact command and the teardown; the
// resolver gets the service IPs pelab's MetalLB model predicts, so the commands carry addresses.
// Nothing is polled and no bundle is written.
import { formatDuration } from '../units/duration.ts';
import { brief } from '../text/summary.ts';
import type { ValidatedCheck } from '../checks/run-check.ts';
import { computeDesiredState, mergeLabelChanges } from '../k8s/desired.ts';
import type { DesiredState, LabelChanges } from '../k8s/plan.ts';
import { manifestKey, type Manifest } from '../k8s/manifest.ts';
import { providerOf } from '../runtime/registry.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Scenario } from './load.ts';
import { LabResolver } from './resolver.ts';
import { RunRecord } from './record.ts';
import type { RunScenarioOptions, ScenarioOutcome } from './outcome.ts';
import { MANIFESTS_STEP, walkSteps, type StepHandlers } from './steps.ts';

export async function dryRunScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  const record = new RunRecord({ scenario: scenario.name, runtime: options.runtime, lab: scenario.lab.name });
  const out = options.out ?? process.stdout;
  const say = (line: string): void => void out.write(`${line}\n`);
  const provider = await providerOf(options.runtime);
  const rt = await provider.create(scenario.lab, {
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    ...(provider.canDryRun ? { dryRun: true, out } : {}),
  });
  // Only a runtime that dry-runs itself may be called: one without a dry run would act for real.
  const live = rt.dryRun === true;
  const signal = options.signal ?? new AbortController().signal;

  say(`# pelab run ${scenario.name} (dry run): lab ${scenario.lab.name}, runtime ${rt.kind}, instance ${rt.instance}`);
  say(`# scenario ${scenario.file}${scenario.description ? `: ${scenario.description}` : ''}`);
  if (!live) say(`# the ${rt.kind} runtime has no dry run: its bring-up, applies and probe commands are not shown`);

  const steps = new DrySteps(scenario, rt, live, say, signal);
  if (live) await rt.up({ signal });
  await walkSteps(scenario, steps.handlers, signal);
  if (options.keep) say(`# the lab would be kept up (--keep)`);
  else if (live) await rt.down();
  say(`# dry run: nothing was built, applied or checked (${steps.described} checks described)`);
  return { result: { ...record.result(0), phases: [], timeline: [] }, exitCode: 0, sessions: [], services: [] };
}

/** The step handlers of a dry run: say what would happen; a dry-running runtime prints its commands. */
class DrySteps {
  private readonly scenario: Scenario;
  private readonly rt: Runtime;
  private readonly live: boolean;
  private readonly say: (line: string) => void;
  private readonly signal: AbortSignal;
  private readonly resolver: LabResolver;
  /** Only for a runtime that cannot dry-run: the model's prediction stands in for its answer. */
  private readonly applied = new Map<string, Manifest>();
  private readonly labelChanges: Record<string, LabelChanges> = {};
  described = 0;
  readonly handlers: StepHandlers;

  constructor(scenario: Scenario, rt: Runtime, live: boolean, say: (line: string) => void, signal: AbortSignal) {
    this.scenario = scenario;
    this.rt = rt;
    this.live = live;
    this.say = say;
    this.signal = signal;
    this.resolver = new LabResolver(scenario.lab);
    const header = (index: number, label: string) => {
      if (index !== MANIFESTS_STEP) say(`# == step ${index + 1}: ${label}`);
    };
    this.handlers = {
      apply: async (step, label) => (header(step.index, label), this.change(step.files, 'apply')),
      delete: async (step, label) => (header(step.index, label), this.change(step.files, 'delete')),
      fault: async (step, label) => {
        header(step.index, label);
        say(`# fault ${JSON.stringify(step.fault)}`);
        if (live) await rt.fault(step.fault);
      },
      relabel: async (step, label) => {
        header(step.index, label);
        say(`# relabel node ${step.node}: ${JSON.stringify(step.labels)}`);
        this.labelChanges[step.node] = mergeLabelChanges(this.labelChanges[step.node], step.labels);
        if (live) this.follow((await rt.relabelNode(step.node, step.labels)).desired);
        else this.follow(this.predicted());
      },
      wait: async (step, label) => (header(step.index, label), this.describe(step.check, 'wait until: ')),
      checks: async (step, label) => {
        header(step.index, label);
        // As the run orders them (check-order.ts): absence checks after the step's other checks.
        const waits = step.checks.some((c) => !c.negative);
        for (const c of step.checks) await this.describe(c, 'check: ', waits && c.negative);
      },
    };
  }

  private async change(files: readonly string[], mode: 'apply' | 'delete'): Promise<void> {
    const manifests = files.flatMap((f) => [...(this.scenario.manifestsByFile.get(f) ?? [])]);
    this.say(`# ${mode} ${files.join(', ')}`);
    if (this.live) {
      this.follow((await (mode === 'apply' ? this.rt.apply(manifests) : this.rt.delete(manifests))).desired);
      return;
    }
    for (const m of manifests) this.say(`#   ${mode} ${manifestKey(m)} from ${m.source.file}:${m.source.line}`);
    for (const m of manifests) mode === 'apply' ? this.applied.set(manifestKey(m), m) : this.applied.delete(manifestKey(m));
    this.follow(this.predicted());
  }

  /** The model's plan for what the scenario applied so far, for a runtime that cannot dry-run. */
  private predicted(): DesiredState | undefined {
    if (!this.scenario.lab.cluster) return undefined;
    return computeDesiredState([...this.applied.values()], this.scenario.lab.cluster, { labelChanges: this.labelChanges });
  }

  private follow(desired: DesiredState | undefined): void {
    if (!desired) return;
    this.resolver.desired = desired;
    this.resolver.setServices(desired.services.map((s) => ({ namespace: s.namespace, name: s.name, externalIPs: s.ips })));
  }

  private async describe(c: ValidatedCheck, prefix: string, afterOthers = false): Promise<void> {
    this.described++;
    this.say(`# ${prefix}${c.name === c.description ? c.description : `${c.name}: ${c.description}`}`);
    const timing = c.mode === 'eventually' ? `eventually within ${formatDuration(c.timeoutMs)}` : `consistently for ${formatDuration(c.durationMs)}`;
    this.say(`#   ${c.kind.kind}, ${timing}, every ${formatDuration(c.intervalMs)}${afterOthers ? ", started once the step's other checks hold" : ''}`);
    let plan: unknown;
    try {
      plan = c.kind.plan(c.params, this.resolver);
    } catch (e) {
      this.say(`#   resolved when it runs: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!this.live) {
      this.say(`#   resolved: ${brief(plan, 300)}`);
      return;
    }
    // The runtime prints the probe's exact command or API call; its empty answer is not evaluated.
    await c.kind.probe(plan, { runtime: this.rt, signal: this.signal, budgetMs: c.attemptTimeoutMs }).catch(() => undefined);
  }
}
