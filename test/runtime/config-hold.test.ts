// Neighbors are held shut while a config loads line by line, then opened: the running config
// ends as rendered (the e2e scenarios load every router this way).
import { describe, expect, it } from 'vitest';
import { withNeighborsHeldUntilLoaded } from '../../src/runtime/netns/config-hold.ts';
import { configCommands } from '../../src/runtime/netns/frr.ts';

const pe = `frr version 8.4
!
router bgp 64514
 no bgp default ipv4-unicast
 neighbor 192.168.11.2 remote-as 64512
 neighbor 192.168.11.2 timers connect 1
 !
 address-family ipv4 unicast
  neighbor 192.168.11.2 activate
 exit-address-family
exit
!
router bgp 64514 vrf red
 neighbor 192.169.10.3 remote-as 64515
 neighbor eth1 interface remote-as external
 neighbor 192.169.10.3 timers connect 1
 address-family ipv4 unicast
  neighbor 192.169.10.3 activate
 exit-address-family
exit
!
route-map allow permit 10
exit
`;

describe('withNeighborsHeldUntilLoaded', () => {
  it('shuts each neighbor right after the line that creates it and opens them all at the end', () => {
    const out = withNeighborsHeldUntilLoaded(configCommands(pe));
    expect(out.slice(0, 4)).toEqual(['router bgp 64514', 'no bgp default ipv4-unicast', 'neighbor 192.168.11.2 remote-as 64512', 'neighbor 192.168.11.2 shutdown']);
    expect(out).toContain('neighbor eth1 shutdown');
    // The activate lines come while the sessions are still shut.
    expect(out.indexOf('neighbor 192.169.10.3 activate')).toBeLessThan(out.indexOf('no neighbor 192.169.10.3 shutdown'));
    expect(out.slice(out.indexOf('end'))).toEqual([
      'end', 'configure terminal',
      'router bgp 64514', 'no neighbor 192.168.11.2 shutdown', 'exit',
      'router bgp 64514 vrf red', 'no neighbor 192.169.10.3 shutdown', 'no neighbor eth1 shutdown', 'exit',
    ]);
    // Nothing else changes.
    expect(out.filter((l) => !/shutdown$|^end$|^configure terminal$/.test(l)).slice(0, configCommands(pe).length)).toEqual(configCommands(pe));
  });

  it('leaves peer groups and listen ranges alone; members of a group are held', () => {
    const out = withNeighborsHeldUntilLoaded([
      'router bgp 64512', 'neighbor nodes peer-group', 'neighbor nodes remote-as 64514', 'bgp listen range 192.168.11.0/24 peer-group nodes',
      'neighbor 10.0.0.9 peer-group nodes', 'exit',
    ]);
    expect(out.filter((l) => l.includes('shutdown'))).toEqual(['neighbor 10.0.0.9 shutdown', 'no neighbor 10.0.0.9 shutdown']);
  });

  it('changes nothing without BGP neighbors', () => {
    const lines = ['route-map x permit 10', 'exit', 'router bgp 1', 'bgp router-id 1.1.1.1', 'exit'];
    expect(withNeighborsHeldUntilLoaded(lines)).toEqual(lines);
  });
});
