// What the netns runtime does differently per FRR version, each with the upstream FRR issue or
// change behind it and the versions measured. One place, so a workaround never outlives the
// version that needed it: on FRR 10 the runtime behaves as upstream's router (FRR 10.x) does.
import { frrMajor, type FrrBuild } from './frr-build.ts';

interface FrrQuirks {
  /**
   * FRR 10 moved the configuration of zebra (and staticd) behind mgmtd: without a running mgmtd,
   * vtysh refuses configuration ("mgmtd is not running"). Start it before zebra. 8.4 has none.
   */
  readonly mgmtd: boolean;
  /**
   * 8.4's zebra lists ` netns /run/netns/<vrf>` under each netns VRF in its running config, so a
   * config pushed through frr-reload must carry the line too, or frr-reload removes it and detaches
   * the VRF from its namespace. 10.3 shows no such line and its vtysh refuses it
   * ("% [MGMTD] Unknown command: netns ..."): the namespace alone makes the VRF.
   */
  readonly netnsLinesInConfig: boolean;
}

export function frrQuirks(build: Pick<FrrBuild, 'version'>): FrrQuirks {
  const v10 = frrMajor(build) >= 10;
  return { mgmtd: v10, netnsLinesInConfig: !v10 };
}

// Not a quirk of one version, so no flag: a deleted L3VNI's VRF namespace is kept ("parked") rather than
// deleted on every FRR pelab runs, because zebra crashes when a netns VRF is removed and created
// again under the same name. Measured: 8.4.4 (why parking exists) and 10.3 (evpn-withdrawal with
// the namespace deleted and re-created: zebra took SIGSEGV in kernel_update_multi, dplane thread,
// right after the re-applied `vrf red / vni 100`). Upstream: FRR PR #9238 fixed one such crash
// (8.0); #15164 and #19232 report more with netns VRFs on 9.x/10.x. Upstream's router runs VRF
// devices, not netns VRFs, so it does not meet this; pelab's parking is a deviation it reports.

/**
 * FRR regression 1fb48f5d13 (10.2, for issue #16186): peer_active() is false while a `neighbor X
 * bfd` session is down, so a peer reset to Idle (a password change, a clear) gets no start timer.
 * Against a router that creates its BFD session only once BGP connects (a dynamic, listen-range
 * peer), the session stays Idle for good. Measured 2026-12-01 on Debian 13's 10.3-3+deb13u1
 * (`clear bgp` keeps it Idle; with `no neighbor X bfd` it goes to Connect). Fixed by PR #18562
 * (only an Established peer is gated) in 10.2.2 and 10.3.1; 10.4+ gates only with `bfd strict`,
 * so frr-k8s's 10.4.3 and FRR 10.7.1 recover. Not emulated away: the lab runs what FRR does.
 */
export function hasBfdIdleRegression(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return major === 10 && ((minor === 2 && patch < 2) || (minor === 3 && patch < 1));
}
