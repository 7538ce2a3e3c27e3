// One measured run of each kind. Every run tears its lab down in `finally`, whatever happened.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Manifest } from '../src/k8s/manifest.ts';
import { computeDesiredState } from '../src/k8s/desired.ts';
import type { Lab } from '../src/lab/model.ts';
import { createConsoleReporter } from '../src/report/console.ts';
import { planFabric } from '../src/runtime/netns/plan.ts';
import { NetnsRuntime } from '../src/runtime/netns/runtime.ts';
import { teardownInstance } from '../src/runtime/netns/teardown.ts';
import type { Scenario } from '../src/scenario/load.ts';
import { runScenario } from '../src/scenario/run.ts';
import type { RunResult } from '../src/report/result.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { baselineUp } from './baseline.ts';
import { cpuSince, cpuSnapshot, type CpuSpent } from './cpu.ts';
import type { MemResult } from './mem-sampler.ts';
import type { ProbeWorker } from './probe-worker.ts';
import { clusterProbes, fabricProbes, type EstablishedResult, type RouterProbe } from './probes.ts';
import type { MemorySampler } from './sampler.ts';
import { CommandTrace, type CommandStats } from './trace.ts';
import type { QueryMode } from './vty.ts';

export interface BenchContext {
  /** Polls sessions, routes and curl from a worker thread (see probe-worker.ts). */
  readonly probes: ProbeWorker;
  readonly sampler: MemorySampler;
  readonly pollMs: number;
  readonly sampleMs: number;
  readonly timeoutMs: number;
  /** Instances that may exist right now (torn down on Ctrl-C). */
  readonly active: Set<string>;
  readonly log: (line: string) => void;
}

/** The EVPN demo's objects the bring-up section follows. */
const DEMO = { service: { namespace: 'red', name: 'nginx-service-red' }, host: 'hostA_red', leaf: 'leafA', bodyContains: 'Welcome to nginx!' } as const;

async function withLab<T>(ctx: BenchContext, instances: readonly string[], fn: () => Promise<T>): Promise<T> {
  // Leftovers of a killed earlier run are removed before the clock starts.
  for (const i of instances) await teardownInstance(i);
  for (const i of instances) ctx.active.add(i);
  try {
    return await fn();
  } finally {
    for (const i of instances) {
      await teardownInstance(i).catch((e: unknown) => ctx.log(`warning: teardown of ${i} failed: ${String(e)}`));
      ctx.active.delete(i);
    }
  }
}

const MiB = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

/** A main-thread performance.now() as the absolute timestamp the probe worker takes. */
const abs = (t: number): number => performance.timeOrigin + t;

/**
 * up() returns once the HTTP endpoints are spawned, not once they have started: keep sampling
 * memory until at least this long after up so that the peak includes them.
 */
const MEMORY_SETTLE_MS = 3000;

async function settle(upEnd: number): Promise<void> {
  const left = upEnd + MEMORY_SETTLE_MS - performance.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}

export interface MemSummary {
  readonly peakPssMiB: number;
  readonly peakRssMiB: number;
  readonly processes: number;
  readonly byKindPssMiB: Record<string, number>;
  readonly labCpuSeconds: Record<string, number>;
  readonly samples: number;
}

