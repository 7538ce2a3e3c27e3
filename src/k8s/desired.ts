// Manifests + the lab's cluster -> the per-node emulation plan (PE routers, speakers) and the
// Services' allocations. Pure: the same inputs always give the same plan.
import { InputError, InputErrors } from '../errors.ts';
import type { Cluster, ClusterNode } from '../lab/model.ts';
import { pePlanFor } from './desired-pe.ts';
import { speakerPlanFor } from './desired-speaker.ts';
import type { ServiceForAdvertisement } from './desired-speaker.ts';
import type { Manifest } from './manifest.ts';
import { allocateServiceIPs, serviceKey } from './metallb-allocate.ts';
import type { DesiredState, LabelChanges, NodePlan, ServiceAnnouncement, ServiceBackendPlan, ServicePlan, ServicePortPlan } from './plan.ts';
import { collectObjects } from './schemas/index.ts';
import type { K8sObjects, Obj } from './schemas/index.ts';
import type { ServiceSpec } from './schemas/core.ts';
import { backingDeployments, validateManifests } from './validate.ts';
import { genericServerWarning, placePods, planPods } from './pods.ts';
import { EXCLUDE_FROM_LB_LABEL, l2Candidates } from './l2-election.ts';
import type { ValidateOptions } from './validate.ts';

export type * from './plan.ts';

interface DesiredStateOptions extends ValidateOptions {
  /**
   * BGP connect-retry seconds for PE underlay neighbors and speaker neighbors whose manifests set
   * none. Upstream leaves FRR's 120 s; 1 s lets sessions form as soon as both ends are up.
   */
  readonly connectTimeSeconds?: number;
  /**
   * `coalesce-time` (ms) of every PE and speaker BGP instance. FRR's default 1000 ms delays the
   * first advertisement; 50 ms cut bring-up by about a second (measured). Set 0 to omit.
   */
  readonly coalesceTimeMs?: number;
  /**
   * `bgp route-map delay-timer 0` on speakers: FRR's default 5 s delay before applying
   * route-map changes kept per-neighbor filtered sessions down about 4 s longer (measured).
   */
  readonly routeMapDelay0?: boolean;
  /** Service IPs held before (`namespace/name` -> IPs), kept when still valid (MetalLB is sticky). */
  readonly previousAllocations?: Readonly<Record<string, readonly string[]>>;
  /** Pod addresses held before (`namespace/name` -> IP), kept while the pod exists (see pods.ts). */
  readonly previousPodIPs?: Readonly<Record<string, string>>;
  /** Labels changed on running nodes (node -> key -> value, null = removed), on top of nodeLabels. */
  readonly labelChanges?: Readonly<Record<string, LabelChanges>>;
}

/** Labels after `changes`; later changes of a key win (the caller merges them in order). */
export function withLabelChanges(labels: Readonly<Record<string, string>>, changes: LabelChanges | undefined): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  for (const [k, v] of Object.entries(changes ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Two sets of changes in order, as one (a later value or removal of a key replaces an earlier one). */
export function mergeLabelChanges(earlier: LabelChanges | undefined, later: LabelChanges): LabelChanges {
  return { ...(earlier ?? {}), ...later };
}

const DEFAULT_TUNING = { connectTimeSeconds: 1, coalesceTimeMs: 50, routeMapDelay0: true } as const;

/** The labels an emulated node carries, as a kind node would. */
export function nodeLabels(node: ClusterNode): Record<string, string> {
  return {
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    // kubeadm marks a kind control-plane node so that load balancers skip it (MetalLB would, but
    // pelab's speakers run with ignoreExcludeLB: src/k8s/l2-election.ts).
    ...(node.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '', [EXCLUDE_FROM_LB_LABEL]: '' } : {}),
    ...(node.labels ?? {}),
  };
}

interface ServiceContext {
  readonly svc: Obj<ServiceSpec>;
  readonly backends: ServiceBackendPlan[];
  readonly ports: ServicePortPlan[];
  readonly endpointNodes: string[];
}

function serviceContext(svc: Obj<ServiceSpec>, o: K8sObjects, cluster: Cluster): ServiceContext {
  const deployments = backingDeployments(svc, o);
  const backends = deployments.map((d) => {
    const containers = d.spec.template.spec.containers;
    return {
      deployment: d.name,
      image: (containers[0] as { image: string }).image,
      replicas: d.spec.replicas ?? 1,
      containerPorts: containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)),
    };
  });
  const named = new Map(
    deployments.flatMap((d) => d.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).flatMap((p) => (p.name ? [[p.name, p.containerPort] as const] : [])))),
  );
  const ports = svc.spec.ports.map((p) => ({
    ...(p.name !== undefined ? { name: p.name } : {}),
    protocol: p.protocol ?? 'TCP',
    port: p.port,
    targetPort: typeof p.targetPort === 'number' ? p.targetPort : p.targetPort !== undefined ? (named.get(p.targetPort) ?? p.port) : p.port,
  }));
  const endpointNodes = [...new Set(backends.flatMap((b) => placePods(b.replicas, cluster)))].sort(
    (a, b) => cluster.nodes.findIndex((n) => n.name === a) - cluster.nodes.findIndex((n) => n.name === b),
  );
  return { svc, backends, ports, endpointNodes };
}

