// Long-lived helper processes of a lab (namespace holders, HTTP endpoints): started detached,
// marked with the lab's owner variable, and written to the ledger as soon as they exist, so a
// crash of pelab cannot orphan them.
import { spawn } from 'node:child_process';
import { LabBuildError } from '../../errors.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import type { Ledger } from './ledger.ts';
import { processStartTime } from '../../proc/identity.ts';
import { OWNER_ENV } from '../claim.ts';
import { inNs } from './netops.ts';

/** Starts `argv` inside namespace `ns`, detached; returns its pid once the ledger has it. */
export async function spawnOwned(ns: string, argv: readonly string[], label: string, ledger: Ledger, owner: string): Promise<number> {
  const [file, ...args] = inNs(ns, argv);
  const child = spawn(file!, args, { detached: true, stdio: 'ignore', env: { ...process.env, [OWNER_ENV]: owner } });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new LabBuildError(`could not start ${label}`);
  const startTime = await eventuallyValue(async () => processStartTime(pid), { timeoutMs: 2000, intervalMs: 5, what: label });
  ledger.addProcess({ pid, startTime, label });
  return pid;
}