function memSummary(m: MemResult): MemSummary {
  return {
    peakPssMiB: MiB(m.peak.pssKiB),
    peakRssMiB: MiB(m.peakRssKiB),
    processes: m.peak.processes,
    byKindPssMiB: Object.fromEntries(Object.entries(m.peak.byKind).map(([k, v]) => [k, MiB(v.pssKiB)])),
    labCpuSeconds: Object.fromEntries(Object.entries(m.cpu.byKind).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    samples: m.samples,
  };
}

interface FabricRun {
  readonly instance: string;
  readonly upMs: number;
  readonly establishedMs: number;
  readonly established: Omit<EstablishedResult, 'ms'>;
  readonly phases: Record<string, number>;
  readonly cpu?: CpuSpent;
  /** Commands run during up, by kind (durations overlap). */
  readonly commands: CommandStats;
  readonly memory: MemSummary;
  readonly teardownMs: number;
}

/** `pelab up` of a lab, then the time to all fabric sessions Established (polled after up returns). */
export async function pelabFabricRun(ctx: BenchContext, lab: Lab, instance: string, options: { concurrency?: number; mode?: QueryMode; pollMs?: number } = {}): Promise<FabricRun> {
  return withLab(ctx, [instance], async () => {
    const rt = new NetnsRuntime(lab, { instance, ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
    await ctx.sampler.start([instance], ctx.sampleMs);
    const phases: Record<string, number> = {};
    const trace = new CommandTrace();
    trace.start();
    const cpu0 = cpuSnapshot();
    const t0 = performance.now();
    let commands: CommandStats = {};
    try {
      await rt.up({ onPhase: (n, ms) => (phases[n] = ms) });
    } finally {
      commands = trace.stop();
    }
    const upEnd = performance.now();
    const upMs = Math.round(upEnd - t0);
    const cpu = cpuSince(cpu0);
    const { ms, ...established } = await ctx.probes.established(fabricProbes(lab, rt.plan), { t0: abs(t0), intervalMs: options.pollMs ?? ctx.pollMs, timeoutMs: ctx.timeoutMs, ...(options.mode ? { mode: options.mode } : {}) }).done;
    await settle(upEnd);
    const memory = memSummary(await ctx.sampler.stop());
    const td = performance.now();
    await rt.down();
    return { instance, upMs, establishedMs: ms, established, phases, cpu, commands, memory, teardownMs: Math.round(performance.now() - td) };
  });
}

interface FullRun {
  readonly instance: string;
  readonly upMs: number;
  readonly applyMs: number;
  /** From the start of up to every session (fabric, PE routers, speakers) Established. */
  readonly establishedMs: number;
  readonly established: Omit<EstablishedResult, 'ms'>;
  /** From the start of apply. */
  readonly type5Ms: number;
  readonly curlMs: number;
  readonly serviceIP: string;
  readonly phases: Record<string, number>;
  readonly commands: { readonly up: CommandStats; readonly apply: CommandStats };
  readonly memory: MemSummary;
  readonly teardownMs: number;
}

/** `pelab up`, at once `apply` of the EVPN demo manifests, then sessions, type-5 and curl. */
export async function pelabFullRun(ctx: BenchContext, lab: Lab, instance: string, manifests: readonly Manifest[], options: { pollMs?: number } = {}): Promise<FullRun> {
  if (!lab.cluster) throw new Error(`lab ${lab.name} has no cluster`);
  const desired = computeDesiredState(manifests, lab.cluster);
  const service = desired.services.find((s) => s.namespace === DEMO.service.namespace && s.name === DEMO.service.name);
  const ip = service?.ips[0];
  if (!ip) throw new Error(`the manifests give ${DEMO.service.namespace}/${DEMO.service.name} no address`);
  return withLab(ctx, [instance], async () => {
    const rt = new NetnsRuntime(lab, { instance });
    const probes: RouterProbe[] = [...fabricProbes(lab, rt.plan), ...clusterProbes(rt.plan, desired)];
    const leaf = rt.plan.routers.find((r) => r.name === DEMO.leaf)!;
    const hostNs = rt.plan.hosts.find((h) => h.name === DEMO.host)!.ns;
    await ctx.sampler.start([instance], ctx.sampleMs);
    const phases: Record<string, number> = {};
    const trace = new CommandTrace();
    trace.start();
    const t0 = performance.now();
    try {
      await rt.up({ onPhase: (n, ms) => (phases[n] = ms) });
    } catch (e) {
      trace.stop();
      throw e;
    }
    const upCommands = trace.cut();
    const upMs = Math.round(performance.now() - t0);
    const applyStart = performance.now();
    const poll = { intervalMs: options.pollMs ?? ctx.pollMs, timeoutMs: ctx.timeoutMs };
    const established = ctx.probes.established(probes, { t0: abs(t0), ...poll });
    const reach = ctx.probes.routeThenCurl(
      { pathspace: leaf.instance, prefix: `${ip}/32`, ns: hostNs, url: `http://${ip}:80/`, bodyContains: DEMO.bodyContains },
      { t0: abs(applyStart), ...poll },
    );
    try {
      let applyCommands: CommandStats = {};
      let applied: Awaited<ReturnType<NetnsRuntime['apply']>>;
      try {
        applied = await rt.apply(manifests);
      } finally {
        applyCommands = trace.stop();
      }
      const applyMs = Math.round(performance.now() - applyStart);
      const got = applied.serviceIPs[`${DEMO.service.namespace}/${DEMO.service.name}`]?.[0];
      if (got !== ip) throw new Error(`the runtime gave ${DEMO.service.name} ${got}, the plan ${ip}`);
      const [e, r] = await Promise.all([
        established.done,
        reach.done.catch((err: unknown) => {
          // Keep what the data plane looked like: a FAILED neighbor entry for a VTEP in the leaf's
          // VRF is the sign of FRR 8.4's ECMP bug (see the netns facts notes).
          throw new Error(`${err instanceof Error ? err.message : String(err)}; ${diagnoseRoute(leaf.vrfs.find((v) => v.name === 'red')?.ns, ip)}`);
        }),
      ]);
      const memory = memSummary(await ctx.sampler.stop());
      const td = performance.now();
      await rt.down();
      const { ms, ...rest } = e;
      return {
        instance, upMs, applyMs, establishedMs: ms, established: rest, type5Ms: r.routeMs, curlMs: r.curlMs, serviceIP: ip, phases,
        commands: { up: upCommands, apply: applyCommands }, memory,
        teardownMs: Math.round(performance.now() - td),
      };
    } finally {
      established.cancel();
      reach.cancel();
      await Promise.allSettled([established.done, reach.done]);
    }
  });
}

function diagnoseRoute(vrfNs: string | undefined, ip: string): string {
  if (!vrfNs) return '';
  const ipOut = (args: string[]): string => {
    try {
      return execFileSync('ip', ['-n', vrfNs, ...args], { encoding: 'utf8', timeout: 5000 }).trim().replace(/\n/g, ' | ');
    } catch (e) {
      return `(${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
    }
  };
  return `${DEMO.leaf} red VRF: route ${ipOut(['route', 'show', `${ip}/32`])}; neighbors ${ipOut(['neigh', 'show'])}`;
}

interface BaselineRun {
  readonly instance: string;
  readonly sameEndState: boolean;
  readonly upMs: number;
  readonly establishedMs: number;
  readonly established: Omit<EstablishedResult, 'ms'>;
  readonly phases: Record<string, number>;
  readonly cpu: CpuSpent;
  readonly extraConfig: readonly string[];
  readonly configLoad: 'commands' | 'file';
  readonly memory: MemSummary;
  readonly teardownMs: number;
}

export async function baselineRun(
  ctx: BenchContext,
  lab: Lab,
  instance: string,
  sameEndState: boolean,
  variant: { extraConfig?: readonly string[]; configLoad?: 'commands' | 'file'; concurrency?: number } = {},
): Promise<BaselineRun> {
  const extraConfig = variant.extraConfig ?? [];
  return withLab(ctx, [instance], async () => {
    const plan = planFabric(lab, instance);
    await ctx.sampler.start([instance], ctx.sampleMs);
    const cpu0 = cpuSnapshot();
    const t0 = performance.now();
    const phases = await baselineUp(lab, plan, { sameEndState, extraConfig, configLoad: variant.configLoad ?? 'commands', ...(variant.concurrency !== undefined ? { concurrency: variant.concurrency } : {}) });
    const upEnd = performance.now();
    const upMs = Math.round(upEnd - t0);
    const cpu = cpuSince(cpu0);
    const { ms, ...established } = await ctx.probes.established(fabricProbes(lab, plan), { t0: abs(t0), intervalMs: ctx.pollMs, timeoutMs: ctx.timeoutMs }).done;
    await settle(upEnd);
    const memory = memSummary(await ctx.sampler.stop());
    const td = performance.now();
    await teardownInstance(instance);
    return { instance, sameEndState, upMs, establishedMs: ms, established, phases, cpu, extraConfig, configLoad: variant.configLoad ?? 'commands', memory, teardownMs: Math.round(performance.now() - td) };
  });
}

export interface ScenarioRun {
  readonly instance: string;
  readonly wallMs: number;
  readonly resultMs: number;
  readonly exitCode: number;
  readonly failed: readonly string[];
  readonly phases: Record<string, number>;
  /** Wall time not spent in up, apply, down: the checks (and their polling). */
  readonly checksMs: number;
  /** Each check: how long it took to hold and how many attempts (groups of a step run at once). */
  readonly checks: readonly { readonly step: number; readonly name: string; readonly kind: string; readonly status: string; readonly ms: number; readonly attempts: number }[];
  /** Per step: the longest check, i.e. roughly the step's wall time. */
  readonly stepMs: Record<string, number>;
  readonly cpu: CpuSpent & { readonly childCommands: number; readonly labChildren: number };
  readonly memory: MemSummary;
  /** The run's own timeline (as in its JSON report): where a slow run spent its time. */
  /** The processes pelab started, by kind, with their summed durations. */
  readonly commands: CommandStats;
  readonly timeline: RunResult['timeline'];
}

const silent = { write: () => true };

export async function scenarioRun(ctx: BenchContext, scenario: Scenario, instance: string, bundleDir: string): Promise<ScenarioRun> {
  return withLab(ctx, [instance], async () => {
    await ctx.sampler.start([instance], ctx.sampleMs);
    const reporter = createConsoleReporter({ stream: silent, live: false, color: false });
    const trace = new CommandTrace();
    trace.start();
    const cpu0 = cpuSnapshot();
    const t0 = performance.now();
    let commands: CommandStats = {};
    let outcome: Awaited<ReturnType<typeof runScenario>>;
    try {
      outcome = await runScenario(scenario, { runtime: 'netns', instance, reporter, bundleDir: join(bundleDir, instance) });
    } finally {
      commands = trace.stop();
    }
    const wallMs = Math.round(performance.now() - t0);
    const cpu = cpuSince(cpu0);
    reporter.close();
    const mem = await ctx.sampler.stop();
    const phases = Object.fromEntries(outcome.result.phases.map((p) => [p.name, p.ms]));
    const known = ['up', 'apply manifests', 'down'].reduce((n, k) => n + (phases[k] ?? 0), 0);
    // The namespace holders and HTTP endpoints are this process's children: their CPU lands in
    // cutime/cstime when teardown reaps them. They are lab processes, not pelab's commands.
    const labChildren = mem.cpu.directChildren;
    return {
      instance,
      wallMs,
      resultMs: outcome.result.ms,
      exitCode: outcome.exitCode,
      failed: outcome.result.failures.map((f) => f.name),
      phases,
      checksMs: Math.max(0, outcome.result.ms - known),
      checks: outcome.result.checks.map((c) => ({ step: c.step, name: c.name, kind: c.kind, status: c.status, ms: c.ms, attempts: c.attempts })),
      stepMs: outcome.result.checks.reduce<Record<string, number>>((m, c) => ({ ...m, [String(c.step)]: Math.max(m[String(c.step)] ?? 0, c.ms) }), {}),
      cpu: { ...cpu, labChildren, childCommands: Math.max(0, cpu.children - labChildren) },
      commands,
      memory: memSummary(mem),
      timeline: outcome.result.timeline,
    };
  });
}

interface ParallelRun {
  readonly labs: number;
  readonly upAllMs: number;
  readonly establishedMs: number;
  readonly established: Omit<EstablishedResult, 'ms'>;
  readonly memory: MemSummary;
  readonly teardownMs: number;
}

/**
 * A second lab brought up and left running while `fn` measures: the comparison of pelab with the
 * baseline should not change when another lab shares the machine.
 */
export async function besideAnotherLab<T>(ctx: BenchContext, lab: Lab, fn: () => Promise<T>): Promise<T> {
  return withLab(ctx, ['bench-side'], async () => {
    await new NetnsRuntime(lab, { instance: 'bench-side' }).up();
    return fn();
  });
}

/** `pelab up` as a user runs it, in its own process; resolves when it exits 0. */
function pelabUpProcess(labFile: string, instance: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'up', '--lab', labFile, '--name', instance], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`pelab up --name ${instance} exited ${code}: ${err.trim().slice(-500)}`))));
  });
}

/**
 * N instances of one lab brought up at once, each by its own `pelab up` process as N users or CI
 * jobs would (in one process, the N runtimes' process spawns would queue on one main thread);
 * done when every session of every lab is Established.
 */
export async function parallelRun(ctx: BenchContext, lab: Lab, n: number): Promise<ParallelRun> {
  const instances = Array.from({ length: n }, (_, i) => `bench-par${i + 1}`);
  return withLab(ctx, instances, async () => {
    const rts = instances.map((instance) => new NetnsRuntime(lab, { instance }));
    const probes = rts.flatMap((rt) => fabricProbes(lab, rt.plan));
    await ctx.sampler.start(instances, ctx.sampleMs);
    const t0 = performance.now();
    await Promise.all(instances.map((instance) => pelabUpProcess(lab.source, instance)));
    const upEnd = performance.now();
    const upAllMs = Math.round(upEnd - t0);
    const { ms, ...established } = await ctx.probes.established(probes, { t0: abs(t0), intervalMs: ctx.pollMs, timeoutMs: ctx.timeoutMs }).done;
    await settle(upEnd);
    const memory = memSummary(await ctx.sampler.stop());
    const td = performance.now();
    await Promise.all(instances.map((instance) => teardownInstance(instance)));
    return { labs: n, upAllMs, establishedMs: ms, established, memory, teardownMs: Math.round(performance.now() - td) };
  });
}
