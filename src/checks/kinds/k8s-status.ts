// k8s-status: what the cluster API reports, not what FRR says: frr-k8s BGPSessionState for a
// node's session, or the external IP MetalLB gave a Service. frr-k8s refreshes session states on
// a cadence (2 min by default), hence the long default deadline.
import { z } from 'zod';
import type { ServiceState, SessionState } from '../../runtime/runtime.ts';
import { isIP } from '../../net/ip.ts';
import { describeRef, peerRefSchema, resolvePeer, serviceNameSchema, type PeerRef, type Resolver } from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { inVrf } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const k8sStatusParams = z.union([
  z.strictObject({
    session: z.strictObject({
      node: z.string().min(1),
      /** As seen from the node's speaker: an IP or `{peRouterSide: {vrf: red}}`. */
      peer: peerRefSchema,
      vrf: z.string().min(1).optional(),
      /** BGPSessionState bgpStatus, or `absent`. */
      state: z.string().min(1).default('Established'),
      /** BGPSessionState bfdStatus (`up`, `down`, `N/A` without BFD); omit to accept any. */
      bfd: z.string().min(1).optional(),
    }),
  }),
  z.strictObject({
    service: serviceNameSchema,
    /** The IP the Service must get; omit to accept any allocated IP. */
    externalIP: z.string().refine(isIP, { message: 'expected an IP address' }).optional(),
    pool: z.string().min(1).optional(),
  }),
]);
type K8sStatusParams = z.infer<typeof k8sStatusParams>;

type K8sStatusPlan =
  | { readonly what: 'session'; readonly node: string; readonly peer: string; readonly vrf: string; readonly state: string; readonly bfd?: string }
  | { readonly what: 'service'; readonly namespace: string; readonly name: string; readonly externalIP?: string; readonly pool?: string };

type K8sStatusObserved =
  | { readonly what: 'session'; readonly sessions: readonly SessionState[] }
  | { readonly what: 'service'; readonly services: readonly ServiceState[] };

const absent = (s: string) => s.toLowerCase() === 'absent';
const vrfName = (v: string) => (v === 'default' ? '' : v);

function expectedText(plan: K8sStatusPlan | { what: 'session'; node: string; peer: string; vrf: string; state: string; bfd?: string }): string {
  if (plan.what === 'session') {
    const where = `${plan.node} -> ${plan.peer}${inVrf(plan.vrf || undefined)}`;
    return absent(plan.state) ? `no BGPSessionState for ${where}` : `BGPSessionState ${where} is ${plan.state}${plan.bfd !== undefined ? `, bfd ${plan.bfd}` : ''}`;
  }
  const svc = `${plan.namespace}/${plan.name}`;
  return `service ${svc} has external IP ${plan.externalIP ?? '(any)'}${plan.pool !== undefined ? ` from pool ${plan.pool}` : ''}`;
}

export function evaluateK8sStatus(plan: K8sStatusPlan, observed: K8sStatusObserved): Evaluation {
  const expected = expectedText(plan);
  if (plan.what === 'session') {
    const all = observed.what === 'session' ? observed.sessions : [];
    const mine = all.filter((s) => s.node === plan.node && s.peer === plan.peer && vrfName(s.vrf) === plan.vrf);
    const shown = mine.length === 0 ? 'absent' : mine.map((s) => ({ bgpStatus: s.bgpStatus, bfdStatus: s.bfdStatus }));
    if (absent(plan.state)) {
      return mine.length === 0
        ? { ok: true, expected, observed: shown, message: 'no session state' }
        : { ok: false, expected, observed: shown, message: `session state exists: ${mine[0]?.bgpStatus ?? ''}` };
    }
    const first = mine[0];
    if (first === undefined) {
      const onNode = all.filter((s) => s.node === plan.node).map((s) => `${s.peer}${s.vrf ? `@${s.vrf}` : ''}`);
      return { ok: false, expected, observed: shown, message: `no BGPSessionState for that peer (node has: ${onNode.join(', ') || 'none'})` };
    }
    if (first.bgpStatus.toLowerCase() !== plan.state.toLowerCase()) {
      return { ok: false, expected, observed: shown, message: `bgpStatus ${first.bgpStatus}, expected ${plan.state}` };
    }
    if (plan.bfd !== undefined && first.bfdStatus.toLowerCase() !== plan.bfd.toLowerCase()) {
      return { ok: false, expected, observed: shown, message: `bfdStatus ${first.bfdStatus}, expected ${plan.bfd}` };
    }
    return { ok: true, expected, observed: shown, message: `${first.bgpStatus}${plan.bfd !== undefined ? `, bfd ${first.bfdStatus}` : ''}` };
  }
  const svcs = observed.what === 'service' ? observed.services : [];
  const svc = svcs.find((s) => s.namespace === plan.namespace && s.name === plan.name);
  if (!svc) return { ok: false, expected, observed: 'absent', message: `no service ${plan.namespace}/${plan.name}` };
  const shown = { externalIPs: svc.externalIPs, ...(svc.pool !== undefined ? { pool: svc.pool } : {}) };
  if (svc.externalIPs.length === 0) return { ok: false, expected, observed: shown, message: 'no external IP (pending)' };
  if (plan.externalIP !== undefined && !svc.externalIPs.includes(plan.externalIP)) {
    return { ok: false, expected, observed: shown, message: `external IPs ${svc.externalIPs.join(', ')}, expected ${plan.externalIP}` };
  }
  if (plan.pool !== undefined && svc.pool !== plan.pool) {
    return { ok: false, expected, observed: shown, message: `pool ${svc.pool ?? '(unknown)'}, expected ${plan.pool}` };
  }
  return { ok: true, expected, observed: shown, message: svc.externalIPs.join(', ') };
}

export const k8sStatus: CheckKind<K8sStatusParams, K8sStatusPlan, K8sStatusObserved> = {
  kind: 'k8s-status',
  params: k8sStatusParams,
  defaultMode: () => 'eventually',
  defaults: () => CHECK_DEFAULTS['k8s-status'],
  describe(p) {
    if ('session' in p) {
      return expectedText({ what: 'session', node: p.session.node, peer: describeRef(p.session.peer), vrf: p.session.vrf ?? '', state: p.session.state, ...(p.session.bfd !== undefined ? { bfd: p.session.bfd } : {}) });
    }
    const [namespace = '', name = ''] = p.service.split('/');
    return expectedText({ what: 'service', namespace, name, ...(p.externalIP !== undefined ? { externalIP: p.externalIP } : {}), ...(p.pool !== undefined ? { pool: p.pool } : {}) });
  },
  plan(p, resolver: Resolver): K8sStatusPlan {
    if ('session' in p) {
      const s = p.session;
      return {
        what: 'session',
        node: s.node,
        peer: resolvePeer(resolver, { speaker: s.node }, s.peer as PeerRef, s.vrf),
        vrf: vrfName(s.vrf ?? ''),
        state: s.state,
        ...(s.bfd !== undefined ? { bfd: s.bfd } : {}),
      };
    }
    const [namespace = '', name = ''] = p.service.split('/');
    return { what: 'service', namespace, name, ...(p.externalIP !== undefined ? { externalIP: p.externalIP } : {}), ...(p.pool !== undefined ? { pool: p.pool } : {}) };
  },
  async probe(plan, env: ProbeEnv): Promise<K8sStatusObserved> {
    if (plan.what === 'session') return { what: 'session', sessions: await env.runtime.sessionStates() };
    return { what: 'service', services: await env.runtime.services() };
  },
  evaluate: evaluateK8sStatus,
};
