// pelab's benchmark on the netns runtime (issue 7): bring-up, convergence, the full scenario,
// teardown, memory and CPU, against a baseline of the same commands run directly, and scale.
//
//   node bench/run.ts [--runs N] [--tail-runs N] [--json FILE] [--quick] [--only a,b]
//                     [--poll-ms MS] [--sizes 2,4,8,16,32] [--parallel 1,2,4]
//
// Sections: bringup (incl. teardown, memory, CPU), baseline (also with a second lab up beside
// it), scenario (on the system FRR and, where it runs, on FRR 10), tail (the scenario N times in
// a row), scale; `tuning` runs only when named in --only. Needs root and FRR, like the netns
// runtime. Instances are named bench-*.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLab, parseLab } from '../src/lab/load.ts';
import type { Manifest } from '../src/k8s/manifest.ts';
import { leftoverInstances, teardownInstance } from '../src/runtime/netns/teardown.ts';
import { DEFAULT_CONCURRENCY } from '../src/runtime/netns/runtime.ts';
import { preflight } from '../src/runtime/netns/preflight.ts';
import { frrBuildForNewLab } from '../src/runtime/netns/frr-build.ts';
import { loadScenario, type Scenario } from '../src/scenario/load.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { generateLeafSpineYaml } from './generate-lab.ts';
import { formatMachine, machineInfo } from './machine.ts';
import { MemorySampler } from './sampler.ts';
import { baselineRun, besideAnotherLab, pelabFabricRun, pelabFullRun, parallelRun, scenarioRun, type BenchContext, type ScenarioRun } from './sections.ts';
import { formatSideBySide, formatTable, median, slope, summarize, type Cell, type Metric, type Target } from './stats.ts';
import { ProbeWorker } from './probe-worker.ts';

export const SCHEMA = 'pelab-bench';
export const SCHEMA_VERSION = 1;
const SECTIONS = ['bringup', 'baseline', 'scenario', 'tail', 'scale', 'tuning'] as const;
type Section = (typeof SECTIONS)[number];
const DEFAULT_SECTIONS: readonly Section[] = ['bringup', 'baseline', 'scenario', 'tail', 'scale'];

// Issue 17's targets.
const TARGET_BRINGUP: Target = { op: '<=', value: 10 };
const TARGET_UP: Target = { op: '<=', value: 3.5 };
const TARGET_SCENARIO: Target = { op: '<=', value: 8 };
const TARGET_TAIL_MAX: Target = { op: '<=', value: 10 };
const TARGET_NONE: Target = { op: '<=', value: 0 };
const TARGET_OVER_HOLD: Target = { op: '<=', value: 1 };
const TARGET_RATIO: Target = { op: '<=', value: 1.05 };
const TARGET_FOUR_LABS: Target = { op: '<=', value: 12 };
const TARGET_TEARDOWN: Target = { op: '<=', value: 3 };
const CONCURRENCY = [1, 2, 4, 8] as const;

