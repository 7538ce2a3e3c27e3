// bfd-session: a BFD session as bfdd sees it on one side (`show bfd peers json`): its state and
// the intervals in use. frr-k8s's own e2e (tests/bfd.go) reads the same output on the routers and
// compares the node's advertised timers with its BFDProfile; MetalLB's production guide asks for
// BFD to detect a failure in a few hundred milliseconds, which the negotiated intervals decide.
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { parseBfdPeers, type BfdPeer } from '../../runtime/bfd-peers.ts';
import { describeRef, nodeRefLabel, nodeRefSchema, peerRefSchema, sessionEnds, type NodeRef, type PeerRef, type Resolver } from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { inVrf, parts, vrfPart, vtyshText } from './common.ts';
import type { CheckKind, Evaluation } from './types.ts';

const BFD_ABSENT = 'absent';

const ms = (what: string) => z.number().int().min(1, `${what} in milliseconds (a positive integer)`);

const timers = {
  receiveInterval: ms('an interval').optional(),
  transmitInterval: ms('an interval').optional(),
  detectMultiplier: z.number().int().min(1).max(255).optional(),
};

const bfdSessionParams = z.strictObject({
  on: nodeRefSchema,
  peer: peerRefSchema,
  vrf: z.string().min(1).optional(),
  /** bfdd's state word (up, down, init, shutdown), `absent`, or `!<state>` for "any state but". */
  state: z.string().regex(/^!?(up|down|init|shutdown|absent)$/i, 'up, down, init, shutdown or absent, optionally with a leading ! ("any state but")').default('up'),
  /**
   * The intervals in use on `on`'s side, in ms, as RFC 5880 settles them: it receives every
   * max(its own receive interval, the peer's transmit interval) and sends every max(its own
   * transmit interval, the peer's receive interval).
   */
  receiveInterval: timers.receiveInterval,
  transmitInterval: timers.transmitInterval,
  /** `on`'s own detect multiplier (what it tells the peer). */
  detectMultiplier: timers.detectMultiplier,
  /** How long `on` waits before declaring the session down: the peer's multiplier x the receive interval in use. */
  detectionTime: ms('a time').optional(),
  /** What the peer advertises (frr-k8s e2e's check: the node's profile as its routers see it). */
  remote: z.strictObject(timers).optional(),
});
type BfdSessionParams = z.infer<typeof bfdSessionParams>;

interface BfdSessionPlan {
  readonly target: Target;
  readonly on: string;
  readonly peer: string;
  readonly vrf?: string;
  readonly state: string;
  readonly expect: BfdTimers & { readonly detectionTime?: number };
  readonly remote?: BfdTimers;
}

interface BfdTimers {
  readonly receiveInterval?: number;
  readonly transmitInterval?: number;
  readonly detectMultiplier?: number;
}

interface BfdSessionObserved {
  /** Every session bfdd has on the target (empty when bfdd does not run there). */
  readonly peers: readonly BfdPeer[];
}

/** The session's timers as RFC 5880 settles them, from bfdd's local and remote values. */
export function negotiatedTimers(p: BfdPeer): BfdTimers & { readonly detectionTime?: number } {
  const max = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const receiveInterval = max(p.receiveIntervalMs, p.remoteTransmitIntervalMs);
  const transmitInterval = max(p.transmitIntervalMs, p.remoteReceiveIntervalMs);
  return {
    ...(receiveInterval !== undefined ? { receiveInterval } : {}),
    ...(transmitInterval !== undefined ? { transmitInterval } : {}),
    ...(p.detectMultiplier !== undefined ? { detectMultiplier: p.detectMultiplier } : {}),
    ...(receiveInterval !== undefined && p.remoteDetectMultiplier !== undefined ? { detectionTime: receiveInterval * p.remoteDetectMultiplier } : {}),
  };
}

function remoteTimers(p: BfdPeer): BfdTimers {
  return {
    ...(p.remoteReceiveIntervalMs !== undefined ? { receiveInterval: p.remoteReceiveIntervalMs } : {}),
    ...(p.remoteTransmitIntervalMs !== undefined ? { transmitInterval: p.remoteTransmitIntervalMs } : {}),
    ...(p.remoteDetectMultiplier !== undefined ? { detectMultiplier: p.remoteDetectMultiplier } : {}),
  };
}

const sameState = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function timerWords(t: BfdTimers & { readonly detectionTime?: number }): string {
  return parts(
    t.receiveInterval !== undefined && `rx ${t.receiveInterval}ms`,
    t.transmitInterval !== undefined && `tx ${t.transmitInterval}ms`,
    t.detectMultiplier !== undefined && `multiplier ${t.detectMultiplier}`,
    t.detectionTime !== undefined && `detection ${t.detectionTime}ms`,
  );
}

