// Parsers for what the real tools and the API server answer. Pure, and tested against recorded
// outputs in test/fixtures/kind/. They accept the wire JSON and the client library's typed
// objects alike (same field names; timestamps may be Date objects there).
import { z } from 'zod';
import type { NodeStatus, PodState, ServiceState, SessionState } from '../runtime.ts';

function fail(what: string, error: z.ZodError): never {
  const first = error.issues[0];
  const where = first ? first.path.join('.') || '(top)' : '(top)';
  throw new Error(`unexpected ${what}: ${where}: ${first?.message ?? 'invalid'}`);
}

const itemsOf = (what: string, input: unknown): unknown[] => {
  if (Array.isArray(input)) return input;
  const list = z.object({ items: z.array(z.unknown()).nullish() }).safeParse(input);
  if (!list.success) fail(what, list.error);
  return list.data.items ?? [];
};

// ---------------------------------------------------------------------------------------------
// BGPSessionState (frrk8s.metallb.io/v1beta1)

const sessionSchema = z.object({
  metadata: z.object({ labels: z.record(z.string(), z.string()).nullish() }).nullish(),
  status: z
    .object({
      node: z.string().nullish(),
      peer: z.string().nullish(),
      vrf: z.string().nullish(),
      bgpStatus: z.string().nullish(),
      bfdStatus: z.string().nullish(),
    })
    .nullish(),
});

const LABEL_IPV6 = /^[0-9a-fA-F]{4}(-[0-9a-fA-F]{4}){7}$/;

/**
 * frr-k8s writes an IPv6 peer in its label-safe form: fully expanded with ":" replaced by "-"
 * (label values cannot hold ":"), in the status too. Turn it back into the usual compressed form,
 * which is what checks resolve peers to.
 */
export function peerFromStatus(peer: string): string {
  if (!LABEL_IPV6.test(peer)) return peer;
  const groups = peer.split('-').map((g) => g.replace(/^0+(?=.)/, '').toLowerCase());
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return groups.join(':');
  const head = groups.slice(0, best.at).join(':');
  const tail = groups.slice(best.at + best.len).join(':');
  return `${head}::${tail}`;
}

/** `kubectl get bgpsessionstates -A -o json` (or the API's list) -> one SessionState per object. */
export function parseBgpSessionStates(input: unknown): SessionState[] {
  const out: SessionState[] = [];
  for (const [i, raw] of itemsOf('BGPSessionState list', input).entries()) {
    const parsed = sessionSchema.safeParse(raw);
    if (!parsed.success) fail(`BGPSessionState items[${i}]`, parsed.error);
    const labels = parsed.data.metadata?.labels ?? {};
    const s = parsed.data.status ?? {};
    const node = s.node || labels['frrk8s.metallb.io/node'];
    const peer = s.peer || labels['frrk8s.metallb.io/peer'];
    if (!node || !peer) continue;
    const vrf = s.vrf ?? labels['frrk8s.metallb.io/vrf'] ?? '';
    out.push({
      node,
      peer: peerFromStatus(peer),
      // frr-k8s reports the default VRF as "" (FRR itself says "default").
      vrf: vrf === 'default' ? '' : vrf,
      // The status is patched after the object is created; until then it is unknown.
      bgpStatus: s.bgpStatus || 'Unknown',
      bfdStatus: s.bfdStatus || 'N/A',
    });
  }
  return out.sort((a, b) => a.node.localeCompare(b.node) || a.vrf.localeCompare(b.vrf) || a.peer.localeCompare(b.peer));
}

// ---------------------------------------------------------------------------------------------
// Services

const serviceSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
  }),
  spec: z.object({ type: z.string().nullish() }).nullish(),
  status: z
    .object({
      loadBalancer: z
        .object({ ingress: z.array(z.object({ ip: z.string().nullish(), hostname: z.string().nullish() })).nullish() })
        .nullish(),
    })
    .nullish(),
});

const POOL_ANNOTATIONS = ['metallb.io/ip-allocated-from-pool', 'metallb.universe.tf/ip-allocated-from-pool'] as const;

