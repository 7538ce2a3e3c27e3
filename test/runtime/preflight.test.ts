// Without root or FRR, the netns runtime says what is missing and how to get it (exit 3).
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { missingRequirements, preflightError } from '../../src/runtime/netns/preflight.ts';

describe('netns preflight', () => {
  it('asks for root first', () => {
    const e = preflightError({ root: false, packages: ['frr'] });
    expect(e?.exitCode).toBe(ExitCode.labBuildFailed);
    expect(e?.message).toMatch(/needs root/);
    expect(e?.message).toMatch(/sudo|--runtime kind/);
  });

  it('names the missing Debian packages and the command that installs them', () => {
    const e = preflightError({ root: true, packages: ['frr', 'curl'] });
    expect(e?.message).toContain('missing Debian packages for the netns runtime: frr, curl');
    expect(e?.message).toContain('apt-get install frr curl');
  });

  it('passes on a machine that has everything', () => {
    expect(preflightError({ root: true, packages: [] })).toBeUndefined();
  });

  it('reads this machine: what make test installs is all there', () => {
    // make test runs setup first, so on a test machine nothing may be missing.
    expect(missingRequirements().packages).toEqual([]);
  });
});
