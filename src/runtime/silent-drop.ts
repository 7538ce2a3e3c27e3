// A fault that drops every frame on one interface, both ways, while the link stays up: no
// carrier loss, no route withdrawal by the kernel. Only a protocol that listens (BFD, or BGP's
// hold timer much later) notices. Two ways to the same effect, one per runtime, because each runs
// where the other cannot:
// - netns: an nftables netdev table with ingress and egress hooks on the device. This machine's
//   kernel has no netem and no tc matchall classifier or gact action (CONFIG_NET_SCH_NETEM,
//   CONFIG_NET_CLS_MATCHALL unset), but has nftables' netdev family.
// - kind: tc, a clsact qdisc with a matchall drop filter each way. The commands run in the
//   containers, and the fabric image (quay.io/frrouting/frr, Alpine) ships iproute2 but not
//   nftables (FRR's alpine/APKBUILD.in: depends="json-c c-ares iproute2 python3 bash");
//   kindest/node ships iproute2 too. Docker hosts' stock kernels build matchall and gact.
// Either runs inside the node's own network namespace.

/** Per interface, so that restoring one link leaves another's drop in place. */
export function silentDropTable(iface: string): string {
  return `pelab_drop_${iface.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function silentDropArgvs(iface: string): string[][] {
  const t = silentDropTable(iface);
  return [
    ['nft', 'add', 'table', 'netdev', t],
    ['nft', 'add', 'chain', 'netdev', t, 'in', `{ type filter hook ingress device "${iface}" priority -500 ; policy drop ; }`],
    ['nft', 'add', 'chain', 'netdev', t, 'out', `{ type filter hook egress device "${iface}" priority -500 ; policy drop ; }`],
  ];
}

export function restoreTrafficArgvs(iface: string): string[][] {
  return [['nft', 'delete', 'table', 'netdev', silentDropTable(iface)]];
}

/** kind: tc's clsact hooks the device both ways; a matchall filter drops everything on each. */
export function tcDropArgvs(iface: string): string[][] {
  return [
    ['tc', 'qdisc', 'add', 'dev', iface, 'clsact'],
    ['tc', 'filter', 'add', 'dev', iface, 'ingress', 'matchall', 'action', 'drop'],
    ['tc', 'filter', 'add', 'dev', iface, 'egress', 'matchall', 'action', 'drop'],
  ];
}

/** Removing the clsact qdisc takes its filters along. */
export function tcRestoreArgvs(iface: string): string[][] {
  return [['tc', 'qdisc', 'del', 'dev', iface, 'clsact']];
}
