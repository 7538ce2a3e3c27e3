// The vty client against real FRR daemons: what it reads from a daemon's socket must be exactly
// what `vtysh -c` prints, for every command the checks and bundles send over it, and it must
// survive a daemon restart. The daemons run in private network namespaces of their own (unshare
// --net, nothing but `lo`) under a pathspace named after this test process, and are killed after.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonFor, isSuccessCode, takeAnswer, VtyClient, VtyPool, vtySocketPath, type VtyDaemon } from '../../src/runtime/netns/vty.ts';
import { FRR_CONF_ROOT, FRR_RUN_ROOT } from '../../src/runtime/netns/names.ts';

describe('vtysh protocol framing', () => {
  it('waits for the three NULs and the return code', () => {
    expect(takeAnswer(Buffer.from('partial'))).toBeUndefined();
    expect(takeAnswer(Buffer.from('out\0\0\0'))).toBeUndefined();
    const got = takeAnswer(Buffer.concat([Buffer.from('line 1\nline 2\n\0\0\0'), Buffer.from([1]), Buffer.from('next')]));
    expect(got?.answer).toEqual({ text: 'line 1\nline 2\n', code: 1 });
    expect(got?.rest.toString()).toBe('next');
  });

  it('takes an empty answer', () => {
    expect(takeAnswer(Buffer.from([0, 0, 0, 0]))?.answer).toEqual({ text: '', code: 0 });
  });

  it('counts success and warning as vtysh does (exit 0), the rest as failures', () => {
    expect([0, 1, 2, 3, 4, 13].map(isSuccessCode)).toEqual([true, true, false, false, false, false]);
  });
});

describe('which daemon answers a command', () => {
  it.each([
    ['show bgp summary json', 'bgpd'],
    ['show bgp vrf red neighbor 192.168.1.1 json', 'bgpd'],
    ['show  bgp l2vpn evpn route detail type 5 json', 'bgpd'],
    ['show ip bgp json', 'bgpd'],
    ['show ip route vrf red json', 'zebra'],
    ['show ipv6 route json', 'zebra'],
    ['show evpn vni json', 'zebra'],
    ['show interface brief', 'zebra'],
    ['show vrf', 'zebra'],
    ['show bfd peers json', 'bfdd'],
    ['show bfd vrf red peers counters json', 'bfdd'],
  ] as const)('%s -> %s', (command, daemon) => {
    expect(daemonFor(command)).toBe(daemon);
  });

  it.each(['show running-config', 'show version', 'configure terminal', 'clear bgp * soft', 'show bgpx', 'show ip routes', 'show bfdx'])(
    'leaves "%s" to vtysh',
    (command) => {
      expect(daemonFor(command)).toBeUndefined();
    },
  );
});

