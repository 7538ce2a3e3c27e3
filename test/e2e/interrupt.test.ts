// Interrupt and kill safety on the netns runtime: one pelab command per lab at a time, `down`
// of a half-built lab, and a 10-run version of `make soak` (random SIGINT/SIGKILL during up,
// apply, run and down, each followed by a plain down, then nothing of the lab may be left).
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { soak } from '../soak/soak.ts';
import { canRunLabs, type CliResult, leftovers, pelab, PELAB, ROOT, skipReason } from './helpers.ts';

const INSTANCES = ['int-lock', 'int-half', 'int-soak', 'int-mark', 'int-orph'];

/**
 * Child pids of `pid`, from the kernel's per-thread children lists: 0.04 ms a pass, where a scan
 * of every /proc/N/stat took 3-9 ms (125-400 processes), most of a core at one pass every 2 ms.
 */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) => {
      try {
        return readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** Child pids of `pid` (one pass), with whether each carries the owner mark of `instance`. */
function children(pid: number, instance: string): Map<number, { marked: boolean; cmd: string }> {
  const found = new Map<number, { marked: boolean; cmd: string }>();
  let parentCmd: string;
  try {
    parentCmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
  } catch {
    return found;
  }
  // Until bin/pelab (a bash launcher) has exec'd Node, its children are the launcher's own command
  // substitutions (`$(readlink -f "$0")`), not processes pelab starts: pelab sets the mark for those.
  if (!parentCmd.includes('src/cli/main.ts')) return found;
  for (const e of childPids(pid)) {
    try {
      // Command line, environment, command line: when both reads of the command line agree (and
      // are not the parent's), the environment was read after the exec.
      const cmdOf = (): string => readFileSync(`/proc/${e}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
      const before = cmdOf();
      const env = readFileSync(`/proc/${e}/environ`, 'latin1').split('\0');
      const cmd = cmdOf();
      if (cmd !== before) continue;
      // Between fork and exec a child still shows the parent's command line and environment
      // (pelab's own, which has no mark: the mark is set in process.env for children). Skip those.
      if (cmd && cmd !== parentCmd) found.set(e, { marked: env.includes(`PELAB_OWNER=${instance}`), cmd });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** Whether `pid` is stopped (state T in /proc/PID/stat); false once it has exited. */
function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
  } catch {
    return false;
  }
}

/**
 * Leaves `pid` stopped (SIGSTOP) at a moment the lock file `lock` names it as holder: stopped, it
 * cannot release the lock. Tries again (SIGCONT, a short pause) until the lock is its; throws when
 * it exits first or `deadlineMs` passes.
 */
async function stopWhileHoldingLock(pid: number, lock: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    process.kill(pid, 'SIGSTOP');
    while (!isStopped(pid)) {
      if (!existsSync(`/proc/${pid}`) || Date.now() >= end) throw new Error(`pelab up (pid ${pid}) ended before it was seen holding ${lock}`);
      await delay(1);
    }
    let holder: number | undefined;
    try {
      holder = (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid;
    } catch {
      // Not taken yet.
    }
    if (holder === pid) return;
    process.kill(pid, 'SIGCONT');
    await delay(10);
  }
  throw new Error(`pelab up (pid ${pid}) was never seen holding ${lock} within ${deadlineMs} ms`);
}

// Each test has an instance of its own (INSTANCES), so they run concurrently (vitest.config.ts
// maxConcurrency): the short ones beside the 10 interrupted runs instead of before them.
describe.skipIf(!canRunLabs)(`interrupt safety${skipReason ? ` (skipped: ${skipReason})` : ''}`, { concurrent: true }, () => {
  beforeAll(async () => {
    for (const name of INSTANCES) if ((await leftovers(name)).length > 0) await pelab(['down', '--name', name]);
  });

  // The longest first, so the others run beside it.
  it('10 interrupted runs (make soak with SOAK_N=10) leave nothing behind', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const seed = Date.now() % 1_000_000;
    const r = await soak({ runs: 10, instance: 'int-soak', seed, log: (l) => lines.push(l) });
    expect(r.runs).toHaveLength(10);
    expect(r.withLeftovers, `seed ${seed}\n${lines.join('\n')}`).toBe(0);
  });

  it('a second command on a lab that is busy stops with exit 2 and names the first', { timeout: 120_000 }, async () => {
    const first = execa(PELAB, ['up', '--lab', 'mini', '--name', 'int-lock'], { cwd: ROOT, reject: false });
    const pid = first.pid!;
    // The overlap is made certain, not likely: on a quiet machine the first up once finished before
    // the second command started. The first is held stopped at a moment it holds the lock, so it
    // cannot release the lock before the second command has tried; then it goes on where it was.
    await stopWhileHoldingLock(pid, '/run/lock/pelab/int-lock.lock', 20_000);
    let second: CliResult;
    try {
      second = await pelab(['down', '--name', 'int-lock']);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const up = await first;
    expect(up.exitCode, String(up.stderr)).toBe(0);
    expect(second.exitCode, second.stderr).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`"int-lock" is in use by pelab up \\(pid ${pid},`));
    // The first up was not disturbed: its lab is complete.
    const status = await pelab(['status', '--name', 'int-lock']);
    expect(status.exitCode, status.stdout).toBe(0);
    const down = await pelab(['down', '--name', 'int-lock']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers('int-lock')).toEqual([]);
  });

  it('down of a lab whose up was SIGKILLed mid-way removes everything, and the name comes up again at once', { timeout: 120_000 }, async () => {
    const child = execa(PELAB, ['up', '--lab', 'mini', '--name', 'int-half'], { cwd: ROOT, reject: false });
    // Kill once FRR is being started: namespaces, mounts and daemons exist, the ledger is incomplete.
    const end = Date.now() + 30_000;
    while (!(await leftovers('int-half')).some((l) => l.includes('bgpd') || l.includes('zebra')) && Date.now() < end) await delay(20);
    child.kill('SIGKILL');
    await child;
    const down = await pelab(['down', '--name', 'int-half']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toBe('');
    expect(await leftovers('int-half')).toEqual([]);
    const again = await pelab(['up', '--lab', 'mini', '--name', 'int-half']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect((await pelab(['down', '--name', 'int-half'])).exitCode).toBe(0);
    expect(await leftovers('int-half')).toEqual([]);
  });

  it('every process pelab up starts carries the lab\'s owner mark, so a killed pelab\'s children are found', { timeout: 120_000 }, async () => {
    const child = execa(PELAB, ['up', '--lab', 'mini', '--name', 'int-mark'], { cwd: ROOT, reject: false });
    const seen = new Map<number, { marked: boolean; cmd: string }>();
    let done = false;
    void child.then(() => {
      done = true;
    });
    while (!done && child.pid !== undefined) {
      for (const [pid, c] of children(child.pid, 'int-mark')) seen.set(pid, c);
      await delay(2);
    }
    const up = await child;
    expect(up.exitCode, String(up.stderr)).toBe(0);
    // ip, nsenter, mount, vtysh...: many short-lived children, each of them marked.
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen.values()].filter((c) => !c.marked).map((c) => c.cmd)).toEqual([]);
    expect((await pelab(['down', '--name', 'int-mark'])).exitCode).toBe(0);
  });

  it('down kills a process that outlived its pelab, found by the owner mark alone', { timeout: 60_000 }, async () => {
    // Stands in for an orphaned child of a killed pelab: outside every lab namespace, named after nothing of the lab.
    const orphan = execa('sleep', ['300'], { env: { PELAB_OWNER: 'int-orph' }, reject: false, detached: true });
    const down = await pelab(['down', '--name', 'int-orph']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await orphan).signal).toBe('SIGKILL');
    expect(await leftovers('int-orph')).toEqual([]);
  });
});
