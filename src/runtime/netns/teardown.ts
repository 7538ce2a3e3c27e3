// Removes everything an instance created. It trusts the ledger first and then sweeps by name
// prefix and by the owner mark in process environments, so a ledger cut short by a crash still
// leads to a clean machine.
import { readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../proc/run.ts';
import { LabBuildError } from '../../errors.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import { isSameProcess, Ledger, type RecordedProcess } from './ledger.ts';
import { deleteNamespaces, listNamespaces, nsPath } from './netops.ts';
import { FRR_CONF_ROOT, FRR_RUN_ROOT, frrPrefixOf, instanceNames } from './names.ts';
import { OWNER_ENV } from '../claim.ts';

/** This process and its ancestors: a shell or test runner that carries the mark is not the lab's. */
function selfAndAncestors(): Set<number> {
  const pids = new Set<number>();
  for (let pid = process.pid; pid > 1 && !pids.has(pid); ) {
    pids.add(pid);
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      pid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      break;
    }
  }
  return pids;
}

/**
 * One pass over /proc: live processes marked with the instance's owner variable, or living in
 * one of its namespaces (compared by namespace inode, which `stat` of the /run/netns entry gives).
 */
function ownedPids(instance: string, namespaces: readonly string[], spare: ReadonlySet<number>): number[] {
  const mark = `\0${OWNER_ENV}=${instance}\0`;
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
    if (!/^\d+$/.test(entry) || spare.has(Number(entry))) continue;
    try {
      if (inodes.has(readlinkSync(`/proc/${entry}/ns/net`)) || `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(mark)) {
        if (alive(Number(entry))) pids.push(Number(entry));
      }
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

/** Mount points equal to `path` or below it (`path` a folder), or starting with `path` (`prefix`). */
function mountsMatching(path: string, how: 'folder' | 'prefix'): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  return lines
    .map((l) => l.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((m): m is string => m !== undefined && (how === 'prefix' ? m.startsWith(path) : m === path || m.startsWith(`${path}/`)));
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

interface TeardownReport {
  readonly killed: number;
  readonly namespaces: number;
  readonly mounts: number;
  readonly ms: number;
}

/** How long `down` keeps killing before it gives up on a process that will not die. */
const KILL_DEADLINE_MS = 20_000;

/**
 * Kills every process of the instance, again and again until a pass over /proc finds none:
 * a child of a killed pelab may still be starting a daemon, which the next pass then finds.
 * SIGKILL straight away: the namespaces go with them, so a graceful FRR shutdown buys nothing
 * (and zebra with -n segfaults on SIGTERM anyway).
 */
async function killAll(instance: string, namespaces: readonly string[], recorded: readonly RecordedProcess[]): Promise<number> {
  const spare = selfAndAncestors();
  const killed = new Set<number>();
  let left: number[] = [];
  try {
    await eventuallyValue(
      async () => {
        left = [...new Set([...recorded.filter(isSameProcess).map((p) => p.pid), ...ownedPids(instance, namespaces, spare)])].filter((p) => !spare.has(p) && alive(p));
        if (left.length === 0) return true;
        for (const pid of left) {
          killed.add(pid);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        return undefined;
      },
      { timeoutMs: KILL_DEADLINE_MS, intervalMs: 20, what: `processes of lab ${instance} to exit` },
    );
  } catch {
    throw new LabBuildError(
      `processes of lab ${instance} still run after ${KILL_DEADLINE_MS / 1000} s of SIGKILL: ${left.join(', ')}`,
      `see ps -o pid,stat,cmd -p ${left.join(',')}; run pelab down --name ${instance} again once they are gone`,
    );
  }
  return killed.size;
}

/**
 * Lazily unmounts `paths` in this order with one `umount`, which goes on past a path that is not
 * mounted (any more) and unmounts the rest (exit 64: some failed): one process instead of one per
 * mount (15 in a scenario's `down`).
 */
async function unmountAll(paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await run(['umount', '-l', ...paths], { allowFailure: true });
}

/**
 * Removes everything of an instance, in an order that a kill at any point can resume from:
 * processes first (they hold mounts and namespaces), then mounts, namespaces and files. The
 * ledger goes last, so a `down` cut short still knows what to remove.
 */
export async function teardownInstance(instance: string): Promise<TeardownReport> {
  const started = performance.now();
  const names = instanceNames(instance);
  const ledger = Ledger.read(names.stateFile);
  const namespaces = new Set<string>(ledger?.data.namespaces ?? []);
  for (const ns of await listNamespaces()) if (ns.startsWith(names.prefix)) namespaces.add(ns);

  const killed = await killAll(instance, [...namespaces], ledger?.data.processes ?? []);

  const mounts = new Set<string>([...(ledger?.data.mounts ?? []), ...mountsMatching(names.dir, 'folder')]);
  // Deepest first, so bind mounts inside a view directory go before the directory itself.
  await unmountAll([...mounts].sort((a, b) => b.length - a.length));

  await deleteNamespaces([...namespaces]);
  // A namespace file whose `ip netns del` was cut short between unmount and unlink, or an nsfs
  // mount whose file is gone: both by name.
  await unmountAll(mountsMatching(nsPath(names.prefix), 'prefix'));
  for (const ns of await listNamespaces()) if (ns.startsWith(names.prefix)) rmSync(nsPath(ns), { force: true });

  const paths = new Set<string>(ledger?.data.paths ?? []);
  for (const root of [FRR_RUN_ROOT, FRR_CONF_ROOT]) {
    try {
      for (const e of readdirSync(root)) if (e.startsWith(frrPrefixOf(instance))) paths.add(join(root, e));
    } catch {
      // FRR's directories may not exist at all.
    }
  }
  paths.delete(names.dir);
  // The ledger's folder last: while it exists, the next `down` knows what is left.
  const failed: string[] = [];
  for (const p of [...paths, names.dir]) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch (e) {
      failed.push(`${p} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  if (failed.length > 0) {
    throw new LabBuildError(`could not remove ${failed.join(', ')} of lab ${instance}`, `see what holds them (findmnt, fuser); then run pelab down --name ${instance} again`);
  }
  return { killed, namespaces: namespaces.size, mounts: mounts.size, ms: Math.round(performance.now() - started) };
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