const FRR_BIN = '/usr/lib/frr';
const skipReason = process.getuid?.() !== 0 ? 'needs root' : !existsSync(join(FRR_BIN, 'bgpd')) ? 'FRR is not installed' : undefined;
if (skipReason) console.log(`skipping the vty tests against real FRR: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('vty client against real FRR', () => {
  const pathspace = `pelab-vtytest-${process.pid}`;
  const runDir = join(FRR_RUN_ROOT, pathspace);
  const confDir = join(FRR_CONF_ROOT, pathspace);
  const pool = new VtyPool();

  const pidOf = (d: VtyDaemon): number => Number(readFileSync(join(runDir, `${d}.pid`), 'utf8').trim());
  const vtysh = (...commands: string[]): string =>
    execFileSync('vtysh', ['-N', pathspace, ...commands.flatMap((c) => ['-c', c])], { encoding: 'utf8' });

  async function startDaemon(d: VtyDaemon): Promise<void> {
    rmSync(vtySocketPath(pathspace, d), { force: true });
    execFileSync('unshare', ['--net', '--', join(FRR_BIN, d), '-d', '-N', pathspace, '-F', 'traditional', '-u', 'frr', '-g', 'frr',
      '-i', join(runDir, `${d}.pid`), ...(d === 'bgpd' ? ['-p', '0'] : []), '--log', `file:${join(runDir, `${d}.log`)}`], { stdio: 'pipe' });
    // Polled with a deadline: on a loaded machine a daemon takes a while to open its socket.
    for (const end = performance.now() + 10_000; !existsSync(vtySocketPath(pathspace, d)) && performance.now() < end; ) await sleep(10);
    expect(existsSync(vtySocketPath(pathspace, d))).toBe(true);
  }

  function stopDaemon(d: VtyDaemon): void {
    try {
      process.kill(pidOf(d), 'SIGKILL');
    } catch {
      // Not running.
    }
  }

  beforeAll(async () => {
    const [, , uid, gid] = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('frr:'))!.split(':');
    for (const dir of [runDir, confDir]) {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, Number(uid), Number(gid));
    }
    writeFileSync(join(confDir, 'vtysh.conf'), '');
    await startDaemon('zebra');
    await startDaemon('bgpd');
    await startDaemon('bfdd');
    // Something to show: a BGP instance with a neighbor that never comes up and a network.
    vtysh('configure terminal', 'router bgp 64999', 'bgp router-id 10.255.0.1', 'no bgp ebgp-requires-policy',
      'neighbor 10.255.0.2 remote-as 65000', 'address-family ipv4 unicast', 'network 10.254.0.0/24', 'exit-address-family');
    // And a BFD peer that never comes up, with a profile's timers.
    vtysh('configure terminal', 'bfd', 'profile fast', 'receive-interval 300', 'transmit-interval 300', 'exit', 'peer 10.255.0.2 local-address 127.0.0.1', 'profile fast');
  });

  afterAll(() => {
    pool.close();
    stopDaemon('bgpd');
    stopDaemon('zebra');
    stopDaemon('bfdd');
    rmSync(runDir, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
  });

  it.each([
    'show bgp summary json',
    'show bgp neighbor 10.255.0.2 json',
    'show bgp neighbor 10.255.0.9 json',
    'show bgp vrf all neighbors json',
    'show bgp vrf nosuch summary json',
    'show bgp ipv4 unicast 10.254.0.0/24 json',
    'show bgp l2vpn evpn route detail type 5 json',
    'show ip route json',
    'show ip route 127.0.0.1/32 json',
    'show evpn vni json',
    'show vrf',
    'show bfd peers json',
    'show bfd peers',
    'show bfd peers counters json',
  ])('"%s" reads the same over the socket as from vtysh', async (command) => {
    const daemon = daemonFor(command)!;
    // Numbers aside: timers (e.g. a neighbor's connect-retry countdown) move between the two reads.
    const numbersAside = (t: string) => t.replace(/\d+/g, 'N');
    const overSocket = async () => {
      const answer = await pool.client(pathspace, daemon).command(command);
      expect(isSuccessCode(answer.code), `${answer.code} ${answer.text}`).toBe(true);
      return numbersAside(answer.text);
    };
    // A neighbor that changes state (Connect <-> Active under load) changes the JSON's shape, not
    // only its numbers. So vtysh's read is bracketed by two socket reads, and compared only in a
    // window where the daemon's own answer did not change; it must then be identical.
    let compared = false;
    for (let attempt = 0; attempt < 5 && !compared; attempt++) {
      const before = await overSocket();
      const fromVtysh = numbersAside(vtysh(command));
      const after = await overSocket();
      if (before !== after) continue;
      expect(before).toBe(fromVtysh);
      compared = true;
    }
    expect(compared, 'the daemon answer never held still across a vtysh read').toBe(true);
  });

  it('answers many queries on one connection, in order, concurrently asked', async () => {
    const c = pool.client(pathspace, 'bgpd');
    const commands = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 'show bgp summary json' : 'show bgp neighbor 10.255.0.2 json'));
    const answers = await Promise.all(commands.map((cmd) => c.command(cmd)));
    for (const [i, a] of answers.entries()) {
      const parsed = JSON.parse(a.text) as Record<string, unknown>;
      if (i % 2 === 0) expect(parsed).toHaveProperty('ipv4Unicast');
      else expect(parsed).toHaveProperty(['10.255.0.2', 'remoteAs'], 65000);
    }
  });

  it('reports an unknown command as a failure code with the daemon text', async () => {
    const a = await pool.client(pathspace, 'bgpd').command('show bgp no such thing');
    expect(isSuccessCode(a.code)).toBe(false);
    expect(a.text).toMatch(/Unknown command/);
  });

  it('reconnects after the daemon restarts', async () => {
    const c = pool.client(pathspace, 'zebra');
    expect((await c.command('show vrf')).code).toBe(0);
    const pid = pidOf('zebra');
    stopDaemon('zebra');
    for (const end = performance.now() + 10_000; existsSync(`/proc/${pid}`) && performance.now() < end; ) await sleep(10);
    await expect(c.command('show vrf')).rejects.toThrow(/vty .*zebra\.vty/);
    await startDaemon('zebra');
    expect(await c.command('show ip route json').then((a) => JSON.parse(a.text) as object)).toBeTypeOf('object');
    // bgpd reconnects to the new zebra on its own; nothing else to restore.
  });

  it('fails, not hangs, when the daemon is gone', async () => {
    const c = new VtyClient(join(runDir, 'nosuchd.vty'));
    await expect(c.command('show vrf', 1000)).rejects.toThrow(/ENOENT/);
  });
});
