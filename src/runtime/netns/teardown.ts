// Removes everything an instance created. It trusts the ledger first and then sweeps by name
// prefix and by the owner mark in process environments, so a ledger cut short by a crash still
// leads to a clean machine.
import { readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../proc/run.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import { isSameProcess, Ledger } from './ledger.ts';
import { deleteNamespaces, listNamespaces, nsPath } from './netops.ts';
import { FRR_CONF_ROOT, FRR_RUN_ROOT, frrPrefixOf, instanceNames } from './names.ts';
import { OWNER_ENV } from './daemon.ts';

/**
 * One pass over /proc: processes marked with the instance's owner variable, or living in one of
 * its namespaces (compared by namespace inode, which `stat` of the /run/netns entry gives).
 */
function ownedPids(instance: string, namespaces: readonly string[]): number[] {
  const mark = `${OWNER_ENV}=${instance}\0`;
  const inodes = new Set<string>();
  for (const ns of namespaces) {
    try {
      inodes.add(`net:[${statSync(nsPath(ns)).ino}]`);
    } catch {
      // Already deleted.
    }
  }
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.has(readlinkSync(`/proc/${entry}/ns/net`)) || `${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(mark)) {
        pids.push(Number(entry));
      }
    } catch {
      // The process exited while we looked.
    }
  }
  return pids.filter((p) => p !== process.pid);
}

function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  return lines
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined && (m === dir || m.startsWith(`${dir}/`)))
    .map((m) => m.replace(/\\040/g, ' '));
}

/** A zombie counts as gone: it holds no sockets or namespaces, only its exit status for init. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface TeardownReport {
  readonly killed: number;
  readonly namespaces: number;
  readonly mounts: number;
  readonly ms: number;
}

export async function teardownInstance(instance: string): Promise<TeardownReport> {
  const started = performance.now();
  const names = instanceNames(instance);
  const ledger = Ledger.read(names.stateFile);
  const namespaces = new Set<string>(ledger?.data.namespaces ?? []);
  for (const ns of await listNamespaces()) if (ns.startsWith(names.prefix)) namespaces.add(ns);

  // Daemons first: deleting a namespace does not stop the processes inside it.
  const pids = new Set<number>();
  for (const p of ledger?.data.processes ?? []) if (isSameProcess(p)) pids.add(p.pid);
  for (const p of ownedPids(instance, [...namespaces])) pids.add(p);
  pids.delete(process.pid);
  // SIGKILL straight away: the namespaces go with them, so a graceful FRR shutdown buys nothing
  // (and zebra with -n segfaults on SIGTERM anyway).
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (pids.size > 0) {
    await eventuallyValue(async () => ([...pids].some(alive) ? undefined : true), {
      timeoutMs: 5000,
      intervalMs: 10,
      what: `processes of lab ${instance} to exit`,
    });
  }

  const mounts = new Set<string>([...(ledger?.data.mounts ?? []), ...mountsUnder(names.dir)]);
  // Deepest first, so bind mounts inside a view directory go before the directory itself.
  const ordered = [...mounts].sort((a, b) => b.length - a.length);
  for (const m of ordered) await run(['umount', '-l', m], { allowFailure: true });

  await deleteNamespaces([...namespaces]);

  const paths = new Set<string>(ledger?.data.paths ?? []);
  for (const root of [FRR_RUN_ROOT, FRR_CONF_ROOT]) {
    try {
      for (const e of readdirSync(root)) if (e.startsWith(frrPrefixOf(instance))) paths.add(join(root, e));
    } catch {
      // FRR's directories may not exist at all.
    }
  }
  paths.add(names.dir);
  for (const p of paths) rmSync(p, { recursive: true, force: true });
  return { killed: pids.size, namespaces: namespaces.size, mounts: mounts.size, ms: Math.round(performance.now() - started) };
}

/** Instances with anything left on this machine: a ledger, a namespace or a FRR directory. */
export async function leftoverInstances(): Promise<string[]> {
  const found = new Set<string>();
  try {
    for (const e of readdirSync('/run/pelab')) found.add(e);
  } catch {
    // No instance ever ran.
  }
  for (const ns of await listNamespaces()) {
    const m = /^pelab\.([a-z][a-z0-9-]*)\./.exec(ns);
    if (m) found.add(m[1]!);
  }
  return [...found].sort();
}
