// l2-announcement: which node answers ARP for a Service IP in MetalLB's L2 mode, seen three ways:
// the cluster's view (MetalLB's ServiceL2Status: the elected node), the wire (an ARP probe from a
// client on the segment: exactly one node may answer, and it must be the expected one), and the
// client's neighbor table (the MAC it sends to; after a failover it must have followed the
// gratuitous ARP). Node MACs are read from each node's interface on the node network.
// The probe's own reply updates the client's neighbor table, so `arpProbe: false` leaves the wire
// alone and asserts the client's own view: after a failover, only gratuitous ARP moves it at once.
import { z } from 'zod';
import { NODE_NETWORK_INTERFACE } from '../../lab/node-network.ts';
import { ResolveError, serviceNameSchema, type Resolver } from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const l2AnnouncementParams = z.strictObject({
  service: serviceNameSchema,
  /** A client on the nodes' L2 network (`cluster.l2Clients`) that sends the ARP probe. */
  from: z.string().min(1),
  /** The node expected to answer, or `none` when no node may announce the IP. */
  node: z.string().min(1),
  /** Send the ARP probe (default). false: judge the elected node and the client's neighbor entry only. */
  arpProbe: z.boolean().default(true),
});
type L2AnnouncementParams = z.infer<typeof l2AnnouncementParams>;

export interface L2AnnouncementPlan {
  readonly service: string;
  readonly ip: string;
  readonly from: string;
  readonly fromTarget: ReturnType<Resolver['target']>;
  /** undefined: no node may answer. */
  readonly node?: string;
  readonly nodes: readonly string[];
  readonly arpProbe: boolean;
}

interface L2AnnouncementObserved {
  /** The cluster's view; undefined when the runtime cannot tell. */
  readonly elected?: string | null;
  /** MACs that answered the probe, lower case, in order of arrival (duplicates kept); undefined: no probe sent. */
  readonly replies?: readonly string[];
  /** The client's neighbor entry for the IP: its MAC, or null without a usable entry. */
  readonly neighbor: string | null;
  /** Node name by MAC on the node network. */
  readonly macs: Readonly<Record<string, string>>;
}

/** MACs in arping's reply lines: `Unicast reply from 172.18.255.200 [02:AB:...]  0.6ms`. */
export function parseArpingReplies(stdout: string): string[] {
  return [...stdout.matchAll(/^Unicast reply from \S+ \[([0-9A-Fa-f:]{17})\]/gm)].map((m) => m[1]!.toLowerCase());
}

/** The MAC of a usable neighbor entry in `ip -j neigh show` output (not FAILED or INCOMPLETE). */
export function parseNeighbor(json: string): string | null {
  const entries = JSON.parse(json || '[]') as { lladdr?: string; state?: string[] }[];
  const usable = entries.find((e) => e.lladdr && !(e.state ?? []).some((s) => s === 'FAILED' || s === 'INCOMPLETE'));
  return usable?.lladdr?.toLowerCase() ?? null;
}

const expectedText = (p: Pick<L2AnnouncementPlan, 'service' | 'from' | 'node' | 'arpProbe'> & { ip?: string }): string => {
  const svc = `service ${p.service}${p.ip ? ` (${p.ip})` : ''}`;
  if (!p.arpProbe) return p.node === undefined ? `no node is elected for ${svc}` : `${p.node} is elected for ${svc} and ${p.from} sends to it (its neighbor entry, no probe)`;
  return p.node === undefined ? `no node answers ARP for ${svc} seen from ${p.from}` : `${p.node} alone answers ARP for ${svc} seen from ${p.from}, and is elected`;
};

