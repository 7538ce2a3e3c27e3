// Which FRR a lab runs (PELAB_FRR, the system's package, the private Debian 13 root), how its
// commands are wrapped, and what pelab does differently per version.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { dpkgVersion, FRR10_ROOT, frrMajor, inFrrBuild, installedFrr, selectFrrBuild, upstreamVersion, type FrrBuild } from '../../src/runtime/netns/frr-build.ts';
import { frrQuirks, hasBfdIdleRegression } from '../../src/runtime/netns/frr-quirks.ts';
import { baseDaemons, isL3vniStillBeingRemoved } from '../../src/runtime/netns/frr.ts';

const system84: FrrBuild = { version: '8.4.4', source: 'Debian package frr 8.4.4-1.1~deb12u2 from the system (/usr/lib/frr)' };
const system103: FrrBuild = { version: '10.3', source: 'Debian package frr 10.3-3+deb13u1 from the system (/usr/lib/frr)' };
const root103: FrrBuild = { version: '10.3', source: 'Debian package frr 10.3-3+deb13u1 from the private Debian 13 root /r', root: '/r' };

describe('FRR versions from dpkg', () => {
  const status = [
    'Package: frr-doc\nStatus: install ok installed\nVersion: 9.9-1',
    'Package: frr\nStatus: deinstall ok config-files\nVersion: 7.5-1',
    'Package: frr\nStatus: install ok installed\nPriority: optional\nVersion: 8.4.4-1.1~deb12u2',
  ].join('\n\n');
  it('reads the installed package, not a removed one or a namesake', () => {
    expect(dpkgVersion(status, 'frr')).toBe('8.4.4-1.1~deb12u2');
    expect(dpkgVersion(status, 'frr-pythontools')).toBeUndefined();
  });
  it('keeps the upstream part of a Debian version', () => {
    expect(upstreamVersion('8.4.4-1.1~deb12u2')).toBe('8.4.4');
    expect(upstreamVersion('10.3-3+deb13u1')).toBe('10.3');
    expect(upstreamVersion('1:10.3-1')).toBe('10.3');
    expect(frrMajor({ version: '10.3' })).toBe(10);
  });
  it('reads this machine\'s FRR', () => {
    const system = installedFrr('');
    if (!existsSync('/usr/lib/frr/zebra')) return;
    expect(system?.version).toMatch(/^\d+\.\d+/);
    expect(system?.root).toBeUndefined();
  });
  it.skipIf(!existsSync(`${FRR10_ROOT}/.pelab-complete`))('reads the private root\'s FRR 10 (make frr10-root)', () => {
    const b = installedFrr(FRR10_ROOT);
    expect(frrMajor(b!)).toBe(10);
    expect(b?.source).toMatch(/private Debian (13 \(trixie\)|forky) root/);
    expect(b?.root).toBe(FRR10_ROOT);
  });
});

describe('PELAB_FRR', () => {
  it('is the system FRR when unset or empty', () => {
    expect(selectFrrBuild(undefined, system84, root103)).toBe(system84);
    expect(selectFrrBuild('', system103, undefined)).toBe(system103);
  });
  it('10 takes the private root on a machine whose FRR is older (Debian 12)', () => {
    expect(selectFrrBuild('10', system84, root103)).toBe(root103);
  });
  it('10 takes the system FRR where it is 10 already (Debian 13)', () => {
    expect(selectFrrBuild('10', system103, root103)).toBe(system103);
  });
  it('10 without a built root says how to build it (exit 3), instead of running 8.4 under that name', () => {
    const e = selectFrrBuild('10', system84, undefined) as Error & { exitCode: number };
    expect(e.exitCode).toBe(ExitCode.labBuildFailed);
    expect(e.message).toContain('the system\'s FRR is 8.4.4 and the private FRR 10 root');
    expect(e.message).toContain('make frr10-root');
  });
  it('names what it expected for anything else (exit 2)', () => {
    const e = selectFrrBuild('9', system84, root103) as Error & { exitCode: number };
    expect(e.exitCode).toBe(ExitCode.badInput);
    expect(e.message).toBe('environment: PELAB_FRR: 10 or unset (the system FRR), not "9"');
  });
});

describe('commands of a build', () => {
  it('runs the system build as is and a root build chrooted in the router\'s mount namespace', () => {
    expect(inFrrBuild(system84, 42, ['vtysh', '-N', 'p'])).toEqual(['vtysh', '-N', 'p']);
    expect(inFrrBuild(root103, 42, ['vtysh', '-N', 'p'])).toEqual(['nsenter', '-t', '42', '-m', '--', 'chroot', '/r', 'vtysh', '-N', 'p']);
    expect(() => inFrrBuild(root103, undefined, ['vtysh'])).toThrow(/namespace holder is not running/);
  });
  it('starts mgmtd first on FRR 10 only', () => {
    expect(baseDaemons(system84)).toEqual(['zebra', 'bgpd']);
    expect(baseDaemons(root103)).toEqual(['mgmtd', 'zebra', 'bgpd']);
  });
  it('writes netns lines into VRF stanzas on 8.4 only', () => {
    expect(frrQuirks(system84).netnsLinesInConfig).toBe(true);
    expect(frrQuirks(system103).netnsLinesInConfig).toBe(false);
  });
  it('knows which versions keep a BFD-down peer Idle (regression 1fb48f5d13, fixed in 10.2.2 and 10.3.1)', () => {
    const affected = ['8.4.4', '10.1', '10.2', '10.2.1', '10.2.2', '10.3', '10.3.0', '10.3.1', '10.4.3', '10.7.1'].filter(hasBfdIdleRegression);
    expect(affected).toEqual(['10.2', '10.2.1', '10.3', '10.3.0']);
  });
  it('retries removing a VRF\'s BGP instance while bgpd still holds its L3VNI, on both versions\' wording', () => {
    expect(isL3vniStillBeingRemoved('% Please unconfigure l3vni 100')).toBe(true);
    expect(isL3vniStillBeingRemoved('% L3VNI 100 is scheduled to be deleted. Please give it few secs and retry the command')).toBe(true);
    expect(isL3vniStillBeingRemoved('% Unknown command: no router bgp 1 vrf red')).toBe(false);
  });
});
