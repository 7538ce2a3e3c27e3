// What the benchmark waits for, measured the same way for pelab and for the baseline: every BGP
// session of a set of FRR instances Established, a type-5 route on a router, and a successful
// HTTP request from a host namespace. Polling goes over the daemons' vty sockets (see vty.ts), so
// the measurement itself spawns no process per poll and barely loads the machine.
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { parseBgpSummary, type BgpSession } from '../src/checks/parse/bgp.ts';
import { parseEvpnRoutes } from '../src/checks/parse/evpn.ts';
import type { DesiredState } from '../src/k8s/plan.ts';
import type { Lab } from '../src/lab/model.ts';
import { nsPath } from '../src/runtime/netns/netops.ts';
import type { FabricPlan } from '../src/runtime/netns/plan.ts';
import type { Querier } from './vty.ts';

const SUMMARY_CMD = 'show bgp vrf all summary json';
const TYPE5_CMD = 'show bgp l2vpn evpn route type prefix json';

export interface RouterProbe {
  /** `<instance>/<router>` (or `/pe`, `/speaker` for a cluster node). */
  readonly label: string;
  /** FRR pathspace (`vtysh -N`). */
  readonly pathspace: string;
  readonly role: 'fabric' | 'pe' | 'speaker';
  /** Distinct peers (per VRF) that must be Established. */
  readonly minPeers: number;
  /** A ToR: the address the PE routers peer with; each PE that lists it must be its dynamic peer. */
  readonly torAddress?: string;
}

/** The fabric routers of a lab instance; each must have all its fabric-link neighbors up. */
export function fabricProbes(lab: Lab, plan: FabricPlan): RouterProbe[] {
  return plan.routers.map((r) => {
    const router = lab.routers.find((x) => x.name === r.name)!;
    const minPeers = router.interfaces.filter(
      (i) => i.peer.kind === 'node' && i.peer.interface !== undefined && lab.routers.some((x) => x.name === i.peer.name),
    ).length;
    const torAddress = lab.switches.find((s) => s.tor === r.name)?.torAddress;
    return { label: `${plan.names.instance}/${r.name}`, pathspace: r.instance, role: 'fabric', minPeers, ...(torAddress ? { torAddress } : {}) };
  });
}

/** The PE routers and speakers the applied manifests configure (from the emulation's plan). */
export function clusterProbes(plan: FabricPlan, desired: DesiredState): RouterProbe[] {
  const out: RouterProbe[] = [];
  for (const n of desired.nodes) {
    const node = plan.clusterNodes.find((c) => c.name === n.node);
    if (!node) continue;
    if (n.pe) {
      const hostSessions = n.pe.l3vnis.filter((v) => v.hostSession).length + (n.pe.passthrough ? 1 : 0);
      out.push({ label: `${plan.names.instance}/${n.node}/pe`, pathspace: plan.names.frrInstance(node.peNs), role: 'pe', minPeers: n.pe.neighbors.length + hostSessions });
    }
    if (n.speaker) {
      out.push({ label: `${plan.names.instance}/${n.node}/speaker`, pathspace: plan.names.frrInstance(node.ns), role: 'speaker', minPeers: n.speaker.neighbors.length });
    }
  }
  return out;
}

/** Distinct (VRF, peer) pairs with every address family Established. */
export function establishedPeers(sessions: readonly BgpSession[]): Set<string> {
  const state = new Map<string, boolean>();
  for (const s of sessions) {
    const key = `${s.vrf}|${s.peer}`;
    state.set(key, (state.get(key) ?? true) && s.state === 'Established');
  }
  return new Set([...state].filter(([, ok]) => ok).map(([k]) => k));
}

export function probeDone(probe: RouterProbe, sessions: readonly BgpSession[], dynamicPeers = 0): boolean {
  if (sessions.length === 0) return false;
  if (!sessions.every((s) => s.state === 'Established')) return false;
  return establishedPeers(sessions).size >= probe.minPeers + dynamicPeers;
}

/** How many PE routers list `torAddress` as a neighbor (each is a dynamic peer of that ToR). */
export function expectedDynamicPeers(torAddress: string | undefined, lastSessions: ReadonlyMap<string, readonly BgpSession[]>, probes: readonly RouterProbe[]): number {
  if (!torAddress) return 0;
  return probes.filter((p) => p.role === 'pe' && (lastSessions.get(p.label) ?? []).some((s) => s.peer === torAddress)).length;
}

