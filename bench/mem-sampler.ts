// Samples the memory (PSS and RSS from /proc/<pid>/smaps_rollup) and CPU time of a lab's
// processes. A lab's processes are the ones carrying its owner mark in their environment
// (PELAB_OWNER=<instance>): the namespace holders, FRR daemons and HTTP endpoints the netns runtime
// starts (and the benchmark's baseline, which sets the same mark).
//
// It runs as a separate process (forked by sampler.ts), so that its work shows neither in the
// benchmark's own CPU time nor in its event loop. Pure helpers are exported for reuse.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { OWNER_ENV } from '../src/runtime/claim.ts';

export type ProcKind = 'frr' | 'holder' | 'endpoint' | 'nginx' | 'other';

interface ProcStat {
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime, clock ticks. */
  readonly cpuTicks: number;
  readonly startTime: string;
}

export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  return { comm, ppid: Number(rest[1]), cpuTicks: Number(rest[11]) + Number(rest[12]), startTime: rest[19] ?? '' };
}

/** `Rss:` and `Pss:` of smaps_rollup, in KiB. */
export function parseRollup(text: string): { rssKiB: number; pssKiB: number } {
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKiB: field('Rss'), pssKiB: field('Pss') };
}

export function kindOf(comm: string): ProcKind {
  if (comm === 'zebra' || comm === 'bgpd' || comm === 'staticd' || comm === 'bfdd') return 'frr';
  if (comm === 'sleep') return 'holder';
  // The lab's HTTP server (endpoint-server.py).
  if (comm === 'python3') return 'endpoint';
  // The emulated pods' real nginx (master and worker).
  if (comm === 'nginx') return 'nginx';
  return 'other';
}

export function ownerOf(environ: string): string | undefined {
  const key = `${OWNER_ENV}=`;
  for (const entry of environ.split('\0')) if (entry.startsWith(key)) return entry.slice(key.length);
  return undefined;
}

export interface MemTotals {
  pssKiB: number;
  rssKiB: number;
  processes: number;
}

export interface MemResult {
  readonly samples: number;
  readonly intervalMs: number;
  /** The sample with the largest PSS sum over all watched instances. */
  readonly peak: MemTotals & {
    readonly atMs: number;
    readonly byKind: Record<ProcKind, MemTotals>;
    readonly byInstance: Record<string, MemTotals>;
  };
  /** Largest RSS sum of any sample (may be another sample than the PSS peak). */
  readonly peakRssKiB: number;
  /** CPU seconds of the lab's processes, as last seen (they are not reaped by us, except holders and endpoints). */
  readonly cpu: { readonly byKind: Record<ProcKind, number>; readonly directChildrenOf: number; readonly directChildren: number; readonly total: number };
}

function emptyKinds(): Record<ProcKind, MemTotals> {
  return { frr: { pssKiB: 0, rssKiB: 0, processes: 0 }, holder: { pssKiB: 0, rssKiB: 0, processes: 0 }, endpoint: { pssKiB: 0, rssKiB: 0, processes: 0 }, nginx: { pssKiB: 0, rssKiB: 0, processes: 0 }, other: { pssKiB: 0, rssKiB: 0, processes: 0 } };
}

class Sampler {
  /** pid -> owner mark (null: none); `recheck` for our own children that may not have exec'd yet. */
  private readonly owners = new Map<number, { owner: string | null; recheck: boolean }>();
  /** pids present at the previous scan. */
  private seen = new Set<number>();
  private readonly cpu = new Map<string, { kind: ProcKind; ticks: number; ppid: number }>();
  private readonly ticksPerSecond: number;
  private watched = new Set<string>();
  private parentPid = 0;
  private started = 0;
  private samples = 0;
  private intervalMs = 200;
  private peak: MemResult['peak'] | undefined;
  private peakRss = 0;

  constructor() {
    let t = 100;
    try {
      t = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // Linux default.
    }
    this.ticksPerSecond = t;
  }

  /** The watched instance whose namespace `pid` lives in, by the namespace's inode. */
  private ownerByNetns(pid: number): string | undefined {
    const inode = readlinkSync(`/proc/${pid}/ns/net`).replace(/^net:\[(\d+)\]$/, '$1');
    for (const name of readdirSync('/run/netns')) {
      const instance = /^pelab\.([a-z][a-z0-9-]*)\./.exec(name)?.[1];
      if (!instance || !this.watched.has(instance)) continue;
      try {
        if (String(statSync(`/run/netns/${name}`).ino) === inode) return instance;
      } catch {
        // Removed while we looked.
      }
    }
    return undefined;
  }

  start(instances: readonly string[], intervalMs: number, parentPid: number): void {
    this.watched = new Set(instances);
    this.parentPid = parentPid;
    this.intervalMs = intervalMs;
    this.started = performance.now();
    this.samples = 0;
    this.peak = undefined;
    this.peakRss = 0;
    this.cpu.clear();
  }

