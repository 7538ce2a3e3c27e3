// A fault that drops every frame on one interface, both ways, while the link stays up: no
// carrier loss, no route withdrawal by the kernel. Only a protocol that listens (BFD, or BGP's
// hold timer much later) notices. netem is not available on these kernels; an nftables netdev
// table with ingress and egress hooks on the device does the same job. Same commands on every
// runtime: they run inside the node's own network namespace.

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