/** LoadBalancer Services with the IPs MetalLB gave them (none while pending) and the pool. */
export function parseServices(input: unknown): ServiceState[] {
  const out: ServiceState[] = [];
  for (const [i, raw] of itemsOf('Service list', input).entries()) {
    const parsed = serviceSchema.safeParse(raw);
    if (!parsed.success) fail(`Service items[${i}]`, parsed.error);
    const svc = parsed.data;
    if (svc.spec?.type !== 'LoadBalancer') continue;
    const ips = (svc.status?.loadBalancer?.ingress ?? []).map((x) => x.ip || x.hostname).filter((x): x is string => Boolean(x));
    const annotations = svc.metadata.annotations ?? {};
    const pool = POOL_ANNOTATIONS.map((k) => annotations[k]).find((v) => v);
    out.push({ namespace: svc.metadata.namespace ?? 'default', name: svc.metadata.name, externalIPs: ips, ...(pool ? { pool } : {}) });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------------------------
// containerlab inspect --format json

const clabContainerSchema = z.object({
  lab_name: z.string().nullish(),
  name: z.string(),
  kind: z.string().nullish(),
  image: z.string().nullish(),
  state: z.string().nullish(),
  status: z.string().nullish(),
  ipv4_address: z.string().nullish(),
});

interface ClabNodeState {
  /** The topology node name (container name without `clab-<lab>-`). */
  readonly node: string;
  readonly container: string;
  readonly kind: string;
  readonly state: string;
  readonly status?: string;
  readonly image?: string;
}

/**
 * containerlab has printed three shapes over time: today an object keyed by lab name (a list of
 * containers each); around 0.4x-0.5x `{"containers": [...]}`; before that a bare list. All are
 * accepted; only containers of `labName` are returned.
 */
export function parseClabInspect(input: unknown, labName: string): ClabNodeState[] {
  let containers: unknown[];
  if (Array.isArray(input)) containers = input;
  else if (input && typeof input === 'object') {
    const rec = input as Record<string, unknown>;
    if (Array.isArray(rec.containers)) containers = rec.containers;
    else containers = Array.isArray(rec[labName]) ? (rec[labName] as unknown[]) : [];
  } else throw new Error('unexpected containerlab inspect output: not a JSON object or list');
  const prefix = `clab-${labName}-`;
  const out: ClabNodeState[] = [];
  for (const [i, raw] of containers.entries()) {
    const parsed = clabContainerSchema.safeParse(raw);
    if (!parsed.success) fail(`containerlab inspect entry ${i}`, parsed.error);
    const c = parsed.data;
    if (c.lab_name && c.lab_name !== labName) continue;
    const container = c.name.replace(/^\//, '');
    out.push({
      node: container.startsWith(prefix) ? container.slice(prefix.length) : container,
      container,
      kind: c.kind ?? '',
      state: c.state ?? 'unknown',
      ...(c.status ? { status: c.status } : {}),
      ...(c.image ? { image: c.image } : {}),
    });
  }
  return out;
}

export function clabState(state: string): NodeStatus['state'] {
  return state === 'running' ? 'up' : state === 'unknown' ? 'unknown' : 'down';
}

// ---------------------------------------------------------------------------------------------
// kind get nodes

/** One node name per line on stdout; "No kind nodes found ..." goes to stderr. */
export function parseKindNodes(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('No kind nodes'))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Pods and nodes

const conditionSchema = z.object({ type: z.string(), status: z.string() });

const podSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().nullish(),
    labels: z.record(z.string(), z.string()).nullish(),
    creationTimestamp: z.unknown().optional(),
    deletionTimestamp: z.unknown().optional(),
  }),
  spec: z.object({ nodeName: z.string().nullish(), containers: z.array(z.object({ name: z.string() })).nullish() }).nullish(),
  status: z.object({ phase: z.string().nullish(), podIP: z.string().nullish(), conditions: z.array(conditionSchema).nullish() }).nullish(),
});

export interface PodRef {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly containers: readonly string[];
}

const time = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) || 0 : 0);

/** Pods that are not being deleted, newest first. */
export function parsePods(input: unknown): PodRef[] {
  const rows: { pod: PodRef; created: number }[] = [];
  for (const [i, raw] of itemsOf('Pod list', input).entries()) {
    const parsed = podSchema.safeParse(raw);
    if (!parsed.success) fail(`Pod items[${i}]`, parsed.error);
    const p = parsed.data;
    if (p.metadata.deletionTimestamp !== undefined && p.metadata.deletionTimestamp !== null) continue;
    rows.push({
      created: time(p.metadata.creationTimestamp),
      pod: {
        name: p.metadata.name,
        namespace: p.metadata.namespace ?? '',
        node: p.spec?.nodeName ?? '',
        phase: p.status?.phase ?? 'Unknown',
        ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
        containers: (p.spec?.containers ?? []).map((c) => c.name),
      },
    });
  }
  return rows.sort((a, b) => b.created - a.created).map((r) => r.pod);
}

