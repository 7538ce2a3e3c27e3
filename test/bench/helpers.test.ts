// The benchmark's pure parts: statistics and the table, the vty protocol framing, /proc parsing,
// command categories, and when a router counts as "all sessions Established". Nothing is timed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBgpSummary, type BgpSession } from '../../src/checks/parse/bgp.ts';
import { kindOf, ownerOf, parseRollup, parseStat } from '../../bench/mem-sampler.ts';
import { establishedPeers, expectedDynamicPeers, probeDone, type RouterProbe } from '../../bench/probes.ts';
import { formatSideBySide, formatTable, groupBySection, median, slope, summarize, type Metric } from '../../bench/stats.ts';
import { categoryOf } from '../../bench/trace.ts';

const fixture = (name: string): string => readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'frr', name), 'utf8');

describe('statistics', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it('fits the cost of one more leaf as a least-squares slope', () => {
    // 70 MiB fixed plus 18.5 MiB per leaf, with noise that cancels out.
    const pts = [2, 4, 8, 16, 32].map((x, i) => ({ x, y: 70 + 18.5 * x + (i % 2 === 0 ? 1 : -1) * (i === 4 ? 0 : 1) }));
    expect(slope(pts)).toBeCloseTo(18.5, 0);
    expect(slope([{ x: 1, y: 5 }, { x: 3, y: 9 }])).toBe(2);
    expect(slope([{ x: 4, y: 1 }, { x: 4, y: 2 }])).toBeUndefined();
    expect(slope([{ x: 4, y: 1 }])).toBeUndefined();
  });

  it('judges the median against the target, and a failed run as FAIL', () => {
    const target = { op: '<=', value: 10 } as const;
    expect(summarize({ samples: [9, 11, 10], failures: [], target }).verdict).toBe('PASS');
    expect(summarize({ samples: [9, 11, 12], failures: [], target }).verdict).toBe('MISS');
    expect(summarize({ samples: [1], failures: ['timeout'], target }).verdict).toBe('FAIL');
    expect(summarize({ samples: [1, 2], failures: [] })).toMatchObject({ verdict: '-', min: 1, max: 2, median: 1.5, n: 2 });
  });

  it('prints one row per metric under its section, sections kept together', () => {
    const m = (id: string, section: string, samples: number[]): Metric => ({ id, section, label: id, unit: 's', samples, failures: [] });
    const metrics = [m('a', 'one', [1]), m('b', 'two', [2]), m('c', 'one', [3])];
    expect(groupBySection(metrics).map((x) => x.id)).toEqual(['a', 'c', 'b']);
    const lines = formatTable(metrics).split('\n');
    expect(lines[0]).toMatch(/^metric\s+target\s+median\s+min\s+max\s+n\s+verdict$/);
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['[one]', 'a', 'c', '[two]', 'b']);
    expect(lines.find((l) => l.trim().startsWith('c'))).toMatch(/3\.00 s/);
  });

  it('puts measurements side by side: median (min–max), a skip with its reason, a failed run', () => {
    const m = (samples: number[], unit: Metric['unit'] = 's', failures: string[] = []): Metric => ({ id: 'x', section: 's', label: 'x', unit, samples, failures });
    const text = formatSideBySide('pelab beside the baseline', ['pelab', 'baseline', 'ratio'], [
      { label: 'fabric Established', cells: [m([3.1, 2.9, 3.5]), m([3, 3, 3]), m([1.03, 0.97, 1.1], 'x')] },
      { label: 'on FRR 10', cells: [{ skipped: 'no FRR 10 root' }, undefined, m([], 's', ['timeout'])] },
    ]).split('\n');
    expect(text[0]).toBe('pelab beside the baseline');
    expect(text[1]).toMatch(/^\s+pelab\s+baseline\s+ratio$/);
    expect(text[3]).toMatch(/^fabric Established\s+3\.10 s \(2\.90–3\.50 s\)\s+3\.00 s\s+1\.03x \(0\.97x–1\.10x\)$/);
    expect(text[4]).toMatch(/^on FRR 10\s+skipped: no FRR 10 root\s+-\s+failed \(1\)$/);
  });
});