function expectedText(p: { on: string; peer: string; vrf?: string | undefined; state: string; expect: BfdSessionPlan['expect']; remote?: BfdTimers | undefined }): string {
  const not = p.state.startsWith('!') ? p.state.slice(1) : undefined;
  if (not !== undefined) return `${p.on} has no BFD session with ${p.peer}${inVrf(p.vrf)} ${not}`;
  if (sameState(p.state, BFD_ABSENT)) return `${p.on} has no BFD session with ${p.peer}${inVrf(p.vrf)}`;
  const own = timerWords(p.expect);
  const remote = p.remote ? timerWords(p.remote) : '';
  return `${p.on} has BFD session with ${p.peer}${inVrf(p.vrf)} ${p.state}${own ? `, ${own}` : ''}${remote ? `; the peer advertises ${remote}` : ''}`;
}

/** The fields of `want` whose value differs from `got`, as "name got (expected want)". */
function differences(want: object, got: object, prefix = ''): string[] {
  const have = got as Record<string, number | undefined>;
  return Object.entries(want as Record<string, number | undefined>).flatMap(([k, v]) => (v === undefined || have[k] === v ? [] : [`${prefix}${k} ${have[k] ?? 'unknown'} (expected ${v})`]));
}

export function evaluateBfdSession(plan: BfdSessionPlan, observed: BfdSessionObserved): Evaluation {
  const expected = expectedText(plan);
  const vrf = plan.vrf ?? 'default';
  const p = observed.peers.find((x) => x.peer === plan.peer && x.vrf === vrf);
  const condensed = p
    ? { status: p.status, negotiated: negotiatedTimers(p), remote: remoteTimers(p), ...(p.diagnostic !== undefined ? { diagnostic: p.diagnostic } : {}) }
    : BFD_ABSENT;
  const actual = p ? p.status : BFD_ABSENT;
  if (plan.state.startsWith('!')) {
    return sameState(actual, plan.state.slice(1))
      ? { ok: false, expected, observed: condensed, message: `still ${actual}` }
      : { ok: true, expected, observed: condensed, message: `${plan.peer} ${actual}` };
  }
  if (!sameState(actual, plan.state)) {
    const known = observed.peers.map((x) => `${x.peer}${x.vrf !== 'default' ? ` (vrf ${x.vrf})` : ''}`).join(', ') || 'none';
    const message = p ? `state ${actual}, expected ${plan.state}` : `no BFD session with ${plan.peer}${inVrf(plan.vrf)} (sessions: ${known})`;
    return { ok: false, expected, observed: condensed, message };
  }
  if (!p) return { ok: true, expected, observed: condensed, message: `no BFD session with ${plan.peer}` };
  const wrong = [...differences(plan.expect, negotiatedTimers(p)), ...differences({ ...plan.remote }, remoteTimers(p), 'remote ')];
  if (wrong.length > 0) return { ok: false, expected, observed: condensed, message: wrong.join(', ') };
  return { ok: true, expected, observed: condensed, message: `${plan.peer} ${p.status}${timerWords(negotiatedTimers(p)) ? `, ${timerWords(negotiatedTimers(p))}` : ''}` };
}

function expectOf(p: BfdSessionParams): BfdSessionPlan['expect'] {
  return {
    ...(p.receiveInterval !== undefined ? { receiveInterval: p.receiveInterval } : {}),
    ...(p.transmitInterval !== undefined ? { transmitInterval: p.transmitInterval } : {}),
    ...(p.detectMultiplier !== undefined ? { detectMultiplier: p.detectMultiplier } : {}),
    ...(p.detectionTime !== undefined ? { detectionTime: p.detectionTime } : {}),
  };
}

export const bfdSession: CheckKind<BfdSessionParams, BfdSessionPlan, BfdSessionObserved> = {
  kind: 'bfd-session',
  params: bfdSessionParams,
  defaultMode: () => 'eventually',
  defaults: () => CHECK_DEFAULTS['bfd-session'],
  describe: (p) => expectedText({ on: nodeRefLabel(p.on as NodeRef), peer: describeRef(p.peer), vrf: p.vrf, state: p.state, expect: expectOf(p), remote: p.remote }),
  plan(p, resolver: Resolver) {
    return {
      ...sessionEnds(resolver, p.on as NodeRef, p.peer as PeerRef, p.vrf),
      state: p.state,
      expect: expectOf(p),
      ...(p.remote !== undefined ? { remote: p.remote } : {}),
    };
  },
  async probe(plan, env) {
    let text: string;
    try {
      text = await vtyshText(env.runtime, plan.target, `show bfd${vrfPart(plan.vrf)} peers json`);
    } catch (e) {
      // bfdd runs only where a configuration uses BFD; elsewhere there is no session to find.
      if (e instanceof Error && /bfdd is not running/.test(e.message)) return { peers: [] };
      throw e;
    }
    return { peers: text.trim() === '' ? [] : parseBfdPeers(text) };
  },
  evaluate: evaluateBfdSession,
};
