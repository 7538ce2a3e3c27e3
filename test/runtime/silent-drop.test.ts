// The silent-drop fault's nftables commands, loaded into a real kernel where root allows it: the
// table hooks the device both ways with policy drop, and restoring removes exactly that table.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { restoreTrafficArgvs, silentDropArgvs, silentDropTable } from '../../src/runtime/silent-drop.ts';

const ns = `pelabt-drop-${process.pid}`;
const canRun = process.getuid?.() === 0 && spawnSync('nft', ['--version']).status === 0;

describe('silent drop', () => {
  test('one table per interface', () => {
    expect(silentDropTable('fab1')).toBe('pelab_drop_fab1');
    expect(silentDropTable('eth0.100')).toBe('pelab_drop_eth0_100');
    expect(restoreTrafficArgvs('fab1')).toEqual([['nft', 'delete', 'table', 'netdev', 'pelab_drop_fab1']]);
  });

  test.skipIf(!canRun)('in a namespace: ingress and egress drop on the device, restore removes them', () => {
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1']);
      for (const argv of silentDropArgvs('x0')) execFileSync('ip', ['netns', 'exec', ns, ...argv]);
      const rules = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'netdev', 'pelab_drop_x0'], { encoding: 'utf8' });
      expect(rules).toMatch(/hook ingress device "x0" priority -500; policy drop;/);
      expect(rules).toMatch(/hook egress device "x0" priority -500; policy drop;/);
      for (const argv of restoreTrafficArgvs('x0')) execFileSync('ip', ['netns', 'exec', ns, ...argv]);
      expect(execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).trim()).toBe('');
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  });
});