describe('/proc parsing', () => {
  it('reads comm, ppid, CPU ticks and start time from stat, even with spaces in comm', () => {
    const stat = '1234 (node (x) y) S 99 1234 1234 0 -1 4194560 100 0 0 0 70 30 5 6 20 0 11 0 987654 100000 200 18446744073709551615';
    expect(parseStat(stat)).toEqual({ comm: 'node (x) y', ppid: 99, cpuTicks: 100, startTime: '987654' });
  });

  it('reads Rss and Pss from smaps_rollup', () => {
    const text = '55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:               15360 kB\nPss:                9876 kB\nPss_Dirty:          100 kB\n';
    expect(parseRollup(text)).toEqual({ rssKiB: 15360, pssKiB: 9876 });
  });

  it('classifies lab processes and finds the owner mark', () => {
    expect(kindOf('zebra')).toBe('frr');
    expect(kindOf('bgpd')).toBe('frr');
    expect(kindOf('sleep')).toBe('holder');
    expect(kindOf('python3')).toBe('endpoint');
    expect(kindOf('nginx')).toBe('nginx');
    expect(kindOf('nsenter')).toBe('other');
    expect(ownerOf('PATH=/bin\0PELAB_OWNER=bench-up\0HOME=/root\0')).toBe('bench-up');
    expect(ownerOf('PATH=/bin\0')).toBeUndefined();
  });
});

describe('command categories', () => {
  it('names the command inside nsenter, and vtysh by what it does', () => {
    expect(categoryOf(['nsenter', '-t', '12', '-m', '-n', '-u', '--', '/usr/lib/frr/zebra', '-d', '-n'])).toBe('start zebra');
    expect(categoryOf(['nsenter', '--net=/run/netns/x', '--', 'sysctl', '-q', '-w', 'a=1'])).toBe('sysctl');
    expect(categoryOf(['ip', '-n', 'x', '-batch', '-'])).toBe('ip -batch');
    expect(categoryOf(['vtysh', '-N', 'p', '-c', 'show vrf'])).toBe('vtysh show vrf');
    expect(categoryOf(['vtysh', '-N', 'p', '-f', '/tmp/x.conf'])).toBe('vtysh -f (load config)');
    expect(categoryOf(['vtysh', '-N', 'p', '-c', 'configure terminal', '-c', 'router bgp 1'])).toBe('vtysh configure');
    expect(categoryOf(['/usr/bin/python3', '/usr/lib/frr/frr-reload.py', '--reload'])).toBe('frr-reload.py');
  });
});

describe('all sessions Established', () => {
  const pe: RouterProbe = { label: 'x/node0/pe', pathspace: 'p', role: 'pe', minPeers: 1 };

  it('holds for a recorded PE summary with every session up (VRFs included)', () => {
    const sessions = parseBgpSummary(fixture('pe-bgp-vrf-all-summary.json'));
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.state === 'Established')).toBe(true);
    expect(probeDone(pe, sessions)).toBe(true);
    expect(probeDone({ ...pe, minPeers: establishedPeers(sessions).size + 1 }, sessions)).toBe(false);
  });

  it('does not hold for a router with a session not Established', () => {
    const sessions = parseBgpSummary(fixture('leafA-bgp-summary.json'));
    expect(sessions.some((s) => s.state !== 'Established')).toBe(true);
    expect(probeDone({ ...pe, role: 'fabric' }, sessions)).toBe(false);
  });

  it('does not hold before the router has any session', () => {
    expect(probeDone(pe, parseBgpSummary('{}'))).toBe(false);
  });

  it('counts a peer once across address families, and only when all are up', () => {
    const s = (afi: string, state: string): BgpSession => ({ vrf: 'default', afi, peer: '10.0.0.1', state, dynamic: false });
    expect(establishedPeers([s('ipv4', 'Established'), s('l2vpn-evpn', 'Established')]).size).toBe(1);
    expect(establishedPeers([s('ipv4', 'Established'), s('l2vpn-evpn', 'Connect')]).size).toBe(0);
  });

  it('expects a ToR to have one dynamic peer per PE router that lists it', () => {
    const tor: RouterProbe = { label: 'x/tor', pathspace: 't', role: 'fabric', minPeers: 1, torAddress: '192.168.11.2' };
    const probes = [tor, pe, { ...pe, label: 'x/node1/pe' }, { ...pe, label: 'x/node1/speaker', role: 'speaker' as const }];
    const peer = (p: string): BgpSession => ({ vrf: 'default', afi: 'ipv4', peer: p, state: 'Established', dynamic: false });
    const last = new Map<string, BgpSession[]>([
      ['x/node0/pe', [peer('192.168.11.2')]],
      ['x/node1/pe', [peer('192.168.11.2')]],
      ['x/node1/speaker', [peer('192.168.11.2')]],
    ]);
    expect(expectedDynamicPeers(tor.torAddress, last, probes)).toBe(2);
    expect(expectedDynamicPeers(undefined, last, probes)).toBe(0);
    const torSessions = [peer('192.168.1.4'), peer('192.168.11.3')];
    expect(probeDone(tor, torSessions, 2)).toBe(false);
    expect(probeDone(tor, [...torSessions, peer('192.168.11.4')], 2)).toBe(true);
  });
});
