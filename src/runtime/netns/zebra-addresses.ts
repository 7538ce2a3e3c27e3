// Confirms that a router's zebra has learnt the interface addresses pelab just added, and repairs
// the ones it lost.
//
// FRR 8.4's zebra reads interface addresses on its dataplane thread and hands them to the main
// thread, which drops one whose interface it has not learnt yet (zebra/interface.c:1507,
// zebra_if_addr_update_ctx with ifp == NULL: a debug message only, nothing retries). Links come in
// on the main thread's own netlink socket; when the main thread is busy (a config load over the
// vty) as a link and its address appear, the queued address result runs before the link is read,
// and the address is gone for good. Reproduced at will (test/runtime/zebra-addresses.test.ts): a
// veth and its address added while zebra answers a 0.3 s `show ip route json` lose the address 5
// times in 5. A lost underlay address leaves the ToR session "Waiting for NHT"; a lost
// host-session address makes bgpd retry "nexthop_set failed" every second. The kernel has the
// address all along: `ip address replace` of the same address sends a fresh RTM_NEWADDR (IPv4 and
// IPv6, verified on kernel 6.18 with `ip monitor address`), which zebra then takes.
import { LabBuildError } from '../../errors.ts';
import { eventually } from '../../proc/wait.ts';
import { runBatches } from './netops.ts';
import { addBatchLines, type Batches } from './plan.ts';
import { VtyClient, vtySocketPath } from './vty.ts';

/** An address pelab put on an interface that a zebra sees. */
export interface ExpectedAddress {
  /** The VRF zebra shows the interface in: `default`, or a netns VRF's name. */
  readonly vrf: string;
  /** The network namespace the interface is in (where `ip address replace` runs). */
  readonly ns: string;
  readonly ifname: string;
  /** `ip/prefixLength`. */
  readonly address: string;
  /** Flags the address was added with (`nodad`), repeated when it is re-announced. */
  readonly flags?: readonly string[];
}

/** One zebra, the router it belongs to (for messages) and the addresses it must know. */
export interface ZebraAddresses {
  readonly router: string;
  /** FRR pathspace (`-N`) of the router. */
  readonly instance: string;
  readonly addresses: readonly ExpectedAddress[];
}

/** What zebra knows per interface of one VRF: interface name -> canonical addresses. */
type ZebraInterfaces = ReadonlyMap<string, ReadonlySet<string>>;

/** `ip/len` in one spelling (IPv6 compressed and lower case), as zebra prints it. Pure. */
export function canonicalAddress(cidr: string): string {
  const [ip = '', len] = cidr.split('/');
  if (!ip.includes(':')) return cidr;
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return len === undefined ? host : `${host}/${len}`;
}

/**
 * Parses zebra's `show interface vrf VRF json` (8.4 and 10.3: an object keyed by interface name,
 * each with `ipAddresses[].address`; `{}` for an unknown VRF). Pure.
 */
export function parseZebraInterfaces(json: string): ZebraInterfaces {
  const parsed = JSON.parse(json === '' ? '{}' : json) as Record<string, { ipAddresses?: { address?: string }[] }>;
  return new Map(
    Object.entries(parsed).map(([name, itf]) => [name, new Set((itf.ipAddresses ?? []).flatMap((a) => (a.address ? [canonicalAddress(a.address)] : [])))]),
  );
}

/** How the expected addresses stand in what zebra knows. Pure. */
interface AddressGaps {
  /** zebra does not know the interface yet: its link message may still be on the way. */
  readonly linkUnknown: readonly ExpectedAddress[];
  /** zebra knows the interface but not the address: dropped, or still in flight. */
  readonly addressMissing: readonly ExpectedAddress[];
}

export function addressGaps(known: ReadonlyMap<string, ZebraInterfaces>, expected: readonly ExpectedAddress[]): AddressGaps {
  const linkUnknown: ExpectedAddress[] = [];
  const addressMissing: ExpectedAddress[] = [];
  for (const e of expected) {
    const addresses = known.get(e.vrf)?.get(e.ifname);
    if (!addresses) linkUnknown.push(e);
    else if (!addresses.has(canonicalAddress(e.address))) addressMissing.push(e);
  }
  return { linkUnknown, addressMissing };
}

