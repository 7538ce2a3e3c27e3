// The machine a run was measured on, printed under the table and stored in the JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { listNamespaces } from '../src/runtime/netns/netops.ts';

interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly os: string;
  readonly frr: string;
  readonly node: string;
  readonly loadAverage: readonly number[];
  /** Network namespaces of other pelab labs (not the benchmark's) when the run started: other work on the machine. */
  readonly otherLabNamespaces: number;
}

function firstLine(argv: readonly string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    return 'unknown';
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpus = os.cpus();
  const osRelease = (() => {
    try {
      return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  })();
  const pkg = firstLine(['dpkg-query', '-W', '-f=${Version}', 'frr']);
  const bgpd = firstLine(['/usr/lib/frr/bgpd', '--version']);
  const others = (await listNamespaces()).filter((n) => n.startsWith('pelab.') && !n.startsWith('pelab.bench-')).length;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    os: osRelease,
    frr: pkg !== 'unknown' ? `${bgpd.replace(/^bgpd version /, '')} (Debian package ${pkg})` : bgpd,
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    otherLabNamespaces: others,
  };
}

export function formatMachine(m: MachineInfo, loadAtEnd?: readonly number[]): string {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}, kernel ${m.kernel}`,
    `         FRR ${m.frr}; Node ${m.node}`,
    `         load average at start ${m.loadAverage.join(' ')}${loadAtEnd ? `, at end ${loadAtEnd.join(' ')}` : ''}; other pelab labs running at start: ${m.otherLabNamespaces} namespaces`,
  ].join('\n');
}
