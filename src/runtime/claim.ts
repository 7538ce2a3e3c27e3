// One pelab command at a time per lab instance, and a mark on everything it starts.
//
// The lock is a file created atomically (written aside, then hard-linked into place, so it is
// never seen half written) that holds the owner's pid and kernel start time. A lock whose owner
// is no longer that process (killed with SIGKILL, crashed) is stale and taken over.
//
// The mark: while a command holds an instance, every process it starts carries
// PELAB_OWNER=<instance> in its environment (children inherit process.env), including
// short-lived ip, vtysh, mount and nsenter calls. When pelab is killed, such children can
// outlive it; `down` finds them by that mark and kills them before it removes anything.
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { processStartTime } from '../proc/identity.ts';

export const OWNER_ENV = 'PELAB_OWNER';

/** Where locks live: outside any instance's own folder, so `down` never removes a held lock. */
const LOCK_DIR = '/run/lock/pelab';

interface LockHolder {
  readonly pid: number;
  readonly startTime: string;
  readonly command: string;
  readonly since: string;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

function holderAlive(holder: LockHolder | undefined): boolean {
  return holder !== undefined && processStartTime(holder.pid) === holder.startTime;
}

export interface Claim {
  readonly instance: string;
  release(): void;
}

const held = new Map<string, { file: string; count: number }>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit() (after Ctrl-C cleanup) and uncaught errors still run 'exit' handlers.
  process.on('exit', () => {
    for (const { file } of held.values()) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    }
  });
}

function tryLink(file: string, holder: LockHolder): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(holder));
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/** `dir`, made if need be; where /run/lock is not writable (a kind user without root), one under the temp folder. */
function usableLockDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o1777 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (dir !== LOCK_DIR || (code !== 'EACCES' && code !== 'EROFS' && code !== 'ENOENT')) throw e;
    const fallback = join(tmpdir(), 'pelab-locks');
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
  try {
    chmodSync(dir, 0o1777);
  } catch {
    // Made by another user: its mode is theirs to set.
  }
  return dir;
}

/**
 * Takes instance `instance` for `command`, or stops with exit 2 naming who holds it. Re-entrant
 * within one process (`run` of two scenarios on one instance). Until release(), every child
 * process carries the owner mark.
 */
export function claimInstance(instance: string, command: string, lockDir: string = LOCK_DIR): Claim {
  const mine = held.get(instance);
  if (mine) {
    mine.count++;
  } else {
    lockDir = usableLockDir(lockDir);
    const file = join(lockDir, `${instance}.lock`);
    const me: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', command, since: new Date().toISOString() };
    const busy = (holder: LockHolder | undefined): InputError => {
      const who = holder ? `pelab ${holder.command} (pid ${holder.pid}, since ${holder.since})` : `another pelab (${file})`;
      return new InputError('command line', '--name', `a lab instance no other pelab command is using: "${instance}" is in use by ${who}; wait for it to finish or stop it, then retry`);
    };
    // A few rounds: each after moving a stale lock aside. The lock is moved (atomically) before it
    // is judged again, so a pelab that raced us to a fresh lock never loses it to our clean-up.
    for (let round = 0; ; round++) {
      if (tryLink(file, me)) break;
      const holder = readHolder(file);
      if (holderAlive(holder) || round >= 3) throw busy(holder);
      const aside = `${file}.${process.pid}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // Another pelab moved it first.
      }
      const moved = readHolder(aside);
      if (holderAlive(moved)) {
        // A live lock taken between our look and our move: put it back.
        try {
          linkSync(aside, file);
        } finally {
          unlinkSync(aside);
        }
        throw busy(moved);
      }
      unlinkSync(aside);
    }
    held.set(instance, { file, count: 1 });
    releaseAllOnExit();
  }
  process.env[OWNER_ENV] = instance;
  return {
    instance,
    release: () => {
      const h = held.get(instance);
      if (!h) return;
      if (--h.count > 0) return;
      held.delete(instance);
      try {
        unlinkSync(h.file);
      } catch {
        // Removed by hand: nothing to release.
      }
      if (process.env[OWNER_ENV] === instance) delete process.env[OWNER_ENV];
    },
  };
}

/** Runs `work` holding `instance`. */
export async function withInstance<T>(instance: string, command: string, work: () => Promise<T>): Promise<T> {
  const claim = claimInstance(instance, command);
  try {
    return await work();
  } finally {
    claim.release();
  }
}