/** Workload pods that run and have an address, as checks see them (by name, by label), oldest first. */
export function parseWorkloadPods(input: unknown): PodState[] {
  const out: { pod: PodState; created: number }[] = [];
  for (const [i, raw] of itemsOf('Pod list', input).entries()) {
    const parsed = podSchema.safeParse(raw);
    if (!parsed.success) fail(`Pod items[${i}]`, parsed.error);
    const p = parsed.data;
    if (p.metadata.deletionTimestamp !== undefined && p.metadata.deletionTimestamp !== null) continue;
    if (p.status?.phase !== 'Running' || !p.status.podIP) continue;
    out.push({
      created: time(p.metadata.creationTimestamp),
      pod: { namespace: p.metadata.namespace ?? '', name: p.metadata.name, node: p.spec?.nodeName ?? '', ip: p.status.podIP, labels: { ...(p.metadata.labels ?? {}) } },
    });
  }
  return out.sort((a, b) => a.created - b.created).map((r) => r.pod);
}

/**
 * The pod of a DaemonSet on `node`: a replacement may exist next to one still terminating, so
 * terminating pods are ignored and a Ready one is preferred, then a Running one, then the newest.
 */
export function podOnNode(input: unknown, node: string): PodRef | undefined {
  const mine = parsePods(input).filter((p) => p.node === node);
  return mine.find((p) => p.ready) ?? mine.find((p) => p.phase === 'Running') ?? mine[0];
}

const nodeSchema = z.object({
  metadata: z.object({ name: z.string(), annotations: z.record(z.string(), z.string()).nullish() }),
  status: z.object({ conditions: z.array(conditionSchema).nullish() }).nullish(),
});

/** Node name -> its `openpe.io/nodeindex` annotation (undefined when absent). */
export function parseNodeIndices(input: unknown, annotation: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const [i, raw] of itemsOf('Node list', input).entries()) {
    const parsed = nodeSchema.safeParse(raw);
    if (!parsed.success) fail(`Node items[${i}]`, parsed.error);
    out.set(parsed.data.metadata.name, parsed.data.metadata.annotations?.[annotation] ?? undefined);
  }
  return out;
}

/**
 * Where OpenPERouter's node numbering differs from the lab's (which every VTEP and speaker
 * address pelab expects is derived from), one sentence per node; empty when they agree.
 */
export function nodeIndexMismatches(expected: readonly { name: string; index: number }[], actual: ReadonlyMap<string, string | undefined>, annotation: string): string[] {
  const out: string[] = [];
  for (const n of expected) {
    if (!actual.has(n.name)) out.push(`node ${n.name} is not in the cluster`);
    else if (actual.get(n.name) === undefined) out.push(`node ${n.name} has no ${annotation} annotation (the lab expects ${n.index})`);
    else if (actual.get(n.name) !== String(n.index)) out.push(`node ${n.name} has index ${actual.get(n.name)}, the lab expects ${n.index}`);
  }
  return out;
}

/** Node name -> Ready (the kubelet's Ready condition). */
export function parseNodeReadiness(input: unknown): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [i, raw] of itemsOf('Node list', input).entries()) {
    const parsed = nodeSchema.safeParse(raw);
    if (!parsed.success) fail(`Node items[${i}]`, parsed.error);
    out.set(parsed.data.metadata.name, (parsed.data.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ip -j link show type bridge

const linkSchema = z.array(z.object({ ifname: z.string(), flags: z.array(z.string()).nullish(), operstate: z.string().nullish() }));

/** Bridge name -> administratively up. */
export function parseBridges(stdout: string): Map<string, boolean> {
  const text = stdout.trim();
  if (text === '') return new Map();
  const parsed = linkSchema.safeParse(JSON.parse(text));
  if (!parsed.success) fail('`ip -j link` output', parsed.error);
  return new Map(parsed.data.map((l) => [l.ifname, (l.flags ?? []).includes('UP')]));
}
