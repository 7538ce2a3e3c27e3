// The per-instance lock and owner mark (src/runtime/claim.ts), on real files and real processes:
// a live holder (this test's parent process), a dead one (a child that has exited) and a
// lock that is never half written.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { processStartTime } from '../../src/proc/identity.ts';
import { claimInstance, OWNER_ENV } from '../../src/runtime/claim.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'pelab-claim-'));

function holder(pid: number, command = 'up'): string {
  return JSON.stringify({ pid, startTime: processStartTime(pid), command, since: '2026-01-01T00:00:00.000Z' });
}

describe('claimInstance', () => {
  it('creates the lock, marks children with the owner and removes both on release', async () => {
    const d = dir();
    const claim = claimInstance('lab-a', 'up', d);
    const lock = JSON.parse(readFileSync(join(d, 'lab-a.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid), command: 'up' });
    const child = await execa('sh', ['-c', `echo $${OWNER_ENV}`]);
    expect(child.stdout).toBe('lab-a');
    claim.release();
    expect(existsSync(join(d, 'lab-a.lock'))).toBe(false);
    expect(process.env[OWNER_ENV]).toBeUndefined();
  });

  it('refuses an instance a live process holds, naming it (exit 2)', () => {
    const d = dir();
    writeFileSync(join(d, 'lab-b.lock'), holder(process.ppid, 'run'));
    let error: unknown;
    try {
      claimInstance('lab-b', 'down', d);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`"lab-b" is in use by pelab run (pid ${process.ppid}, since 2026-01-01T00:00:00.000Z)`);
    // The live holder's lock is untouched.
    expect(JSON.parse(readFileSync(join(d, 'lab-b.lock'), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over a lock whose holder is dead (killed with SIGKILL, say)', async () => {
    const d = dir();
    const child = execa('true');
    const pid = child.pid!;
    await child;
    writeFileSync(join(d, 'lab-c.lock'), JSON.stringify({ pid, startTime: 'long ago', command: 'up', since: 'then' }));
    const claim = claimInstance('lab-c', 'down', d);
    expect(JSON.parse(readFileSync(join(d, 'lab-c.lock'), 'utf8')).pid).toBe(process.pid);
    claim.release();
  });

  it('treats a reused pid with another start time as dead', () => {
    const d = dir();
    writeFileSync(join(d, 'lab-d.lock'), JSON.stringify({ pid: process.ppid, startTime: '1', command: 'up', since: 'then' }));
    const claim = claimInstance('lab-d', 'up', d);
    claim.release();
    expect(existsSync(join(d, 'lab-d.lock'))).toBe(false);
  });

  it('is re-entrant in one process: the lock goes with the last release', () => {
    const d = dir();
    const a = claimInstance('lab-e', 'run', d);
    const b = claimInstance('lab-e', 'run', d);
    a.release();
    expect(existsSync(join(d, 'lab-e.lock'))).toBe(true);
    b.release();
    expect(existsSync(join(d, 'lab-e.lock'))).toBe(false);
  });

  it('leaves no temporary files beside the lock', () => {
    const d = dir();
    const claim = claimInstance('lab-f', 'up', d);
    expect(readdirSync(d)).toEqual(['lab-f.lock']);
    claim.release();
    expect(readdirSync(d)).toEqual([]);
  });
});
