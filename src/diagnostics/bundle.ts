// The failure bundle: everything a person needs to debug a failed run after the lab is gone.
// Per target, FRR's view (vtysh) and the kernel's view (ip, bridge), per VRF where VRFs live
// in their own tables; plus the run result, the timeline and the applied manifests.
// It is written while something is already broken, so it must finish in seconds even when a
// daemon hangs: commands run a few at a time, each with a timeout, under one overall deadline.
// It holds only what exists: a target that is not there (a lab never built) is probed once and
// named in index.md instead of filling a folder with errors, and a command that fails leaves no
// file, only its error in index.md; every .json file holds JSON. index.md opens with why the
// bundle exists: the checks that failed, or the error that stopped the run.
import { mapLimit } from '../proc/limit.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import type { BundleExtra, ExecResult, Runtime, Target } from '../runtime/runtime.ts';
import { describeTarget, runsFrr, safeName, targetDir } from '../runtime/roles.ts';
import type { RunResult, TimelineEvent } from '../report/result.ts';
import { stringifyReport, toJsonReport } from '../report/json.ts';
import { formatTimeline } from '../report/junit.ts';
import { condense, toJsonValue } from '../text/summary.ts';
import { formatDuration } from '../units/duration.ts';

export type { BundleExtra };

interface BundleOptions {
  readonly result?: RunResult;
  /**
   * Why the bundle is written, when not (only) for failed checks: the error that stopped the run
   * (the lab could not be built), or that a person asked for it (`pelab dump`).
   */
  readonly reason?: string;
  /** The applied manifests as YAML text. */
  readonly manifests?: string;
  /** Defaults to result.timeline. */
  readonly timeline?: readonly TimelineEvent[];
  /** Files to read on a target with runtime.readFile (e.g. its FRR log). */
  readonly extraFiles?: (target: Target) => readonly { readonly name: string; readonly path: string }[];
  readonly extras?: readonly BundleExtra[];
  /** VRFs whose kernel state to dump on a target (default: bundleVrfs). */
  readonly vrfs?: (target: Target) => readonly string[];
  /** Commands in flight at once (default 8: most of the time goes to waiting on process start-up and daemons). */
  readonly concurrency?: number;
  /** Per command (default 5 s). */
  readonly commandTimeoutMs?: number;
  /** After this, commands not yet started are skipped (default 45 s). */
  readonly deadlineMs?: number;
}

type BundleEntryStatus = 'ok' | 'failed' | 'timeout' | 'skipped';

/** A target the bundle did not collect from because it is not there (never built, or gone). */
interface AbsentTarget {
  readonly target: string;
  readonly detail: string;
}

interface BundleEntry {
  readonly file: string;
  readonly source: string;
  readonly status: BundleEntryStatus;
  readonly ms: number;
  readonly detail?: string;
}

/** FRR queries per FRR target: file name -> vtysh command. */
export const FRR_COMMANDS: readonly (readonly [file: string, command: string])[] = [
  ['frr-running-config.txt', 'show running-config'],
  ['frr-bgp-summary.json', 'show bgp vrf all summary json'],
  ['frr-bgp-neighbors.txt', 'show bgp vrf all neighbor'],
  ['frr-bgp-l2vpn-evpn.json', 'show bgp l2vpn evpn json'],
  ['frr-evpn-vni.json', 'show evpn vni json'],
  ['frr-ip-route.json', 'show ip route vrf all json'],
];

/** Kernel state per target, and per VRF on targets that have VRFs. */
export const KERNEL_COMMANDS: readonly (readonly [file: string, argv: readonly string[]])[] = [
  ['ip-link.json', ['ip', '-d', '-j', 'link']],
  ['ip-addr.json', ['ip', '-j', 'addr']],
  ['ip-route.json', ['ip', '-j', 'route', 'show', 'table', 'all']],
  ['ip-neigh.txt', ['ip', 'neigh']],
  ['bridge-fdb.txt', ['bridge', 'fdb', 'show']],
];

/**
 * The VRFs whose kernel state a bundle dumps on a target: the runtime's answer when it knows
 * (vrfsOf), else a router's lab VRFs and every lab VRF on a PE.
 */
export function bundleVrfs(runtime: Runtime, t: Target): readonly string[] {
  if (runtime.vrfsOf) return runtime.vrfsOf(t);
  if (t.kind === 'router') return runtime.lab.routers.find((r) => r.name === t.name)?.vrfs ?? [];
  // Which VRFs a PE has depends on the applied L3VNIs; the lab's VRFs cover the usual case, and
  // one that is absent only costs an error line in its file.
  if (t.kind === 'pe') return runtime.lab.vrfs.map((v) => v.name);
  return [];
}