function numbers(text: string, what: string): number[] {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`${what}: expected positive integers separated by commas (got "${text}")`);
  return xs;
}

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      'tail-runs': { type: 'string' },
      json: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'poll-ms': { type: 'string' },
      'sample-ms': { type: 'string' },
      sizes: { type: 'string' },
      parallel: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: node bench/run.ts [--runs N] [--tail-runs N] [--json FILE] [--quick] [--only bringup,baseline,scenario,tail,scale,tuning] [--poll-ms 25] [--sample-ms 500] [--sizes 2,4,8,16,32] [--parallel 1,2,4]\n');
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const runs = values.runs !== undefined ? numbers(values.runs, '--runs')[0]! : quick ? 1 : 3;
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...DEFAULT_SECTIONS];
  for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section "${s}" (sections: ${SECTIONS.join(', ')})`);
  return {
    runs,
    tailRuns: values['tail-runs'] !== undefined ? numbers(values['tail-runs'], '--tail-runs')[0]! : quick ? 3 : 20,
    quick,
    json: values.json,
    sections: new Set(only as Section[]),
    pollMs: values['poll-ms'] ? numbers(values['poll-ms'], '--poll-ms')[0]! : 25,
    sampleMs: values['sample-ms'] ? numbers(values['sample-ms'], '--sample-ms')[0]! : 500,
    sizes: values.sizes ? numbers(values.sizes, '--sizes') : quick ? [2, 4] : [2, 4, 8, 16, 32],
    parallel: values.parallel ? numbers(values.parallel, '--parallel') : quick ? [1, 2] : [1, 2, 4],
  };
}

class Metrics {
  readonly list: Metric[] = [];
  private readonly byId = new Map<string, Metric>();

  define(id: string, section: string, label: string, unit: Metric['unit'], extra: { target?: Target; note?: string } = {}): Metric {
    let m = this.byId.get(id);
    if (!m) {
      m = { id, section, label, unit, samples: [], failures: [], ...extra };
      this.byId.set(id, m);
      this.list.push(m);
    }
    return m;
  }

  add(id: string, value: number): void {
    const m = this.byId.get(id);
    if (!m) throw new Error(`metric ${id} is not defined`);
    m.samples.push(Math.round(value * 1000) / 1000);
  }

  fail(ids: readonly string[], why: string): void {
    for (const id of ids) this.byId.get(id)?.failures.push(why);
  }
}

const s = (ms: number): number => ms / 1000;

/** The longest `for:` hold among a scenario's checks (s): the floor of its checks phase. */
function longestHoldS(scenario: Scenario): number {
  const holds = scenario.steps.flatMap((st) => (st.kind === 'checks' ? st.checks : st.kind === 'wait' ? [st.check] : [])).filter((c) => c.mode === 'consistently').map((c) => c.durationMs);
  return Math.max(0, ...holds) / 1000;
}

/**
 * Why FRR 10 cannot run here (the netns runtime's own preflight and build selection with
 * PELAB_FRR=10: e.g. the private root is not built), or undefined when it can: the FRR 10 column
 * is skipped with that reason instead of being left out silently.
 */
async function frr10Availability(): Promise<{ readonly version: string } | { readonly skip: string }> {
  return withFrr10(async () => {
    try {
      await preflight();
      return { version: frrBuildForNewLab().version };
    } catch (e) {
      return { skip: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
    }
  });
}

/** Runs `fn` with PELAB_FRR=10, as `PELAB_FRR=10 pelab run` would, and restores the environment. */
async function withFrr10<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.PELAB_FRR;
  process.env.PELAB_FRR = '10';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.PELAB_FRR;
    else process.env.PELAB_FRR = before;
  }
}

async function main(): Promise<number> {
  const o = options();
  await preflight();
  const machine = await machineInfo();
  const started = new Date();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const metrics = new Metrics();
  const details: Record<string, unknown[]> = {};
  // The 1-minute load average when the run started: the machine may be shared with other work.
  let loadAtStart = 0;
  const record = (key: string, value: object): void => void (details[key] ??= []).push({ loadAverage1m: loadAtStart, ...value });
  const errors: string[] = [];

  const probes = new ProbeWorker();
  const sampler = new MemorySampler();
  const active = new Set<string>();
  const ctx: BenchContext = { probes, sampler, pollMs: o.pollMs, sampleMs: o.sampleMs, timeoutMs: 60_000, active, log };

  let interrupted = false;
  const onSignal = (sig: string): void => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: removing the benchmark's labs (${[...active].join(', ') || 'none'}) ...`);
    void (async () => {
      for (const i of active) await teardownInstance(i).catch(() => undefined);
      sampler.kill();
      process.exit(130);
    })();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  // A killed earlier benchmark may have left instances behind.
  for (const i of (await leftoverInstances()).filter((x) => x.startsWith('bench-'))) {
    log(`removing leftover benchmark instance ${i}`);
    await teardownInstance(i);
  }

  const attempt = async <T>(what: string, ids: readonly string[], fn: () => Promise<T>): Promise<T | undefined> => {
    const t = performance.now();
    loadAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
    try {
      const r = await fn();
      log(`  ${what}: ok (${((performance.now() - t) / 1000).toFixed(1)} s, load ${loadAtStart})`);
      return r;
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n').slice(0, 3).join(' | ') : String(e);
      log(`  ${what}: FAILED: ${msg}`);
      errors.push(`${what}: ${msg}`);
      metrics.fail(ids, msg);
      return undefined;
    }
  };

  const singlecluster = await loadLab(resolve(REPO_ROOT, 'labs/singlecluster.yaml'));
  const scenario = await loadScenario(resolve(REPO_ROOT, 'scenarios/metallb-evpn.yaml'));
  const manifests: Manifest[] = scenario.manifests.flatMap((f) => [...(scenario.manifestsByFile.get(f) ?? [])]);

  // Defined up front so the table keeps this order.
  const want = (sec: Section): boolean => o.sections.has(sec);
  const frr10 = want('scenario') ? await frr10Availability() : undefined;
  const frr10Skip = frr10 && 'skip' in frr10 ? frr10.skip : undefined;
  if (frr10Skip) log(`FRR 10 column skipped: ${frr10Skip}`);
  if (want('bringup')) {
    metrics.define('bringup.up_s', 'bring-up (singlecluster)', 'pelab up returns', 's', { target: TARGET_UP, note: 'NetnsRuntime.up(): namespaces, links, FRR of every router and node, endpoints' });
    metrics.define('bringup.fabric_established_s', 'bring-up (singlecluster)', 'up → all fabric sessions Established', 's', { target: TARGET_BRINGUP });
    metrics.define('bringup.full_established_s', 'bring-up (singlecluster)', 'up + apply → all sessions Established', 's', { target: TARGET_BRINGUP, note: 'fabric, PE routers (underlay + VRF host sessions) and speakers; apply issued as soon as up returns' });
    metrics.define('bringup.apply_s', 'after apply (EVPN demo manifests)', 'apply returns', 's');
    metrics.define('bringup.type5_s', 'after apply (EVPN demo manifests)', 'apply → red service type-5 on leafA', 's');
    metrics.define('bringup.curl_s', 'after apply (EVPN demo manifests)', 'apply → first curl hostA_red → red service', 's');
    metrics.define('teardown.fabric_s', 'teardown', 'down after up', 's', { target: TARGET_TEARDOWN });
    metrics.define('teardown.full_s', 'teardown', 'down after up + apply', 's', { target: TARGET_TEARDOWN });
    metrics.define('memory.full_pss_mib', 'memory (peak, singlecluster + demo manifests)', 'PSS, all lab processes', 'MiB', { note: 'sum of Pss from /proc/<pid>/smaps_rollup over FRR daemons, namespace holders, the HTTP endpoint server and nginx in pods, sampled every --sample-ms' });
    metrics.define('memory.full_frr_pss_mib', 'memory (peak, singlecluster + demo manifests)', 'PSS, FRR daemons only', 'MiB');
    metrics.define('memory.full_endpoint_pss_mib', 'memory (peak, singlecluster + demo manifests)', 'PSS, HTTP endpoints only', 'MiB', { note: 'the one Python process answering for every host, node and agnhost/generic pod (endpoint-server.py)' });
    metrics.define('memory.full_nginx_pss_mib', 'memory (peak, singlecluster + demo manifests)', 'PSS, pods\' nginx only', 'MiB', { note: 'real nginx, master + worker per nginx pod' });
    metrics.define('memory.full_holder_pss_mib', 'memory (peak, singlecluster + demo manifests)', 'PSS, namespace holders only', 'MiB');
    metrics.define('memory.full_rss_mib', 'memory (peak, singlecluster + demo manifests)', 'RSS, all lab processes', 'MiB');
    metrics.define('cpu.up_self_s', 'pelab CPU time', 'up: pelab process (user+sys)', 's', { note: 'process.cpuUsage() of the benchmark process over NetnsRuntime.up() (no polling runs during it)' });
    metrics.define('cpu.up_children_s', 'pelab CPU time', 'up: commands it ran (ip, nsenter, vtysh, ...)', 's', { note: 'cutime+cstime of children reaped during up(): ip, nsenter, mount, sysctl, hostname, vtysh, and each FRR daemon up to the moment it daemonizes (its own start-up work); the holders and HTTP endpoints are still running and not included' });
  }
  if (want('baseline')) {
    // pelab's side of the comparison, when the bringup section does not define them first.
    metrics.define('bringup.fabric_established_s', 'bring-up (singlecluster)', 'up → all fabric sessions Established', 's', { target: TARGET_BRINGUP });
    metrics.define('cpu.up_self_s', 'pelab CPU time', 'up: pelab process (user+sys)', 's');
    metrics.define('cpu.up_children_s', 'pelab CPU time', 'up: commands it ran (ip, nsenter, vtysh, ...)', 's');
    metrics.define('baseline.fabric_established_s', 'baseline: same fabric, direct commands', 'baseline → all fabric sessions Established', 's', { note: `FabricPlan batches + fabric routers only, plain child processes, ${DEFAULT_CONCURRENCY} at a time as up` });
    metrics.define('baseline.sequential_fabric_established_s', 'baseline: same fabric, direct commands', 'the same, one command at a time (reference)', 's', { note: 'concurrency 1: what running the steps in parallel gains' });
    metrics.define('baseline.ratio', 'baseline: same fabric, direct commands', 'pelab ÷ baseline (fabric Established)', 'x', { note: 'per run: pelab fabric_established / baseline fabric_established (runs interleaved); pelab also starts the nodes\' FRR and endpoints, which this baseline does not, so the target is on the same-end-state ratio' });
    metrics.define('baseline.same_end_state_s', 'baseline: same fabric, direct commands', 'baseline + node FRR + endpoints → Established', 's', { note: 'also starts what up starts beyond the fabric: PE and speaker FRR of each node, HTTP endpoints' });
    metrics.define('baseline.same_end_state_ratio', 'baseline: same fabric, direct commands', 'pelab ÷ baseline with the same end state', 'x', { target: TARGET_RATIO });
    metrics.define('baseline.side_fabric_established_s', 'baseline: same fabric, direct commands', 'baseline (same end state) → Established, a second lab up beside it', 's', { note: 'another singlecluster lab (bench-side) is up and idle during the run' });
    metrics.define('bringup.side_fabric_established_s', 'baseline: same fabric, direct commands', 'pelab up → Established, a second lab up beside it', 's');
    metrics.define('baseline.side_ratio', 'baseline: same fabric, direct commands', 'pelab ÷ baseline, a second lab up beside it', 'x', { target: TARGET_RATIO, note: 'per run, both measured while bench-side is up, each right after another lab\'s teardown (an unmeasured warm-up lab first)' });
    metrics.define('cpu.baseline_self_s', 'pelab CPU time', 'baseline (same end state): its process', 's', { note: 'process.cpuUsage() over the baseline sequence, for comparison with cpu.up_self_s' });
    metrics.define('cpu.baseline_children_s', 'pelab CPU time', 'baseline (same end state): its commands', 's', { note: 'cutime+cstime over the baseline sequence, for comparison with cpu.up_children_s' });
  }
  if (want('scenario')) {
    metrics.define('scenario.total_s', 'scenario metallb-evpn (runScenario)', 'up, apply, all checks, down', 's', { target: TARGET_SCENARIO });
    metrics.define('scenario.up_s', 'scenario metallb-evpn (runScenario)', 'phase up', 's');
    metrics.define('scenario.apply_s', 'scenario metallb-evpn (runScenario)', 'phase apply manifests', 's');
    metrics.define('scenario.checks_s', 'scenario metallb-evpn (runScenario)', `checks (longest hold ${longestHoldS(scenario)} s)`, 's');
    metrics.define('scenario.checks_over_hold_s', 'scenario metallb-evpn (runScenario)', 'checks − longest for: hold', 's', { target: TARGET_OVER_HOLD, note: 'the checks phase minus the longest consistently hold it contains' });
    metrics.define('scenario.down_s', 'scenario metallb-evpn (runScenario)', 'phase down', 's', { target: TARGET_TEARDOWN });
    metrics.define('scenario.pss_mib', 'scenario metallb-evpn (runScenario)', 'peak PSS of the lab', 'MiB');
    metrics.define('cpu.scenario_self_s', 'pelab CPU time', 'scenario: pelab process (user+sys)', 's', { note: 'process.cpuUsage() over runScenario: up, apply, every check, down' });
    metrics.define('cpu.scenario_processes', 'pelab CPU time', 'scenario: processes it started', 'count', { note: 'every command run through src/proc/run.ts (run and runStream), by kind in runs.scenario[].commands' });
    metrics.define('cpu.scenario_commands_s', 'pelab CPU time', 'scenario: commands it ran (ip, vtysh, curl, ...)', 's', { note: 'cutime+cstime over runScenario minus the CPU of the holders and HTTP endpoints, which are reaped children too' });
    metrics.define('cpu.scenario_lab_s', 'pelab CPU time', 'scenario: the lab itself (FRR, endpoints)', 's', { note: 'not pelab: utime+stime of the lab processes as last sampled' });
  }
  if (want('scenario') && !frr10Skip) {
    const sec10 = 'scenario metallb-evpn on FRR 10 (PELAB_FRR=10)';
    metrics.define('scenario10.total_s', sec10, 'up, apply, all checks, down', 's', { target: TARGET_SCENARIO });
    metrics.define('scenario10.up_s', sec10, 'phase up', 's');
    metrics.define('scenario10.apply_s', sec10, 'phase apply manifests', 's');
    metrics.define('scenario10.checks_s', sec10, `checks (longest hold ${longestHoldS(scenario)} s)`, 's');
    metrics.define('scenario10.checks_over_hold_s', sec10, 'checks − longest for: hold', 's', { target: TARGET_OVER_HOLD });
    metrics.define('scenario10.down_s', sec10, 'phase down', 's', { target: TARGET_TEARDOWN });
  }
  if (want('tail')) {
    const sec = `tail: metallb-evpn ${o.tailRuns} times in a row`;
    metrics.define('tail.total_s', sec, 'up, apply, all checks, down', 's', { note: 'every run; max is the tail' });
    metrics.define('tail.max_s', sec, 'slowest run', 's', { target: TARGET_TAIL_MAX });
    metrics.define('tail.over10_count', sec, 'runs over 10 s', 'count', { target: TARGET_NONE });
    metrics.define('tail.checks_over_hold_s', sec, 'checks − longest for: hold', 's', { target: TARGET_OVER_HOLD });
  }
  if (want('scale')) {
    for (const n of o.parallel) {
      metrics.define(`scale.parallel${n}_s`, 'scale: singlecluster labs in parallel', `${n} lab${n > 1 ? 's' : ''} → all Established`, 's', n === 4 ? { target: TARGET_FOUR_LABS } : {});
      metrics.define(`scale.parallel${n}_pss_mib`, 'scale: singlecluster labs in parallel', `${n} lab${n > 1 ? 's' : ''}: peak PSS`, 'MiB');
      metrics.define(`scale.parallel${n}_teardown_s`, 'scale: singlecluster labs in parallel', `${n} lab${n > 1 ? 's' : ''}: teardown`, 's');
    }
    for (const n of o.sizes) {
      metrics.define(`scale.leaves${n}_s`, 'scale: generated 1 spine × N leaves', `${n} leaves → all Established`, 's');
      metrics.define(`scale.leaves${n}_up_s`, 'scale: generated 1 spine × N leaves', `${n} leaves: up returns`, 's');
      metrics.define(`scale.leaves${n}_pss_mib`, 'scale: generated 1 spine × N leaves', `${n} leaves: peak PSS`, 'MiB');
    }
    if (o.sizes.length > 1) {
      const note = 'least-squares slope over the sizes of one run, the spine and fixed costs excluded';
      metrics.define('scale.per_leaf_pss_mib', 'scale: generated 1 spine × N leaves', 'each further leaf (+ its host): PSS', 'MiB', { note });
      metrics.define('scale.per_leaf_s', 'scale: generated 1 spine × N leaves', 'each further leaf (+ its host): → Established', 's', { note });
    }
  }
  if (want('tuning')) {
    for (const c of CONCURRENCY) {
      metrics.define(`tuning.concurrency${c}_s`, 'tuning: NetnsRuntime concurrency (up → fabric Established)', `concurrency ${c}`, 's');
      metrics.define(`tuning.concurrency${c}_up_s`, 'tuning: NetnsRuntime concurrency (up → fabric Established)', `concurrency ${c}: up returns`, 's');
    }
    metrics.define('tuning.poll_socket25_s', 'tuning: how the measurement polls (up → fabric Established)', 'vty socket every 25 ms', 's');
    metrics.define('tuning.poll_socket250_s', 'tuning: how the measurement polls (up → fabric Established)', 'vty socket every 250 ms', 's');
    metrics.define('tuning.poll_vtysh100_s', 'tuning: how the measurement polls (up → fabric Established)', 'vtysh process every 100 ms', 's');
    metrics.define('tuning.full_poll25_s', 'tuning: polling during apply (up + apply → all Established)', 'vty socket every 25 ms', 's');
    metrics.define('tuning.full_poll25_apply_s', 'tuning: polling during apply (up + apply → all Established)', 'vty socket every 25 ms: apply returns', 's');
    metrics.define('tuning.full_poll250_s', 'tuning: polling during apply (up + apply → all Established)', 'vty socket every 250 ms', 's');
    metrics.define('tuning.full_poll250_apply_s', 'tuning: polling during apply (up + apply → all Established)', 'vty socket every 250 ms: apply returns', 's');
    const sec = 'tuning: how config is loaded (baseline → fabric Established)';
    metrics.define('tuning.baseline_commands_s', sec, 'vtysh -c commands (as the runtime does)', 's');
    metrics.define('tuning.baseline_file_s', sec, 'vtysh -f file', 's', { note: 'a file load marks bgpd config-pending; at its end bgpd 8.4 holds peers until the route-map update timer (5 s by default) runs out, on routers with route-maps (the leaves)' });
    metrics.define('tuning.baseline_file_delay0_s', sec, 'vtysh -f file + bgp route-map delay-timer 0', 's');
  }

  log(`pelab bench: ${o.runs} run(s), sections ${[...o.sections].join(', ')}; poll ${o.pollMs} ms, memory sample ${o.sampleMs} ms`);
  try {
    for (let run = 1; run <= o.runs && !interrupted && (want('bringup') || want('baseline')); run++) {
      log(`run ${run}/${o.runs}`);
      let base: number | undefined;
      let baseSame: number | undefined;
      if (want('baseline')) {
        const b = await attempt('baseline (fabric)', ['baseline.fabric_established_s', 'baseline.ratio'], () => baselineRun(ctx, singlecluster, 'bench-base', false));
        if (b) {
          record('baseline', b);
          metrics.add('baseline.fabric_established_s', s(b.establishedMs));
          base = b.establishedMs;
        }
        const seq = await attempt('baseline (fabric, one at a time)', ['baseline.sequential_fabric_established_s'], () => baselineRun(ctx, singlecluster, 'bench-base', false, { concurrency: 1 }));
        if (seq) {
          record('baselineSequential', seq);
          metrics.add('baseline.sequential_fabric_established_s', s(seq.establishedMs));
        }
        const bs = await attempt('baseline (same end state)', ['baseline.same_end_state_s', 'baseline.same_end_state_ratio'], () => baselineRun(ctx, singlecluster, 'bench-base', true));
        if (bs) {
          record('baselineSameEndState', bs);
          metrics.add('baseline.same_end_state_s', s(bs.establishedMs));
          metrics.add('cpu.baseline_self_s', bs.cpu.self);
          metrics.add('cpu.baseline_children_s', bs.cpu.children);
          baseSame = bs.establishedMs;
        }
      }
      if (want('bringup') || want('baseline')) {
        const f = await attempt('pelab up (fabric)', ['bringup.up_s', 'bringup.fabric_established_s', 'teardown.fabric_s', 'baseline.ratio'], () => pelabFabricRun(ctx, singlecluster, 'bench-up'));
        if (f) {
          record('pelabFabric', f);
          // Defined by bringup, and by baseline for its side-by-side table.
          metrics.add('bringup.fabric_established_s', s(f.establishedMs));
          if (f.cpu) {
            metrics.add('cpu.up_self_s', f.cpu.self);
            metrics.add('cpu.up_children_s', f.cpu.children);
          }
          if (want('bringup')) {
            metrics.add('bringup.up_s', s(f.upMs));
            metrics.add('teardown.fabric_s', s(f.teardownMs));
          }
          if (want('baseline') && base) metrics.add('baseline.ratio', f.establishedMs / base);
          if (want('baseline') && baseSame) metrics.add('baseline.same_end_state_ratio', f.establishedMs / baseSame);
        }
      }
      if (want('bringup')) {
        const ids = ['bringup.full_established_s', 'bringup.apply_s', 'bringup.type5_s', 'bringup.curl_s', 'teardown.full_s', 'memory.full_pss_mib'];
        const r = await attempt('pelab up + apply', ids, () => pelabFullRun(ctx, singlecluster, 'bench-full', manifests));
        if (r) {
          record('pelabFull', r);
          metrics.add('bringup.full_established_s', s(r.establishedMs));
          metrics.add('bringup.apply_s', s(r.applyMs));
          metrics.add('bringup.type5_s', s(r.type5Ms));
          metrics.add('bringup.curl_s', s(r.curlMs));
          metrics.add('teardown.full_s', s(r.teardownMs));
          metrics.add('memory.full_pss_mib', r.memory.peakPssMiB);
          metrics.add('memory.full_frr_pss_mib', r.memory.byKindPssMiB['frr'] ?? 0);
          metrics.add('memory.full_endpoint_pss_mib', r.memory.byKindPssMiB['endpoint'] ?? 0);
          metrics.add('memory.full_nginx_pss_mib', r.memory.byKindPssMiB['nginx'] ?? 0);
          metrics.add('memory.full_holder_pss_mib', r.memory.byKindPssMiB['holder'] ?? 0);
          metrics.add('memory.full_rss_mib', r.memory.peakRssMiB);
        }
      }
      if (want('baseline')) {
        const ids = ['baseline.side_fabric_established_s', 'bringup.side_fabric_established_s', 'baseline.side_ratio'];
        await attempt('pelab and baseline beside a second lab', ids, () =>
          besideAnotherLab(ctx, singlecluster, async () => {
            // Each measured run starts right after another lab's teardown, as in the main loop:
            // that run pays the kernel's deferred namespace cleanup (measured: 150-190 ms more in
            // its namespaces phase, a slower links phase), and one right after the side lab's `up`
            // does not (a baseline there took 1.29-1.40 s against 1.46-1.55 s). So an unmeasured
            // warm-up lab goes first.
            await baselineRun(ctx, singlecluster, 'bench-base', true);
            const f = await pelabFabricRun(ctx, singlecluster, 'bench-up');
            const b = await baselineRun(ctx, singlecluster, 'bench-base', true);
            record('besideAnotherLab', { baseline: b, pelab: f });
            metrics.add('baseline.side_fabric_established_s', s(b.establishedMs));
            metrics.add('bringup.side_fabric_established_s', s(f.establishedMs));
            metrics.add('baseline.side_ratio', f.establishedMs / b.establishedMs);
          }),
        );
      }
    }

    const bundles = resolve(REPO_ROOT, 'out', 'bench-bundles');
    /** One scenario run; undefined (and recorded as a failure of `ids`) when it did not pass. */
    const scenarioOnce = async (what: string, key: string, ids: readonly string[]): Promise<ScenarioRun | undefined> => {
      const r = await attempt(what, ids, () => scenarioRun(ctx, scenario, 'bench-scn', bundles));
      if (!r) return undefined;
      record(key, r);
      if (r.exitCode === 0) return r;
      metrics.fail(ids, `exit ${r.exitCode}: ${r.failed.join(', ')}`);
      errors.push(`${what} exited ${r.exitCode} (failed: ${r.failed.join(', ') || 'lab error'})`);
      return undefined;
    };
    const holdS = longestHoldS(scenario);
    // One run's phases under a metric prefix: the system FRR's runs and FRR 10's are recorded alike.
    const addPhases = (prefix: string, r: ScenarioRun): void => {
      metrics.add(`${prefix}.total_s`, s(r.resultMs));
      metrics.add(`${prefix}.up_s`, s(r.phases['up'] ?? 0));
      metrics.add(`${prefix}.apply_s`, s(r.phases['apply manifests'] ?? 0));
      metrics.add(`${prefix}.checks_s`, s(r.checksMs));
      metrics.add(`${prefix}.checks_over_hold_s`, s(r.checksMs) - holdS);
      metrics.add(`${prefix}.down_s`, s(r.phases['down'] ?? 0));
    };
    if (want('scenario')) {
      for (let run = 1; run <= o.runs && !interrupted; run++) {
        log(`scenario run ${run}/${o.runs}`);
        if (!frr10Skip) {
          // Interleaved with the system FRR's runs, so drift on a shared machine hits both.
          const r10 = await withFrr10(() => scenarioOnce('scenario metallb-evpn on FRR 10', 'scenarioFrr10', ['scenario10.total_s']));
          if (r10) addPhases('scenario10', r10);
        }
        const r = await scenarioOnce('scenario metallb-evpn', 'scenario', ['scenario.total_s']);
        if (!r) continue;
        addPhases('scenario', r);
        metrics.add('scenario.pss_mib', r.memory.peakPssMiB);
        metrics.add('cpu.scenario_self_s', r.cpu.self);
        metrics.add('cpu.scenario_commands_s', r.cpu.childCommands);
        metrics.add('cpu.scenario_processes', Object.values(r.commands).reduce((n, c) => n + c.count, 0));
        metrics.add('cpu.scenario_lab_s', Object.values(r.memory.labCpuSeconds).reduce((a, b) => a + b, 0));
      }
    }

    if (want('tail')) {
      const totals: number[] = [];
      for (let run = 1; run <= o.tailRuns && !interrupted; run++) {
        log(`tail run ${run}/${o.tailRuns}`);
        const r = await scenarioOnce('tail: scenario metallb-evpn', 'tail', ['tail.total_s', 'tail.max_s', 'tail.over10_count']);
        if (!r) continue;
        totals.push(s(r.resultMs));
        metrics.add('tail.total_s', s(r.resultMs));
        metrics.add('tail.checks_over_hold_s', s(r.checksMs) - holdS);
      }
      if (totals.length > 0) {
        metrics.add('tail.max_s', Math.max(...totals));
        metrics.add('tail.over10_count', totals.filter((t) => t > 10).length);
      }
    }

    if (want('scale')) {
      for (let run = 1; run <= o.runs && !interrupted; run++) {
        log(`scale run ${run}/${o.runs}`);
        for (const n of o.parallel) {
          const r = await attempt(`${n} labs in parallel`, [`scale.parallel${n}_s`], () => parallelRun(ctx, singlecluster, n));
          if (!r) continue;
          record('parallel', r);
          metrics.add(`scale.parallel${n}_s`, s(r.establishedMs));
          metrics.add(`scale.parallel${n}_pss_mib`, r.memory.peakPssMiB);
          metrics.add(`scale.parallel${n}_teardown_s`, s(r.teardownMs));
        }
        const curve: { leaves: number; pssMiB: number; establishedS: number }[] = [];
        for (const n of o.sizes) {
          const lab = parseLab(generateLeafSpineYaml({ leaves: n, name: `gen-${n}-leaves` }), `bench/generate-lab.ts (${n} leaves)`);
          const r = await attempt(`${n} leaves`, [`scale.leaves${n}_s`], () => pelabFabricRun(ctx, lab, `bench-l${n}`));
          if (!r) continue;
          record('leaves', { leaves: n, ...r });
          metrics.add(`scale.leaves${n}_s`, s(r.establishedMs));
          metrics.add(`scale.leaves${n}_up_s`, s(r.upMs));
          metrics.add(`scale.leaves${n}_pss_mib`, r.memory.peakPssMiB);
          curve.push({ leaves: n, pssMiB: r.memory.peakPssMiB, establishedS: s(r.establishedMs) });
        }
        const perLeafPss = slope(curve.map((c) => ({ x: c.leaves, y: c.pssMiB })));
        const perLeafS = slope(curve.map((c) => ({ x: c.leaves, y: c.establishedS })));
        if (perLeafPss !== undefined) metrics.add('scale.per_leaf_pss_mib', perLeafPss);
        if (perLeafS !== undefined) metrics.add('scale.per_leaf_s', perLeafS);
      }
    }

    if (want('tuning')) {
      for (let run = 1; run <= o.runs && !interrupted; run++) {
        log(`tuning run ${run}/${o.runs}`);
        for (const c of CONCURRENCY) {
          const r = await attempt(`concurrency ${c}`, [`tuning.concurrency${c}_s`], () => pelabFabricRun(ctx, singlecluster, 'bench-tune', { concurrency: c }));
          if (r) {
            record('tuningConcurrency', { concurrency: c, ...r });
            metrics.add(`tuning.concurrency${c}_s`, s(r.establishedMs));
            metrics.add(`tuning.concurrency${c}_up_s`, s(r.upMs));
          }
        }
        for (const ms of [25, 250]) {
          const r = await attempt(`up + apply, polling every ${ms} ms`, [`tuning.full_poll${ms}_s`], () => pelabFullRun(ctx, singlecluster, 'bench-tune', manifests, { pollMs: ms }));
          if (r) {
            record('tuningFullPolling', { pollMs: ms, ...r });
            metrics.add(`tuning.full_poll${ms}_s`, s(r.establishedMs));
            metrics.add(`tuning.full_poll${ms}_apply_s`, s(r.applyMs));
          }
        }
        for (const [id, variant] of [
          ['tuning.baseline_commands_s', { configLoad: 'commands' }],
          ['tuning.baseline_file_s', { configLoad: 'file' }],
          ['tuning.baseline_file_delay0_s', { configLoad: 'file', extraConfig: ['bgp route-map delay-timer 0'] }],
        ] as const) {
          const r = await attempt(id, [id], () => baselineRun(ctx, singlecluster, 'bench-base', false, variant));
          if (r) {
            record('tuningBaseline', { id, ...r });
            metrics.add(id, s(r.establishedMs));
          }
        }
        for (const [id, q, ms] of [
          ['tuning.poll_socket25_s', 'socket', 25],
          ['tuning.poll_socket250_s', 'socket', 250],
          ['tuning.poll_vtysh100_s', 'vtysh', 100],
        ] as const) {
          const r = await attempt(id, [id], () => pelabFabricRun(ctx, singlecluster, 'bench-tune', { mode: q, pollMs: ms }));
          if (r) {
            record('tuningPolling', { id, pollMs: ms, ...r });
            metrics.add(id, s(r.establishedMs));
          }
        }
      }
    }
  } finally {
    await probes.close();
  }
  const samplerCpu = await sampler.close();
  const loadAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);

  const table = formatTable(metrics.list);
  const m = (id: string): Metric | undefined => metrics.list.find((x) => x.id === id);
  const sideBySide: string[] = [];
  if (want('baseline')) {
    sideBySide.push(formatSideBySide('pelab beside the baseline (median (min–max); runs interleaved)', ['pelab', 'baseline', 'pelab ÷ baseline'], [
      { label: 'up → fabric Established', cells: [m('bringup.fabric_established_s'), m('baseline.fabric_established_s'), m('baseline.ratio')] },
      { label: 'same end state → Established', cells: [m('bringup.fabric_established_s'), m('baseline.same_end_state_s'), m('baseline.same_end_state_ratio')] },
      { label: 'a second lab up beside it', cells: [m('bringup.side_fabric_established_s'), m('baseline.side_fabric_established_s'), m('baseline.side_ratio')] },
      { label: 'CPU: own process', cells: [m('cpu.up_self_s'), m('cpu.baseline_self_s'), undefined] },
      { label: 'CPU: commands it ran', cells: [m('cpu.up_children_s'), m('cpu.baseline_children_s'), undefined] },
    ]));
  }
  if (want('scenario')) {
    const skip: Cell = frr10Skip ? { skipped: '' } : undefined;
    const row = (label: string, id: string) => ({ label, cells: [m(`scenario.${id}`), skip ?? m(`scenario10.${id}`)] });
    sideBySide.push(formatSideBySide('metallb-evpn on each FRR (median (min–max); runs interleaved)', [`FRR ${machine.frr.split(' ')[0]} (system)`, frr10 && 'version' in frr10 ? `FRR ${frr10.version} (PELAB_FRR=10)` : 'FRR 10 (PELAB_FRR=10)'], [
      row('up, apply, checks, down', 'total_s'),
      row('phase up', 'up_s'),
      row('phase apply', 'apply_s'),
      row('checks', 'checks_s'),
      row('checks − longest hold', 'checks_over_hold_s'),
      row('phase down', 'down_s'),
    ]) + (frr10Skip ? `\nFRR 10 skipped: ${frr10Skip}` : ''));
  }
  process.stdout.write(`\n${table}\n\n${sideBySide.map((t) => `${t}\n\n`).join('')}${formatMachine(machine, loadAtEnd)}\n`);
  if (errors.length > 0) process.stdout.write(`\nfailures:\n${errors.map((e) => `  - ${e}`).join('\n')}\n`);

  if (o.json) {
    const file = resolve(o.json);
    mkdirSync(dirname(file), { recursive: true });
    const doc = {
      schema: SCHEMA,
      schemaVersion: SCHEMA_VERSION,
      timestamp: started.toISOString(),
      durationS: Math.round((Date.now() - started.getTime()) / 100) / 10,
      options: { runs: o.runs, tailRuns: o.tailRuns, quick: o.quick, sections: [...o.sections], pollMs: o.pollMs, sampleMs: o.sampleMs, sizes: o.sizes, parallel: o.parallel },
      machine: { ...machine, loadAverageAtEnd: loadAtEnd },
      metrics: metrics.list.map((m) => ({ ...m, ...summarize(m) })),
      medians: Object.fromEntries(metrics.list.map((m) => [m.id, median(m.samples) ?? null])),
      runs: details,
      samplerCpuSeconds: samplerCpu,
      errors,
    };
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`\nresults: ${file}\n`);
  }
  const left = (await leftoverInstances()).filter((x) => x.startsWith('bench-'));
  if (left.length > 0) {
    process.stdout.write(`warning: benchmark instances left behind: ${left.join(', ')}\n`);
    return 1;
  }
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