  sample(): void {
    if (this.watched.size === 0) return;
    const byKind = emptyKinds();
    const byInstance: Record<string, MemTotals> = {};
    const total: MemTotals = { pssKiB: 0, rssKiB: 0, processes: 0 };
    const pids = new Set<number>();
    for (const entry of readdirSync('/proc')) {
      const c = entry.charCodeAt(0);
      if (c >= 48 && c <= 57) pids.add(Number(entry));
    }
    for (const pid of this.owners.keys()) if (!pids.has(pid)) this.owners.delete(pid);
    for (const pid of pids) {
      try {
        // Only processes that appeared since the last scan are classified (reading their
        // environment once), so a sample costs little more than the lab's own processes. Our own
        // fresh children are re-read until they carry a mark: until they exec, they show our
        // environment (nsenter, then the daemon or endpoint, exec in place).
        let known = this.seen.has(pid) ? this.owners.get(pid) : undefined;
        let stat: ProcStat | undefined;
        if (known === undefined || known.recheck) {
          stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
          // nginx writes its process title over its environment, so its mark is unreadable: its
          // network namespace (a pod's) tells whose it is.
          const owner = ownerOf(readFileSync(`/proc/${pid}/environ`, 'latin1')) ?? (stat.comm === 'nginx' ? this.ownerByNetns(pid) : undefined) ?? null;
          known = { owner, recheck: owner === null && stat.ppid === this.parentPid };
          this.owners.set(pid, known);
        }
        if (known.owner === null || !this.watched.has(known.owner)) continue;
        stat ??= parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
        const mem = parseRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
        const kind = kindOf(stat.comm);
        this.cpu.set(`${pid}:${stat.startTime}`, { kind, ticks: stat.cpuTicks, ppid: stat.ppid });
        for (const t of [total, byKind[kind], (byInstance[known.owner] ??= { pssKiB: 0, rssKiB: 0, processes: 0 })]) {
          t.pssKiB += mem.pssKiB;
          t.rssKiB += mem.rssKiB;
          t.processes += 1;
        }
      } catch {
        // Exited while we looked, or a kernel thread.
      }
    }
    this.seen = pids;
    this.samples++;
    this.peakRss = Math.max(this.peakRss, total.rssKiB);
    if (!this.peak || total.pssKiB > this.peak.pssKiB) {
      this.peak = { ...total, atMs: Math.round(performance.now() - this.started), byKind, byInstance };
    }
  }

  result(): MemResult {
    const byKind: Record<ProcKind, number> = { frr: 0, holder: 0, endpoint: 0, nginx: 0, other: 0 };
    let direct = 0;
    for (const c of this.cpu.values()) {
      byKind[c.kind] += c.ticks / this.ticksPerSecond;
      if (c.ppid === this.parentPid) direct += c.ticks / this.ticksPerSecond;
    }
    return {
      samples: this.samples,
      intervalMs: this.intervalMs,
      peak: this.peak ?? { pssKiB: 0, rssKiB: 0, processes: 0, atMs: 0, byKind: emptyKinds(), byInstance: {} },
      peakRssKiB: this.peakRss,
      cpu: { byKind, directChildrenOf: this.parentPid, directChildren: direct, total: Object.values(byKind).reduce((a, b) => a + b, 0) },
    };
  }

  stop(): MemResult {
    this.sample();
    const r = this.result();
    this.watched = new Set();
    return r;
  }
}

export type SamplerRequest =
  | { readonly type: 'start'; readonly instances: readonly string[]; readonly intervalMs: number; readonly parentPid: number }
  | { readonly type: 'stop' }
  | { readonly type: 'bye' };

export type SamplerReply = { readonly type: 'result'; readonly result: MemResult } | { readonly type: 'bye'; readonly cpuSeconds: number } | { readonly type: 'started' };

function main(): void {
  const sampler = new Sampler();
  let timer: ReturnType<typeof setInterval> | undefined;
  const send = (m: SamplerReply): void => {
    process.send?.(m);
  };
  process.on('message', (m: SamplerRequest) => {
    if (m.type === 'start') {
      if (timer) clearInterval(timer);
      sampler.start(m.instances, m.intervalMs, m.parentPid);
      sampler.sample();
      timer = setInterval(() => sampler.sample(), m.intervalMs);
      send({ type: 'started' });
    } else if (m.type === 'stop') {
      if (timer) clearInterval(timer);
      timer = undefined;
      send({ type: 'result', result: sampler.stop() });
    } else {
      if (timer) clearInterval(timer);
      const u = process.cpuUsage();
      send({ type: 'bye', cpuSeconds: (u.user + u.system) / 1e6 });
      process.disconnect?.();
      process.exit(0);
    }
  });
  // Never outlive the benchmark.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main();