/** A bundle-relative path that cannot escape the bundle directory. */
function containedPath(file: string): string {
  const parts = normalize(file)
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .map(safeName);
  return parts.length > 0 ? parts.join('/') : '_';
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
    this.name = 'TimeoutError';
  }
}

async function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TimeoutError(ms));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function prettyIfJson(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2) + '\n';
  } catch {
    return text;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function execOutput(r: ExecResult): { text: string; ok: boolean } {
  if (r.exitCode === 0) return { text: prettyIfJson(r.stdout), ok: true };
  const parts = [`# pelab: command exited with code ${r.exitCode} after ${formatDuration(r.ms)}`];
  if (r.stdout) parts.push(r.stdout);
  if (r.stderr) parts.push(`# stderr:\n${r.stderr}`);
  return { text: parts.join('\n') + '\n', ok: false };
}

interface Job {
  readonly file: string;
  readonly source: string;
  /** Jobs with the same key give up together once one of them times out (a hung daemon). */
  readonly hangKey?: string;
  readonly timeoutMs?: number;
  readonly run: (signal: AbortSignal) => Promise<{ text: string; ok: boolean }>;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The opening of index.md: why this bundle exists, in the words a person acts on. */
function whyLines(r: RunResult | undefined, reason: string | undefined): string[] {
  const out: string[] = [];
  if (r && r.failures.length > 0) {
    out.push(`${r.failures.length} of ${r.checks.length} checks failed:`, '');
    for (const f of r.failures) {
      out.push(`- **${f.name}** (${f.kind}, step ${f.step + 1}): expected ${f.expected}; observed \`${mdCell(condense(f.observed, 300))}\``);
    }
    out.push('');
  }
  if (reason !== undefined) out.push(...reason.split('\n').map((l) => `> ${l}`), '');
  if (out.length === 0) out.push(r ? `The run ${r.passed ? 'passed' : 'failed'}; no check failed and no error was recorded.` : 'Written on request.', '');
  return out;
}

function formatIndex(
  entries: readonly BundleEntry[],
  info: { result?: RunResult | undefined; reason?: string | undefined; absent?: readonly AbsentTarget[]; instance: string; runtime: string; writtenAt: string; ms: number },
): string {
  const out: string[] = ['# pelab failure bundle', '', '## Why this bundle exists', ''];
  const r = info.result;
  out.push(...whyLines(r, info.reason));
  if (r) {
    out.push(`Scenario **${r.scenario}** on ${r.runtime}, lab ${r.lab}: **${r.passed ? 'passed' : 'failed'}** in ${formatDuration(r.ms)} (started ${r.startedAt}).`);
  }
  out.push(`Instance ${info.instance} (${info.runtime}); bundle written ${info.writtenAt} in ${formatDuration(info.ms)}.`, '');
  const present = entries.filter((e) => e.status === 'ok').sort((a, b) => a.file.localeCompare(b.file));
  out.push('## Files', '', '| file | from | time |', '|---|---|---|');
  for (const e of present) out.push(`| [${mdCell(e.file)}](${encodeURI(e.file)}) | ${mdCell(e.source)} | ${formatDuration(e.ms)} |`);
  const absent = info.absent ?? [];
  const missing = entries.filter((e) => e.status !== 'ok').sort((a, b) => a.file.localeCompare(b.file));
  if (absent.length > 0 || missing.length > 0) out.push('', '## Not collected', '');
  if (absent.length > 0) {
    out.push(`${absent.length} of the lab's targets are not there (never built, or already gone), so nothing was collected from them:`, '');
    for (const a of absent) out.push(`- ${a.target}: ${mdCell(a.detail)}`);
    out.push('');
  }
  if (missing.length > 0) {
    out.push('Commands that gave no output (no file is written for them):', '', '| would be | from | status | time |', '|---|---|---|---|');
    for (const e of missing) out.push(`| ${mdCell(e.file)} | ${mdCell(e.source)} | **${e.status}**${e.detail ? `: ${mdCell(e.detail)}` : ''} | ${formatDuration(e.ms)} |`);
  }
  return out.join('\n') + '\n';
}

/** One line from a failed command's output, for index.md. */
function firstLines(text: string): string {
  return condense(text.replace(/^# pelab: /, '').replace(/\n# stderr:\n/, ': ').trim().split('\n').slice(0, 2).join(' '), 200);
}

/** Whether a target is there to collect from: one trivial command, which fails fast when it is not. */
async function probe(runtime: Runtime, t: Target, timeoutMs: number): Promise<string | undefined> {
  try {
    const r = await withTimeout(timeoutMs, () => runtime.exec(t, ['true'], { timeoutMs }));
    return r.exitCode === 0 ? undefined : `\`true\` exited with code ${r.exitCode}${r.stderr.trim() ? `: ${firstLines(r.stderr)}` : ''}`;
  } catch (error) {
    return firstLines(errorText(error));
  }
}

/**
 * Writes the bundle under `dir` (created if missing) as `<dir>/<target>/<file>`, and returns the
 * absolute path of the directory. Never throws for a failing command; only for a directory it
 * cannot write.
 */
/** Writes a file under the bundle root; a path that would leave the root is refused. */
function bundleWriter(root: string): (file: string, content: string) => Promise<void> {
  return async (file, content) => {
    const path = join(root, ...file.split('/'));
    if (!path.startsWith(root + sep)) throw new Error(`bundle file ${file} escapes ${root}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  };
}

/**
 * Probes every target once: a lab that was never built has none, and 40 commands per missing
 * target would each only say so. Returns the targets that answered and the ones that did not.
 */
async function presentTargets(runtime: Runtime, concurrency: number, timeoutMs: number): Promise<{ present: Target[]; absent: AbsentTarget[] }> {
  const targets = runtime.dumpTargets();
  const probes = await mapLimit(targets, concurrency, (t) => probe(runtime, t, timeoutMs));
  const present: Target[] = [];
  const absent: AbsentTarget[] = [];
  targets.forEach((t, i) => {
    const why = probes[i];
    if (why === undefined) present.push(t);
    else absent.push({ target: describeTarget(t), detail: why });
  });
  return { present, absent };
}

/** A target's jobs: FRR's view where it runs FRR, the kernel's per VRF, and the extra files asked for. */
function targetJobs(runtime: Runtime, t: Target, vrfs: readonly string[], timeoutMs: number, extraFiles: BundleOptions['extraFiles']): Job[] {
  const base = targetDir(t);
  const jobs: Job[] = [];
  if (runsFrr(t)) {
    for (const [file, command] of FRR_COMMANDS) {
      jobs.push({
        file: `${base}/${file}`,
        source: `vtysh -c "${command}" on ${describeTarget(t)}`,
        hangKey: `${base}/vtysh`,
        run: async () => ({ text: prettyIfJson(await runtime.vtysh(t, command)), ok: true }),
      });
    }
  }
  for (const vrf of [undefined, ...vrfs]) {
    for (const [file, argv] of KERNEL_COMMANDS) {
      jobs.push({
        file: vrf === undefined ? `${base}/${file}` : `${base}/vrf-${safeName(vrf)}/${file}`,
        source: `\`${argv.join(' ')}\` on ${describeTarget(t)}${vrf === undefined ? '' : ` in vrf ${vrf}`}`,
        hangKey: `${base}/exec`,
        run: async () => execOutput(await runtime.exec(t, argv, vrf === undefined ? { timeoutMs } : { vrf, timeoutMs })),
      });
    }
  }
  for (const extra of extraFiles?.(t) ?? []) {
    jobs.push({
      file: `${base}/${containedPath(extra.name)}`,
      source: `${extra.path} on ${describeTarget(t)}`,
      run: async () => ({ text: await runtime.readFile(t, extra.path), ok: true }),
    });
  }
  return jobs;
}

/**
 * Round-robin over targets: when every daemon hangs, each target's first command times out
 * once and the rest of that target is skipped, instead of one target eating all the workers.
 */
function interleave(perTarget: readonly (readonly Job[])[]): Job[] {
  const jobs: Job[] = [];
  for (let i = 0; perTarget.some((list) => i < list.length); i++) {
    for (const list of perTarget) if (list[i]) jobs.push(list[i] as Job);
  }
  return jobs;
}

/** The extra files (CRs, pod logs) as jobs: the caller's and the runtime's; a runtime that cannot list them is an entry. */
async function extraJobs(runtime: Runtime, given: readonly BundleExtra[], timeoutMs: number, entries: BundleEntry[]): Promise<Job[]> {
  const extras: BundleExtra[] = [...given];
  if (runtime.dumpExtras) {
    try {
      extras.push(...(await withTimeout(timeoutMs, async () => (await runtime.dumpExtras?.()) ?? [])));
    } catch (error) {
      entries.push({ file: 'extras', source: 'runtime.dumpExtras()', status: 'failed', ms: 0, detail: errorText(error) });
    }
  }
  return extras.map((extra): Job => ({
    file: containedPath(extra.file),
    source: extra.description,
    ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
    run: async (signal) => ({ text: await extra.collect(signal), ok: true }),
  }));
}

interface JobLimits {
  readonly timeoutMs: number;
  /** performance.now() after which jobs not yet started are skipped. */
  readonly deadline: number;
  /** Hang keys whose target timed out already, with the file that did. */
  readonly hung: Map<string, string>;
}

/** Runs one job within its limits and writes its file when it succeeded; the entry says how it went. */
async function runJob(job: Job, limits: JobLimits, write: (file: string, content: string) => Promise<void>): Promise<BundleEntry> {
  const t0 = performance.now();
  let status: BundleEntryStatus;
  let text = '';
  let detail: string | undefined;
  const hungBy = job.hangKey ? limits.hung.get(job.hangKey) : undefined;
  if (hungBy !== undefined) {
    status = 'skipped';
    detail = `an earlier command on this target timed out (${hungBy})`;
  } else if (performance.now() > limits.deadline) {
    status = 'skipped';
    detail = 'the bundle deadline passed';
  } else {
    try {
      const out = await withTimeout(job.timeoutMs ?? limits.timeoutMs, job.run);
      status = out.ok ? 'ok' : 'failed';
      text = out.text;
      if (!out.ok) detail = firstLines(text);
      else if (job.file.endsWith('.json') && !isJson(text)) {
        // vtysh answers an unknown or failing command with text and exit 0.
        status = 'failed';
        detail = `output is not JSON: ${firstLines(text)}`;
      }
    } catch (error) {
      status = error instanceof TimeoutError ? 'timeout' : 'failed';
      detail = firstLines(errorText(error));
      if (status === 'timeout' && job.hangKey) limits.hung.set(job.hangKey, job.file);
    }
  }
  const ms = performance.now() - t0;
  if (status === 'ok') {
    try {
      await write(job.file, text);
    } catch (error) {
      status = 'failed';
      detail = `could not write: ${errorText(error)}`;
    }
  }
  return detail === undefined ? { file: job.file, source: job.source, status, ms } : { file: job.file, source: job.source, status, ms, detail };
}

/** The run's own files: its result, its timeline, the applied manifests. */
function runFiles(options: BundleOptions): [file: string, source: string, content: string][] {
  const r = options.result;
  const files: [string, string, string][] = [];
  if (r) files.push(['result.json', 'run result (same shape as --json)', stringifyReport(toJsonReport(r))]);
  files.push(['timeline.txt', 'run timeline', formatTimeline({ timeline: options.timeline ?? r?.timeline ?? [] }) + '\n']);
  if (options.manifests) files.push(['manifests.yaml', 'applied manifests', options.manifests]);
  return files;
}

export async function writeBundle(runtime: Runtime, dir: string, options: BundleOptions = {}): Promise<string> {
  const root = resolve(dir);
  const started = performance.now();
  const timeoutMs = options.commandTimeoutMs ?? 5_000;
  const concurrency = options.concurrency ?? 8;
  const entries: BundleEntry[] = [];
  const write = bundleWriter(root);
  await mkdir(root, { recursive: true });

  const vrfsOf = options.vrfs ?? ((t: Target) => bundleVrfs(runtime, t));
  const { present, absent } = await presentTargets(runtime, concurrency, timeoutMs);
  const status: Job = {
    file: 'status.json',
    source: 'runtime status',
    run: async () => ({ text: JSON.stringify(toJsonValue(await runtime.status()), null, 2) + '\n', ok: true }),
  };
  // Extras (CRs, pod logs) right after the status: they matter most and would be the first skipped at the deadline.
  const jobs = [
    status,
    ...(await extraJobs(runtime, options.extras ?? [], timeoutMs, entries)),
    ...interleave(present.map((t) => targetJobs(runtime, t, vrfsOf(t), timeoutMs, options.extraFiles))),
  ];
  const limits: JobLimits = { timeoutMs, deadline: started + (options.deadlineMs ?? 45_000), hung: new Map() };
  await mapLimit(jobs, concurrency, async (job) => void entries.push(await runJob(job, limits, write)));

  for (const [file, source, content] of runFiles(options)) {
    await write(file, content);
    entries.push({ file, source, status: 'ok', ms: 0 });
  }
  const index = formatIndex(entries, {
    result: options.result,
    reason: options.reason,
    absent,
    instance: runtime.instance,
    runtime: runtime.kind,
    writtenAt: new Date().toISOString(),
    ms: performance.now() - started,
  });
  await write('index.md', index);
  return root;
}