export function computeDesiredState(manifests: readonly Manifest[], cluster: Cluster, options: DesiredStateOptions = {}): DesiredState {
  const { manifests: current, warnings } = validateManifests(manifests, options);
  const o = collectObjects(current);
  const tuning = {
    connectTimeSeconds: options.connectTimeSeconds ?? DEFAULT_TUNING.connectTimeSeconds,
    coalesceTimeMs: options.coalesceTimeMs ?? DEFAULT_TUNING.coalesceTimeMs,
    routeMapDelay0: options.routeMapDelay0 ?? DEFAULT_TUNING.routeMapDelay0,
  };
  const coalesce = tuning.coalesceTimeMs > 0 ? { coalesceTimeMs: tuning.coalesceTimeMs } : {};
  const errors: InputError[] = [];

  const allocations = allocateServiceIPs({
    pools: o.pools.map((p) => ({ name: p.name, labels: p.labels, spec: p.spec })),
    services: o.services.map((s) => ({
      namespace: s.namespace,
      name: s.name,
      labels: s.labels,
      annotations: s.annotations,
      ...(s.spec.loadBalancerIP !== undefined ? { loadBalancerIP: s.spec.loadBalancerIP } : {}),
      ports: s.spec.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })),
      externalTrafficPolicy: s.spec.externalTrafficPolicy ?? 'Cluster',
      ...(s.spec.selector ? { selector: s.spec.selector } : {}),
    })),
    namespaces: o.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
    ...(options.previousAllocations ? { previous: options.previousAllocations } : {}),
  });
  const contexts = o.services.map((s) => serviceContext(s, o, cluster));

  const forAdvertisement: ServiceForAdvertisement[] = contexts.flatMap((ctx, i) => {
    const a = allocations[i];
    if (!a || a.ips.length === 0 || a.pool === undefined) return [];
    const local = ctx.svc.spec.externalTrafficPolicy === 'Local';
    return [
      {
        key: serviceKey(ctx.svc),
        labels: ctx.svc.labels,
        ips: a.ips,
        pool: a.pool,
        announcesFrom: (node: string) => (local ? ctx.endpointNodes.includes(node) : ctx.endpointNodes.length > 0),
      },
    ];
  });

  const announcements = new Map<string, ServiceAnnouncement[]>();
  const nodes: NodePlan[] = [...cluster.nodes]
    .sort((a, b) => a.index - b.index)
    .map((node) => {
      const labels = withLabelChanges(nodeLabels(node), options.labelChanges?.[node.name]);
      const pe = pePlanFor(node, labels, o, { connectTimeSeconds: tuning.connectTimeSeconds, ...coalesce }, errors);
      const speaker = speakerPlanFor(node.name, labels, o, forAdvertisement, { connectTimeSeconds: tuning.connectTimeSeconds, routeMapDelay0: tuning.routeMapDelay0, ...coalesce }, announcements, errors);
      return { node: node.name, index: node.index, labels, ...(pe ? { pe } : {}), ...(speaker ? { speaker } : {}) };
    });
  if (errors.length > 0) throw new InputErrors(dedupe(errors));

  const nodeInputs = nodes.map((n) => ({ name: n.node, labels: n.labels }));
  const services: ServicePlan[] = contexts.map((ctx, i) => {
    const a = allocations[i];
    const l2 =
      a && a.pool !== undefined
        ? l2Candidates(
            { labels: ctx.svc.labels, ips: a.ips, pool: a.pool, externalTrafficPolicy: ctx.svc.spec.externalTrafficPolicy ?? 'Cluster', endpointNodes: ctx.endpointNodes },
            nodeInputs,
            o.l2Advertisements,
            o.pools,
          )
        : [];
    return {
      namespace: ctx.svc.namespace,
      name: ctx.svc.name,
      ips: a?.ips ?? [],
      ...(a?.pool !== undefined ? { pool: a.pool } : {}),
      ports: ctx.ports,
      externalTrafficPolicy: ctx.svc.spec.externalTrafficPolicy ?? 'Cluster',
      backends: ctx.backends,
      endpointNodes: ctx.endpointNodes,
      announcements: announcements.get(serviceKey(ctx.svc)) ?? [],
      l2Candidates: l2,
      ...(a?.failure ? { failure: a.failure } : {}),
    };
  });
  const pods = planPods(o.deployments, cluster, options.previousPodIPs);
  for (const p of pods) {
    const w = genericServerWarning(p);
    if (w) warnings.push(w);
  }
  for (const s of services) {
    if (s.failure) warnings.push(`Service ${s.namespace}/${s.name} stays pending: ${s.failure.reason}: ${s.failure.message}`);
  }

  return { nodes, services, pods, warnings, deviations: deviations(tuning) };
}

function deviations(t: { connectTimeSeconds: number; coalesceTimeMs: number; routeMapDelay0: boolean }): string[] {
  const out = [
    `BGP connect retry ${t.connectTimeSeconds}s (FRR default 120s) on PE underlay and speaker neighbors whose manifests set no connect time, so sessions form as soon as both ends are up.`,
  ];
  if (t.coalesceTimeMs > 0) out.push(`coalesce-time ${t.coalesceTimeMs}ms (FRR default 1000ms) on every PE and speaker BGP instance, so first advertisements leave sooner.`);
  if (t.routeMapDelay0) out.push('bgp route-map delay-timer 0 (FRR default 5s) on speakers, so per-neighbor route-map changes apply at once.');
  return out;
}

// The same conflict can be found on every node; report it once.
function dedupe(errors: InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}:${e.line}:${e.path}:${e.expected.replace(/node \S+/g, 'node')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