interface PollOptions {
  /** performance.now() of the moment times are measured from. */
  readonly t0: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface EstablishedResult {
  /** From t0 to the poll that saw the last instance with every session Established. */
  readonly ms: number;
  /** The instance that came last, and when each one was done. */
  readonly last: string;
  readonly perProbe: Record<string, number>;
  readonly sessions: number;
  readonly rounds: number;
  readonly queries: number;
}

class WaitTimeout extends Error {}

/**
 * Polls the pending instances until each has all its sessions Established, then verifies all of
 * them in one more pass (a ToR's dynamic peers are only known once the PEs are configured).
 */
export async function waitAllEstablished(querier: Querier, probes: readonly RouterProbe[], o: PollOptions): Promise<EstablishedResult> {
  const done = new Map<string, number>();
  const last = new Map<string, BgpSession[]>();
  let rounds = 0;
  let queries = 0;
  const poll = async (p: RouterProbe): Promise<BgpSession[] | undefined> => {
    try {
      queries++;
      const s = parseBgpSummary(await querier.query(p.pathspace, SUMMARY_CMD));
      last.set(p.label, s);
      return s;
    } catch {
      return undefined; // daemon not up yet, or a reply cut short: poll again
    }
  };
  for (;;) {
    o.signal?.throwIfAborted();
    rounds++;
    const pending = probes.filter((p) => !done.has(p.label));
    if (pending.length === 0) {
      // Verification pass over everything.
      const all = await Promise.all(probes.map(async (p) => [p, await poll(p)] as const));
      let ok = true;
      for (const [p, s] of all) {
        if (!s || !probeDone(p, s, expectedDynamicPeers(p.torAddress, last, probes))) {
          done.delete(p.label);
          ok = false;
        }
      }
      if (ok) {
        const entries = [...done.entries()].sort((a, b) => b[1] - a[1]);
        return {
          ms: Math.round(entries[0]![1]),
          last: entries[0]![0],
          perProbe: Object.fromEntries([...done.entries()].map(([k, v]) => [k, Math.round(v)])),
          sessions: probes.reduce((n, p) => n + establishedPeers(last.get(p.label) ?? []).size, 0),
          rounds,
          queries,
        };
      }
      continue;
    }
    await Promise.all(
      pending.map(async (p) => {
        const s = await poll(p);
        if (s && probeDone(p, s, expectedDynamicPeers(p.torAddress, last, probes))) done.set(p.label, performance.now() - o.t0);
      }),
    );
    if (performance.now() - o.t0 > o.timeoutMs) {
      const detail = probes
        .filter((p) => !done.has(p.label))
        .map((p) => `${p.label}: ${(last.get(p.label) ?? []).map((s) => `${s.vrf}/${s.afi}/${s.peer}=${s.state}`).join(' ') || 'no sessions'}`)
        .join('; ');
      throw new WaitTimeout(`sessions not all Established after ${o.timeoutMs} ms: ${detail}`);
    }
    await delay(o.intervalMs, undefined, o.signal ? { signal: o.signal } : {});
  }
}

/** Polls until `probe` is true; returns ms since t0 at the poll that saw it. */
export async function pollUntil(probe: () => Promise<boolean>, what: string, o: PollOptions): Promise<number> {
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      if (await probe()) return Math.round(performance.now() - o.t0);
    } catch {
      // Not answerable yet: poll again.
    }
    if (performance.now() - o.t0 > o.timeoutMs) throw new WaitTimeout(`timed out after ${o.timeoutMs} ms waiting for ${what}`);
    await delay(o.intervalMs, undefined, o.signal ? { signal: o.signal } : {});
  }
}

/** True when `pathspace`'s BGP table has a type-5 route for `prefix` (e.g. 172.30.0.10/32). */
export async function hasType5(querier: Querier, pathspace: string, prefix: string): Promise<boolean> {
  const routes = parseEvpnRoutes(await querier.query(pathspace, TYPE5_CMD));
  return routes.some((r) => r.routeType === 5 && r.prefix === prefix);
}

// A constant script: the URL and expected text arrive as positional arguments, never pasted in.
const CURL_LOOP = 'while :; do if curl -sf --max-time 1 "$2" 2>/dev/null | grep -qF -- "$1"; then date +%s%N; exit 0; fi; sleep 0.02; done';

/**
 * Runs curl in a loop inside namespace `ns` until an answer contains `bodyContains`; resolves with
 * the wall-clock time (Date.now() scale) the loop saw it, taken inside the loop so the answer
 * does not wait on this process's event loop.
 */
export function curlUntilOk(ns: string, url: string, bodyContains: string, timeoutMs: number): { done: Promise<number>; cancel: () => void } {
  const child = spawn('nsenter', [`--net=${nsPath(ns)}`, '--', 'sh', '-c', CURL_LOOP, 'curl-loop', bodyContains, url], {
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const kill = (): void => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  const timer = setTimeout(kill, timeoutMs);
  const done = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const ns = out.trim();
      if (code === 0 && /^\d+$/.test(ns)) resolve(Number(BigInt(ns) / 1_000_000n));
      else reject(new WaitTimeout(`no answer containing "${bodyContains}" from ${url} within ${timeoutMs} ms (in ${ns})`));
    });
  });
  return { done, cancel: kill };
}
