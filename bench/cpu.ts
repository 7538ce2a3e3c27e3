// CPU time of the benchmark process (pelab's code runs in it) and of its reaped children (the
// short-lived commands pelab runs: ip, nsenter, sysctl, vtysh, curl, frr-reload, the FRR daemon
// launchers before they fork). From process.cpuUsage() and /proc/self/stat cutime/cstime.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks: number | undefined;
function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface CpuSnapshot {
  readonly self: NodeJS.CpuUsage;
  /** cutime + cstime of reaped children, seconds. */
  readonly children: number;
}

function childrenSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) / ticksPerSecond();
}

export function cpuSnapshot(): CpuSnapshot {
  ticksPerSecond();
  return { self: process.cpuUsage(), children: childrenSeconds() };
}

export interface CpuSpent {
  /** user + system of the benchmark process, seconds. */
  readonly self: number;
  readonly selfUser: number;
  readonly selfSystem: number;
  /** Reaped children, seconds (clock-tick resolution). */
  readonly children: number;
}

export function cpuSince(start: CpuSnapshot): CpuSpent {
  const d = process.cpuUsage(start.self);
  return {
    self: (d.user + d.system) / 1e6,
    selfUser: d.user / 1e6,
    selfSystem: d.system / 1e6,
    children: Math.max(0, childrenSeconds() - start.children),
  };
}
