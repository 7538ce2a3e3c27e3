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