const key = (e: ExpectedAddress): string => `${e.vrf}/${e.ifname}/${e.address}`;

/** The `ip` line that makes the kernel announce an address again (RTM_NEWADDR). Pure. */
export function reannounceLine(e: ExpectedAddress): string {
  return [`address replace ${e.address} dev ${e.ifname}`, ...(e.flags ?? [])].join(' ');
}

interface ConfirmOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /**
   * How long an address may be missing from an interface zebra knows before it is re-announced:
   * the address result can trail its link by a few ms on a busy zebra, and a dropped one never
   * comes; this keeps the repair (and its warning) to addresses that were really lost.
   */
  readonly graceMs?: number;
}

/**
 * Polls `zebra` until it knows every expected address, re-announcing one that stays missing from
 * a known interface for `graceMs` (again after each further `graceMs`). Resolves with a warning
 * per address it had to re-announce; throws a LabBuildError naming router, interface and address
 * for any still missing at the deadline.
 */
export async function confirmZebraAddresses(zebra: ZebraAddresses, options: ConfirmOptions = {}): Promise<string[]> {
  const { timeoutMs = 10_000, intervalMs = 20, graceMs = 100 } = options;
  if (zebra.addresses.length === 0) return [];
  const vrfs = [...new Set(zebra.addresses.map((a) => a.vrf))];
  const client = new VtyClient(vtySocketPath(zebra.instance, 'zebra'));
  const missingSince = new Map<string, number>();
  const reannounced = new Map<string, { at: number; times: number }>();
  const started = performance.now();
  try {
    const r = await eventually(
      async () => {
        const known = new Map<string, ZebraInterfaces>();
        for (const vrf of vrfs) {
          const { text } = await client.command(`show interface vrf ${vrf} json`);
          known.set(vrf, parseZebraInterfaces(text));
        }
        const gaps = addressGaps(known, zebra.addresses);
        const now = performance.now();
        for (const k of [...missingSince.keys()]) if (!gaps.addressMissing.some((e) => key(e) === k)) missingSince.delete(k);
        const due = gaps.addressMissing.filter((e) => {
          const since = missingSince.get(key(e)) ?? now;
          missingSince.set(key(e), since);
          const last = reannounced.get(key(e))?.at ?? since;
          return now - last >= graceMs;
        });
        const reannounce: Batches = new Map();
        for (const e of due) addBatchLines(reannounce, e.ns, reannounceLine(e));
        await runBatches(reannounce);
        for (const e of due) reannounced.set(key(e), { at: now, times: (reannounced.get(key(e))?.times ?? 0) + 1 });
        return gaps;
      },
      (gaps) => ({ ok: gaps.linkUnknown.length === 0 && gaps.addressMissing.length === 0 }),
      { timeoutMs, intervalMs },
    );
    if (!r.ok) {
      const gaps = r.lastObserved?.observed ?? r.last?.observed;
      const what = gaps
        ? [
            ...gaps.linkUnknown.map((e) => `${e.address} on ${e.ifname} (vrf ${e.vrf}): zebra does not know the interface`),
            ...gaps.addressMissing.map((e) => `${e.address} on ${e.ifname} (vrf ${e.vrf}): zebra knows the interface but not the address`),
          ].join('; ')
        : (r.last?.error ?? 'no answer from zebra');
      throw new LabBuildError(`zebra of ${zebra.router} did not learn its interface addresses within ${timeoutMs} ms: ${what}`);
    }
    const ms = Math.round(performance.now() - started);
    return zebra.addresses.flatMap((e) => {
      const times = reannounced.get(key(e))?.times;
      return times === undefined
        ? []
        : [`zebra of ${zebra.router} had lost ${e.address} on ${e.ifname} (vrf ${e.vrf}), which the kernel had: re-announced it ${times === 1 ? 'once' : `${times} times`} (ip address replace), learnt after ${ms} ms (FRR 8.4 zebra/interface.c:1507 drops an address that arrives before its interface)`];
    });
  } finally {
    client.close();
  }
}
