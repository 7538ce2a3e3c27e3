// bgp-session: a BGP neighbor's state as FRR sees it on one side (upstream e2e: `show bgp
// neighbor <ip> json` -> bgpState). With `afi`, the neighbor must also be up in that family.
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { parseBgpNeighbor, parseBgpSummary, type Afi, type BgpNeighbor } from '../parse/bgp.ts';
import {
  describeRef, nodeRefLabel, nodeRefSchema, peerRefSchema, sessionEnds, type NodeRef, type PeerRef, type Resolver,
} from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { inVrf, vrfPart, vtyshText } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const ABSENT_STATE = 'absent';

const bgpSessionParams = z.strictObject({
  on: nodeRefSchema,
  peer: peerRefSchema,
  vrf: z.string().min(1).optional(),
  afi: z.enum(['ipv4', 'ipv6', 'l2vpn-evpn']).optional(),
  /**
   * FRR's state name (Established, Active, Connect, Idle, ...), `absent`, or `!<state>` for "any
   * state but": `!Established` holds while a session is down, whether it flaps or is gone.
   */
  state: z.string().min(1).default('Established'),
});
type BgpSessionParams = z.infer<typeof bgpSessionParams>;

interface BgpSessionPlan {
  readonly target: Target;
  readonly on: string;
  readonly peer: string;
  readonly peerRef: PeerRef;
  readonly vrf?: string;
  readonly afi?: Afi;
  readonly state: string;
}

interface BgpSessionObserved {
  readonly neighbor: BgpNeighbor;
  /** With `afi`: the peer's state per family it is activated in (from the summary). */
  readonly families?: Readonly<Record<string, string>>;
}

const sameState = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function negated(state: string): string | undefined {
  return state.startsWith('!') ? state.slice(1) : undefined;
}

function expectedText(p: { on: string; peer: string; vrf?: string | undefined; afi?: string | undefined; state: string }): string {
  const not = negated(p.state);
  if (not !== undefined) return `${p.on} has no ${not} BGP session with ${p.peer}${inVrf(p.vrf)}${p.afi ? ` (${p.afi})` : ''}`;
  if (sameState(p.state, ABSENT_STATE)) return `${p.on} has no BGP neighbor ${p.peer}${inVrf(p.vrf)}`;
  return `${p.on} has BGP session with ${p.peer}${inVrf(p.vrf)}${p.afi ? ` (${p.afi})` : ''} ${p.state}`;
}

export function evaluateBgpSession(plan: BgpSessionPlan, observed: BgpSessionObserved): Evaluation {
  const expected = expectedText(plan);
  const n = observed.neighbor;
  const condensed = n.exists
    ? {
        state: n.state,
        ...(n.remoteAs !== undefined ? { remoteAs: n.remoteAs } : {}),
        ...(n.dynamic ? { dynamic: true } : {}),
        ...(observed.families ? { families: observed.families } : {}),
      }
    : ABSENT_STATE;
  if (sameState(plan.state, ABSENT_STATE)) {
    return n.exists
      ? { ok: false, expected, observed: condensed, message: `neighbor ${plan.peer} exists (state ${n.state})` }
      : { ok: true, expected, observed: condensed, message: `no neighbor ${plan.peer}` };
  }
  const not = negated(plan.state);
  if (not !== undefined) {
    const actual = plan.afi !== undefined && n.exists ? (observed.families?.[plan.afi] ?? 'not activated') : n.exists ? n.state : ABSENT_STATE;
    return sameState(actual, not)
      ? { ok: false, expected, observed: condensed, message: `still ${actual}` }
      : { ok: true, expected, observed: condensed, message: `${plan.peer} ${actual}` };
  }
  if (!n.exists) return { ok: false, expected, observed: condensed, message: `no neighbor ${plan.peer} configured${inVrf(plan.vrf)}` };
  if (!sameState(n.state, plan.state)) {
    return { ok: false, expected, observed: condensed, message: `state ${n.state}, expected ${plan.state}` };
  }
  if (plan.afi !== undefined) {
    const famState = observed.families?.[plan.afi];
    if (famState === undefined) {
      return { ok: false, expected, observed: condensed, message: `neighbor not activated in ${plan.afi}` };
    }
    if (!sameState(famState, plan.state)) {
      return { ok: false, expected, observed: condensed, message: `${plan.afi} state ${famState}, expected ${plan.state}` };
    }
  }
  return { ok: true, expected, observed: condensed, message: `${plan.peer} ${n.state}` };
}

export const bgpSession: CheckKind<BgpSessionParams, BgpSessionPlan, BgpSessionObserved> = {
  kind: 'bgp-session',
  params: bgpSessionParams,
  defaultMode: () => 'eventually',
  // Down, gone or "anything but Established": what a fault or a deletion should leave.
  negative: (p) => !sameState(p.state, 'Established'),
  defaults: () => CHECK_DEFAULTS['bgp-session'],
  describe: (p) =>
    expectedText({ on: nodeRefLabel(p.on as NodeRef), peer: describeRef(p.peer), vrf: p.vrf, afi: p.afi, state: p.state }),
  plan(p, resolver: Resolver) {
    return {
      ...sessionEnds(resolver, p.on as NodeRef, p.peer as PeerRef, p.vrf),
      peerRef: p.peer as PeerRef,
      ...(p.afi !== undefined ? { afi: p.afi } : {}),
      state: p.state,
    };
  },
  async probe(plan, env: ProbeEnv) {
    const text = await vtyshText(env.runtime, plan.target, `show bgp${vrfPart(plan.vrf)} neighbor ${plan.peer} json`);
    const neighbor = parseBgpNeighbor(text, plan.peer);
    if (plan.afi === undefined || !neighbor.exists) return { neighbor };
    const summary = parseBgpSummary(await vtyshText(env.runtime, plan.target, `show bgp${vrfPart(plan.vrf)} summary json`), {
      ...(plan.vrf !== undefined ? { vrf: plan.vrf } : {}),
    });
    const families: Record<string, string> = {};
    for (const s of summary) if (s.peer === plan.peer) families[s.afi] = s.state;
    return { neighbor, families };
  },
  evaluate: evaluateBgpSession,
};