export function evaluateL2Announcement(plan: L2AnnouncementPlan, o: L2AnnouncementObserved): Evaluation {
  const expected = expectedText(plan);
  const who = (mac: string): string => o.macs[mac] ?? mac;
  const answering = [...new Set((o.replies ?? []).map(who))];
  const observed = {
    elected: o.elected === undefined ? '(not reported)' : (o.elected ?? 'none'),
    ...(o.replies !== undefined ? { arpAnsweredBy: answering } : {}),
    clientNeighbor: o.neighbor === null ? 'none' : who(o.neighbor),
  };
  const summary = `elected ${observed.elected}${o.replies !== undefined ? `, ARP answered by ${answering.join(' and ') || 'nobody'}` : ''}, client's neighbor entry ${observed.clientNeighbor}`;
  if (plan.node === undefined) {
    const ok = answering.length === 0 && (o.elected === undefined || o.elected === null);
    return { ok, expected, observed, message: ok ? 'no node answers' : `${summary}, expected nobody` };
  }
  const problems = [
    o.elected !== undefined && o.elected !== plan.node && `elected ${o.elected ?? 'none'}`,
    plan.arpProbe && answering.length === 0 && 'no ARP reply',
    answering.some((n) => n !== plan.node) && `ARP answered by ${answering.join(' and ')}`,
    !plan.arpProbe && o.neighbor === null && `${plan.from} has no neighbor entry for the IP`,
    o.neighbor !== null && who(o.neighbor) !== plan.node && `${plan.from} still sends to ${who(o.neighbor)}`,
  ].filter((x): x is string => typeof x === 'string');
  if (problems.length > 0) return { ok: false, expected, observed, message: `${problems.join(', ')}; expected ${plan.node} (${summary})` };
  return { ok: true, expected, observed, message: o.replies === undefined ? `${plan.node} elected, ${plan.from} sends to it` : `${plan.node} answers (${o.replies.length} repl${o.replies.length === 1 ? 'y' : 'ies'})` };
}

export const l2Announcement: CheckKind<L2AnnouncementParams, L2AnnouncementPlan, L2AnnouncementObserved> = {
  kind: 'l2-announcement',
  params: l2AnnouncementParams,
  defaultMode: () => 'eventually',
  defaults: () => CHECK_DEFAULTS['l2-announcement'],
  describe: (p) => expectedText({ service: p.service, from: p.from, arpProbe: p.arpProbe, ...(p.node !== 'none' ? { node: p.node } : {}) }),
  plan(p, resolver): L2AnnouncementPlan {
    const nodes = resolver.clusterNodes();
    if (p.node !== 'none' && !nodes.includes(p.node)) throw new ResolveError(`no cluster node "${p.node}" (nodes: ${nodes.join(', ')})`);
    const fromTarget = resolver.target({ host: p.from });
    const ip = resolver.serviceIPs(p.service).find((x) => !x.includes(':'));
    if (ip === undefined) throw new ResolveError(`service ${p.service} has no IPv4 external IP (yet)`);
    return { service: p.service, ip, from: p.from, fromTarget, ...(p.node !== 'none' ? { node: p.node } : {}), nodes, arpProbe: p.arpProbe };
  },
  async probe(plan, env: ProbeEnv): Promise<L2AnnouncementObserved> {
    const rt = env.runtime;
    const macs: Record<string, string> = {};
    await Promise.all(
      plan.nodes.map(async (node) => {
        const r = await rt.exec({ kind: 'speaker', node }, ['ip', '-j', 'link', 'show', 'dev', NODE_NETWORK_INTERFACE]);
        const mac = r.exitCode === 0 ? (JSON.parse(r.stdout || '[]') as { address?: string }[])[0]?.address : undefined;
        if (mac) macs[mac.toLowerCase()] = node;
      }),
    );
    const neighbor = await rt.exec(plan.fromTarget, ['ip', '-j', 'neigh', 'show', 'to', plan.ip, 'dev', NODE_NETWORK_INTERFACE]);
    // Broadcast probes (-b) so that every node that would answer does. Waiting for two replies
    // catches a second node answering (it listens up to 1 s, arping's smallest deadline); an
    // attempt with less time left (the last one, at the deadline) ends at the first reply.
    const replies = env.budgetMs >= 1_500 ? '2' : '1';
    const arping = plan.arpProbe ? await rt.exec(plan.fromTarget, ['arping', '-b', '-c', replies, '-w', '1', '-I', NODE_NETWORK_INTERFACE, plan.ip], { timeoutMs: 5_000 }) : undefined;
    const statuses = rt.l2Statuses ? await rt.l2Statuses() : undefined;
    const status = statuses?.find((s) => `${s.namespace}/${s.name}` === plan.service && s.ip === plan.ip);
    return {
      ...(statuses !== undefined ? { elected: status?.node ?? null } : {}),
      ...(arping ? { replies: parseArpingReplies(arping.stdout) } : {}),
      neighbor: neighbor.exitCode === 0 ? parseNeighbor(neighbor.stdout) : null,
      macs,
    };
  },
  evaluate: evaluateL2Announcement,
};
