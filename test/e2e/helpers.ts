// Helpers for end-to-end tests: they drive the real CLI against real FRR in network namespaces
// (root required; these tests are skipped, and say why, without it).
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const PELAB = join(ROOT, 'bin', 'pelab');
const isRoot = process.getuid?.() === 0;
const hasFrr = existsSync('/usr/lib/frr/bgpd') && existsSync('/usr/bin/vtysh');
export const canRunLabs = isRoot && hasFrr;
export const skipReason = !isRoot ? 'needs root (network namespaces)' : !hasFrr ? 'needs FRR (apt-get install frr)' : '';

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function pelab(args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await execa(PELAB, args, {
    cwd: ROOT,
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
    env: { CI: 'true', NO_COLOR: '1', ...(options.env ?? {}) },
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Everything of an instance still on the machine; empty when teardown was complete. */
export async function leftovers(instance: string): Promise<string[]> {
  const found: string[] = [];
  const ns = await execa('ip', ['netns', 'list'], { reject: false });
  for (const line of String(ns.stdout).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (name.startsWith(`pelab.${instance}.`)) found.push(`namespace ${name}`);
  }
  for (const dir of ['/var/run/frr', '/etc/frr']) {
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir)) if (e.startsWith(`pelab_${instance}_`)) found.push(`directory ${join(dir, e)}`);
  }
  if (existsSync(`/run/pelab/${instance}`)) found.push(`directory /run/pelab/${instance}`);
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mount = line.split(' ')[4];
    if (mount?.startsWith(`/run/pelab/${instance}/`) || mount === `/run/pelab/${instance}`) found.push(`mount ${mount}`);
    if (mount?.startsWith(`/run/netns/pelab.${instance}.`)) found.push(`mount ${mount}`);
  }
  if (existsSync(`/run/lock/pelab/${instance}.lock`)) found.push(`lock /run/lock/pelab/${instance}.lock`);
  // A process pelab started without its mark still names the lab's objects on its command line
  // (ip -n pelab.X.y, vtysh -N pelab_X_y, nsenter --net=/run/netns/pelab.X.y, umount /run/pelab/X/...).
  const names = [`pelab.${instance}.`, `pelab_${instance}_`, `/run/pelab/${instance}/`];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
      const zombie = /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
      if (!zombie && (env.split('\0').includes(`PELAB_OWNER=${instance}`) || names.some((n) => cmdline.includes(n)))) found.push(`process ${pid} ${cmdline}`);
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
