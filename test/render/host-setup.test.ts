import { describe, expect, it } from 'vitest';
import { hostSetupCommands, shellJoin } from '../../src/render/host-setup.ts';
import { LAB_NAMES, repoLab } from '../lab/helpers.ts';

describe('hostSetupCommands', () => {
  it('singlecluster hostA_red: address, link up, default via the leaf', async () => {
    const lab = await repoLab('singlecluster');
    expect(hostSetupCommands(lab, 'hostA_red')).toEqual([
      ['ip', 'address', 'add', '192.168.20.2/24', 'dev', 'eth1'],
      ['ip', 'link', 'set', 'dev', 'eth1', 'up'],
      ['ip', 'route', 'add', 'default', 'via', '192.168.20.1', 'dev', 'eth1'],
    ]);
  });

  it('containerlab: deletes the management default route first; MTU when asked', async () => {
    const lab = await repoLab('mini');
    expect(hostSetupCommands(lab, 'client_red', { deleteExistingDefault: true, mtu: 1450 })).toEqual([
      ['ip', 'link', 'set', 'dev', 'eth1', 'mtu', '1450'],
      ['ip', 'address', 'add', '10.90.1.2/24', 'dev', 'eth1'],
      ['ip', 'link', 'set', 'dev', 'eth1', 'up'],
      ['ip', 'route', 'del', 'default'],
      ['ip', 'route', 'add', 'default', 'via', '10.90.1.1', 'dev', 'eth1'],
    ]);
    expect(() => hostSetupCommands(lab, 'client_red', { mtu: 20 })).toThrow(/MTU 20/);
    expect(() => hostSetupCommands(lab, 'nobody')).toThrow(/has no host "nobody"/);
  });

  it.each(LAB_NAMES)('%s: every command is an `ip` argv (the netns runtime feeds them to ip -batch)', async (name) => {
    const lab = await repoLab(name);
    for (const h of lab.hosts) {
      for (const opts of [{}, { deleteExistingDefault: true, mtu: 9000 }]) {
        for (const argv of hostSetupCommands(lab, h.name, opts)) {
          expect(argv[0]).toBe('ip');
          for (const a of argv) expect(a).not.toMatch(/\s/);
        }
      }
    }
  });
});

describe('shellJoin', () => {
  it('leaves safe words bare and quotes the rest', () => {
    expect(shellJoin(['ip', 'address', 'add', '10.0.0.1/24', 'dev', 'eth1'])).toBe('ip address add 10.0.0.1/24 dev eth1');
    expect(shellJoin(['echo', 'a b', "it's", ''])).toBe(`echo 'a b' 'it'\\''s' ''`);
  });
});
