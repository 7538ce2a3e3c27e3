// Loading a config as `vtysh -c` lines applies each line at once: bgpd starts a neighbor's
// session as soon as its `remote-as` line is in, before the `address-family ... activate` lines
// that follow. Its OPEN then carries no address family, the peer answers "Configured AFI/SAFIs do
// not overlap" and the session waits out a connect retry (measured: the leafkind1-PE sessions came
// up 1.8-2 s after apply instead of within a few hundred ms). A real router gets its config as a
// whole (frr-reload, or a file at start), so pelab holds each neighbor shut while it loads and opens
// them all at the end. The running config ends the same: the last lines undo the shutdowns.

const ROUTER_BGP = /^router bgp \d+( vrf \S+)?$/;
/** A line that creates a session: `neighbor A remote-as N`, `neighbor A interface remote-as N`, or joining a peer group. */
const STARTS_SESSION = /^neighbor (\S+) (?:interface )?(?:remote-as \S+|peer-group \S+)$/;
/** `neighbor NAME peer-group` (no group after it) defines a peer group: not a session of its own. */
const DEFINES_GROUP = /^neighbor (\S+) peer-group$/;

/**
 * `commands` (frr.conf lines without indentation, as configCommands returns them) with each BGP
 * neighbor shut right after the line that creates it, and one block at the end that opens them.
 * Peer groups and `bgp listen range` peers are left alone (a listen range only accepts).
 */
export function withNeighborsHeldUntilLoaded(commands: readonly string[]): string[] {
  const out: string[] = [];
  const held = new Map<string, string[]>();
  const groups = new Set<string>();
  let router: string | undefined;
  for (const line of commands) {
    out.push(line);
    if (ROUTER_BGP.test(line)) {
      router = line;
      continue;
    }
    // Any other top-level stanza ends the router block (FRR writes `exit` first; be lenient).
    if (/^(router|vrf|route-map|ip |ipv6 |bfd|interface|line|bgp community-list|segment-routing)\b/.test(line)) router = undefined;
    if (router === undefined) continue;
    const group = DEFINES_GROUP.exec(line);
    if (group) {
      groups.add(group[1]!);
      continue;
    }
    const m = STARTS_SESSION.exec(line);
    if (!m || groups.has(m[1]!)) continue;
    const list = held.get(router) ?? [];
    if (list.includes(m[1]!)) continue;
    list.push(m[1]!);
    held.set(router, list);
    out.push(`neighbor ${m[1]} shutdown`);
  }
  if (held.size === 0) return out;
  out.push('end', 'configure terminal');
  for (const [r, neighbors] of held) out.push(r, ...neighbors.map((n) => `no neighbor ${n} shutdown`), 'exit');
  return out;
}
