// The real lab: a kind cluster and a containerlab fabric on a Docker host, with upstream
// frr-k8s, MetalLB and OpenPERouter installed from their charts. Bring-up and teardown follow
// the plans in plan.ts; commands run in containers and pods (exec.ts); cluster state comes from
// the Kubernetes API (kube.ts). Every side effect goes through four seams chosen once, here in
// the constructor: the executor (commands, plan steps, waits), the cluster client, the Docker
// client and the applied-state store. `dryRun` picks their printing versions (executor.ts,
// printing-cluster.ts, docker.ts, applied-store.ts); nothing below asks which ones it has.
import { tcDropArgvs, tcRestoreArgvs } from '../silent-drop.ts';
import { assertInLab, assertRunsFrr, describeTarget, labTargets } from '../roles.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, InputErrors, LabBuildError } from '../../errors.ts';
import { manifestFromBody } from '../../k8s/load.ts';
import { manifestKey, type Manifest } from '../../k8s/manifest.ts';
import { validateManifests } from '../../k8s/validate.ts';
import { computeDesiredState, mergeLabelChanges } from '../../k8s/desired.ts';
import type { DesiredState, LabelChanges } from '../../k8s/plan.ts';
import { clabLabName } from '../../render/clab.ts';
import type { Lab } from '../../lab/model.ts';
import { realClock, type Clock } from '../../proc/clock.ts';
import { eventually } from '../../proc/wait.ts';
import type {
  ApplyResult, BundleExtra, UpOptions, ExecOptions, ExecResult, Fault, LabStatus, NodeStatus, PodState, Runtime, ServiceState, SessionState, Target,
} from '../runtime.ts';
import { fileAppliedStore, memoryAppliedStore, type AppliedState, type AppliedStore } from './applied-store.ts';
import { formatPlan } from './dry-run.ts';
import { execArgv, linkArgv, POD_PLACEMENT, PodVrfRefused, vrfPrefix, ROUTER_RESTART, vtyshArgv, type PodExecContext } from './exec.ts';
import { DryRunExecutor, RealExecutor, type Executor } from './executor.ts';
import pRetry from 'p-retry';
import { apiErrorMessage, clusterApiFromKubeconfig, isNotFound, type ClusterApi } from './kube.ts';
import { PrintingCluster } from './printing-cluster.ts';
import { dockerodeClient, PrintingDocker, type DockerClient } from './docker.ts';
import {
  assertIfName, assertInstance, clabContainer, defaultWorkDir, FRRK8S, kindNodeContainer, METALLB, OPENPEROUTER, workFiles, type WorkFiles,
} from './names.ts';
import {
  clabState, nodeIndexMismatches, parseBgpSessionStates, parseBridges, parseClabInspect, parseKindNodes, parseNodeIndices, parseNodeReadiness, parsePods, parseServices, parseWorkloadPods, podOnNode, type PodRef,
} from './parse.ts';
import { kubectl, kubectlLabelArgv, NODE_INDEX_ANNOTATION, planDown, planUp, type PlanOptions, type Step } from './plan.ts';

interface KindTiming {
  /** How long an apply keeps retrying while webhooks and CRDs come up. */
  readonly applyRetryMs: number;
  readonly applyIntervalMs: number;
  /** How long apply waits for MetalLB to give the applied LoadBalancer Services an IP. */
  readonly serviceIpMs: number;
  readonly pollMs: number;
  /** A deleted router / frr-k8s pod's replacement must be Ready within this. */
  readonly podReadyMs: number;
  /** bgpd must be back this long after it was killed. */
  readonly frrRestartMs: number;
  readonly execTimeoutMs: number;
}

export const DEFAULT_TIMING: KindTiming = {
  applyRetryMs: 60_000,
  applyIntervalMs: 2_000,
  serviceIpMs: 30_000,
  pollMs: 1_000,
  podReadyMs: 180_000,
  frrRestartMs: 60_000,
  execTimeoutMs: 30_000,
};

interface KindRuntimeOptions {
  readonly instance?: string;
  /** Print every command and API call instead of running it. */
  readonly dryRun?: boolean;
  /** Where the dry-run prints (default stdout). */
  readonly out?: NodeJS.WritableStream;
  /** Default `.pelab/kind/<instance>` under the current directory. */
  readonly workDir?: string;
  /** Images, pinned charts, timeouts of the bring-up. */
  readonly plan?: Omit<Partial<PlanOptions>, 'workDir'>;
  /** Tests inject these; by default commands run through proc/run.ts and the API from the kubeconfig. */
  readonly executor?: Executor;
  readonly cluster?: ClusterApi;
  readonly docker?: DockerClient;
  readonly timing?: Partial<KindTiming>;
  /** Time for every wait (the executor's too, unless one is injected); tests inject test/proc/fake-clock.ts. */
  readonly clock?: Clock;
}

/** Kinds pelab applies, grouped as the failure bundle dumps them. */
const CR_GROUPS: readonly (readonly [file: string, resources: string])[] = [
  ['cluster/openperouter.yaml', 'underlays.network.openperouter.io,l3vnis.network.openperouter.io,l2vnis.network.openperouter.io,l3passthroughs.network.openperouter.io'],
  ['cluster/frr-k8s.yaml', 'frrconfigurations.frrk8s.metallb.io,bgpsessionstates.frrk8s.metallb.io,frrnodestates.frrk8s.metallb.io'],
  ['cluster/metallb.yaml', 'ipaddresspools.metallb.io,bgpadvertisements.metallb.io,bgppeers.metallb.io,communities.metallb.io,bfdprofiles.metallb.io'],
  ['cluster/services.yaml', 'services,endpointslices.discovery.k8s.io'],
  ['cluster/workloads.yaml', 'deployments,daemonsets'],
];

export class KindRuntime implements Runtime {
  readonly kind = 'kind' as const;
  readonly lab: Lab;
  readonly instance: string;
  readonly files: WorkFiles;
  readonly planOptions: PlanOptions;
  private readonly executor: Executor;
  private readonly timing: KindTiming;
  private readonly clock: Clock;
  private readonly applied: AppliedStore;
  private api: ClusterApi | undefined;
  private dockerClient: DockerClient | undefined;

  constructor(lab: Lab, options: KindRuntimeOptions = {}) {
    this.lab = lab;
    this.instance = assertInstance(options.instance ?? lab.name);
    const workDir = options.workDir ?? defaultWorkDir(this.instance);
    this.files = workFiles(workDir);
    this.planOptions = { ...options.plan, workDir };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.clock = options.clock ?? realClock;
    // The one place the dry run is chosen: the printing seams, or the real ones (the cluster and
    // Docker clients of a real run are created on first use: `down` of a half-built lab needs neither).
    if (options.dryRun) {
      const executor = options.executor ?? new DryRunExecutor(options.out ?? process.stdout);
      const note = (t: string) => executor.note(t);
      this.executor = executor;
      this.api = options.cluster ?? new PrintingCluster(note, { nodes: lab.cluster?.nodes ?? [], indexAnnotation: NODE_INDEX_ANNOTATION, kubeconfig: this.files.kubeconfig });
      this.dockerClient = options.docker ?? new PrintingDocker(note);
      this.applied = memoryAppliedStore();
    } else {
      this.executor = options.executor ?? new RealExecutor({ clock: this.clock, docker: () => this.docker() });
      this.api = options.cluster;
      this.dockerClient = options.docker;
      this.applied = fileAppliedStore(this.files.applied);
    }
  }

  get dryRun(): boolean {
    return this.executor.dryRun;
  }

  /** The bring-up this runtime performs, as printed by `pelab up --runtime kind --dry-run`. */
  upPlan(): Step[] {
    return planUp(this.lab, this.planOptions);
  }

  downPlan(): Step[] {
    return planDown(this.lab, this.planOptions);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  async up(options: UpOptions = {}): Promise<void> {
    const steps = this.upPlan();
    this.executor.note(`# pelab up: lab ${this.lab.name} (${this.lab.source}), instance ${this.instance}, runtime kind (dry run)`);
    let phase: string | undefined;
    let started = performance.now();
    const close = () => {
      if (phase !== undefined) options.onPhase?.(phase, Math.round(performance.now() - started));
    };
    for (const step of steps) {
      options.signal?.throwIfAborted();
      if (step.phase !== phase) {
        close();
        phase = step.phase;
        started = performance.now();
      }
      try {
        await this.executor.step(step, options.signal, options.onProgress);
      } catch (e) {
        if (e instanceof LabBuildError) {
          // e.message already carries the step's own hint; this one says what to do with the rest.
          throw new LabBuildError(e.message, `what was built is left for inspection; remove it with: pelab down --name ${this.instance}`, { cause: e });
        }
        throw e;
      }
    }
    close();
    if (this.lab.cluster) await this.verifyNodeIndices();
    if (this.lab.cluster) await this.applied.write({ manifests: [] });
  }

  /**
   * Reads back the node indices OpenPERouter uses. The plan pinned them to the lab's order before
   * the install; a node that still disagrees (an index taken by a stale node, a nodemarker that
   * renumbered) would make every VTEP and speaker-address expectation wrong, so up stops here.
   */
  async verifyNodeIndices(): Promise<void> {
    const nodes = this.lab.cluster?.nodes ?? [];
    const actual = parseNodeIndices(await this.cluster().listNodes(), NODE_INDEX_ANNOTATION);
    const wrong = nodeIndexMismatches(nodes, actual, NODE_INDEX_ANNOTATION);
    if (wrong.length > 0) {
      throw new LabBuildError(
        `OpenPERouter numbers the nodes differently from the lab (VTEPs and speaker addresses follow ${NODE_INDEX_ANNOTATION}):\n${wrong.join('\n')}`,
        `annotate the nodes (kubectl annotate --overwrite node <name> ${NODE_INDEX_ANNOTATION}=<lab index>) and restart the router pods, or pelab down --name ${this.instance} and up again`,
      );
    }
  }

  async down(): Promise<void> {
    this.executor.note(`# pelab down: lab ${this.lab.name}, instance ${this.instance}, runtime kind (dry run)`);
    const failures: string[] = [];
    // Best effort: every step runs, so one leftover does not keep the others around.
    for (const step of this.downPlan()) {
      try {
        await this.executor.step(step);
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
    this.api = undefined;
    if (failures.length > 0) throw new LabBuildError(`teardown of ${this.instance} left something behind:\n${failures.join('\n')}`);
  }

  /**
   * What containerlab, the host bridges, kind and the API say now. A source that answered nothing
   * at all (no output, as the dry run's printing executor answers) gives `unknown`, not `down`:
   * nothing was seen either way. So does a pod in phase Unknown (its node stopped reporting; the
   * dry run's stand-in pods).
   */
  async status(): Promise<LabStatus> {
    const notes: string[] = [];
    const clabName = clabLabName(this.lab);
    const inspectArgv = existsSync(this.files.topology)
      ? ['containerlab', 'inspect', '-t', this.files.topology, '--format', 'json']
      : ['containerlab', 'inspect', '--name', clabName, '--format', 'json'];
    const inspect = await this.executor.command('list the containerlab nodes', inspectArgv, { timeoutMs: 60_000 });
    let clab: Map<string, { state: string; detail: string }> | undefined = new Map();
    if (inspect.exitCode === 0 && inspect.stdout.trim() === '') clab = undefined;
    else if (inspect.exitCode === 0) {
      try {
        clab = new Map(parseClabInspect(JSON.parse(inspect.stdout), clabName).map((n) => [n.node, { state: n.state, detail: n.container }]));
      } catch (e) {
        notes.push(`containerlab inspect: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else notes.push(`containerlab inspect failed: ${(inspect.stderr || inspect.stdout).trim()}`);

    const bridgesOut = await this.executor.command('list the host bridges', ['ip', '-j', 'link', 'show', 'type', 'bridge']);
    const bridges =
      bridgesOut.exitCode !== 0 ? new Map<string, boolean>()
        : bridgesOut.stdout.trim() === '' ? undefined
          : safely(() => parseBridges(bridgesOut.stdout), new Map<string, boolean>());

    const nodes: NodeStatus[] = [];
    const container = (name: string, kind: 'router' | 'host'): NodeStatus => {
      const c = clab?.get(name);
      const state: NodeStatus['state'] = clab === undefined ? 'unknown' : c ? clabState(c.state) : 'down';
      return { name, kind, state, detail: c?.detail ?? clabContainer(this.lab, name) };
    };
    for (const r of this.lab.routers) nodes.push(container(r.name, 'router'));
    for (const h of this.lab.hosts) nodes.push(container(h.name, 'host'));
    for (const s of this.lab.switches) {
      const up = bridges?.get(s.name);
      const state: NodeStatus['state'] = bridges === undefined ? 'unknown' : up ? 'up' : 'down';
      nodes.push({ name: s.name, kind: 'switch', state, detail: `host bridge ${s.name}` });
    }

    const cluster = this.lab.cluster;
    if (cluster) {
      const kindOut = await this.executor.command('list the kind nodes', ['kind', 'get', 'nodes', '--name', cluster.name]);
      const kindNodes = new Set(kindOut.exitCode === 0 ? parseKindNodes(kindOut.stdout) : []);
      let ready = new Map<string, boolean>();
      let routers: unknown = { items: [] };
      let speakers: unknown = { items: [] };
      if (!existsSync(this.files.kubeconfig) && !this.api) {
        notes.push(`no kubeconfig at ${this.files.kubeconfig}: the cluster was not brought up by this instance`);
      } else {
        try {
          const api = this.cluster();
          ready = parseNodeReadiness(await api.listNodes());
          routers = await api.listPods(OPENPEROUTER.namespace, OPENPEROUTER.routerSelector);
          speakers = await api.listPods(FRRK8S.namespace, FRRK8S.selector);
        } catch (e) {
          notes.push(`Kubernetes API: ${apiErrorMessage(e)}`);
        }
      }
      for (const n of cluster.nodes) {
        const present = kindNodes.has(n.name);
        const nodeReady = ready.get(n.name) === true;
        const pod = (list: unknown, kind: 'pe' | 'speaker', what: string): NodeStatus => {
          const p = safely(() => podOnNode(list, n.name), undefined);
          const state: NodeStatus['state'] = p?.phase === 'Unknown' ? 'unknown' : present && p?.ready && nodeReady ? 'up' : 'down';
          const detail = p?.phase === 'Unknown'
            ? `${what} pod ${p.namespace}/${p.name} on ${n.name} (phase Unknown)`
            : !present ? `kind node ${n.name} missing` : p ? `${p.namespace}/${p.name} (${p.phase}${p.ready ? ', ready' : ''})` : `no ${what} pod`;
          return { name: n.name, kind, state, detail };
        };
        nodes.push(pod(routers, 'pe', 'OpenPERouter router'));
        nodes.push(pod(speakers, 'speaker', 'frr-k8s'));
      }
    }
    return {
      lab: this.lab.name,
      runtime: 'kind',
      up: nodes.length > 0 && nodes.every((n) => n.state === 'up'),
      nodes,
      applied: this.applied.read().manifests.map((m) => m.key),
      notes,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  private cluster(): ClusterApi {
    if (!this.api) {
      if (!existsSync(this.files.kubeconfig)) {
        throw new LabBuildError(`lab instance "${this.instance}" has no cluster (no kubeconfig at ${this.files.kubeconfig})`, `run: pelab up --runtime kind --name ${this.instance}`);
      }
      this.api = clusterApiFromKubeconfig(this.files.kubeconfig);
    }
    return this.api;
  }

  /** dockerode on the default socket (DOCKER_HOST honoured), created on first use. */
  private docker(): DockerClient {
    this.dockerClient ??= dockerodeClient();
    return this.dockerClient;
  }

  /** The router (pe) or frr-k8s (speaker) pod on a node, from the API. */
  async podFor(target: Extract<Target, { kind: 'pe' | 'speaker' }>): Promise<PodRef | undefined> {
    const place = POD_PLACEMENT[target.kind];
    return podOnNode(await this.cluster().listPods(place.namespace, place.selector, target.node), target.node);
  }

  private async podContext(target: Target): Promise<PodExecContext | undefined> {
    // A workload pod target already carries the pod's name (from pods(), the API's list).
    if (target.kind === 'pod') return { kubeconfig: this.files.kubeconfig, pod: target.name };
    if (target.kind !== 'pe' && target.kind !== 'speaker') return undefined;
    const place = POD_PLACEMENT[target.kind];
    const pod = await this.podFor(target);
    if (!pod) throw new LabBuildError(`no ${place.what} pod on node ${target.node}`);
    return { kubeconfig: this.files.kubeconfig, pod: pod.name };
  }

  async exec(target: Target, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const stdin = options.input !== undefined;
    const where = `${describeTarget(target)}${options.vrf ? ` in vrf ${options.vrf}` : ''}`;
    const timeoutMs = options.timeoutMs ?? this.timing.execTimeoutMs;
    if (target.kind === 'router' || target.kind === 'host') {
      // Fabric routers and hosts are containers: the engine runs the command (dockerode), no CLI.
      assertInLab(this.lab, target);
      if (argv.length === 0) throw new Error('exec: empty command');
      const inner = [...vrfPrefix(options.vrf), ...argv];
      return this.docker().exec(clabContainer(this.lab, target.name), inner, { timeoutMs, description: `run on ${where}`, ...(stdin ? { input: options.input } : {}) });
    }
    const pod = await this.podContext(target);
    let full: string[];
    try {
      full = execArgv(this.lab, target, argv, { ...(options.vrf !== undefined ? { vrf: options.vrf } : {}), stdin }, pod);
    } catch (e) {
      // Like docker exec's 126 (cannot be invoked): a result, so a bundle records it and goes on.
      if (!(e instanceof PodVrfRefused)) throw e;
      this.executor.note(`# run on ${where}: not possible\n  ${e.message}`);
      return { exitCode: 126, stdout: '', stderr: `${e.message}\n`, ms: 0 };
    }
    return this.executor.command(`run on ${where}`, full, { timeoutMs, ...(stdin ? { input: options.input } : {}) });
  }

  async vtysh(target: Target, command: string): Promise<string> {
    assertRunsFrr(target);
    const r = await this.exec(target, vtyshArgv(command), { timeoutMs: 15_000 });
    if (r.exitCode !== 0) throw new Error(`vtysh -c "${command}" on ${describeTarget(target)} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  async readFile(target: Target, path: string): Promise<string> {
    if (!path.startsWith('/')) throw new Error(`readFile: ${JSON.stringify(path)} is not an absolute path`);
    const r = await this.exec(target, ['cat', '--', path]);
    if (r.exitCode !== 0) throw new Error(`cannot read ${path} on ${describeTarget(target)}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  // -------------------------------------------------------------------------------------------
  // Manifests

  private readApplied(): AppliedState {
    return this.applied.read();
  }

  /** The bodies of what was applied through this instance and is still there (applied.json). */
  appliedManifests(): readonly Record<string, unknown>[] {
    return this.readApplied().manifests.map((m) => m.body);
  }

  async apply(manifests: readonly Manifest[]): Promise<ApplyResult> {
    const previous = this.readApplied().manifests.map((m) => manifestFromBody(m.body, m.source));
    const byKey = new Map(previous.map((m) => [manifestKey(m), m]));
    for (const m of manifests) byKey.set(manifestKey(m), m);
    // Cross-object checks need everything applied so far; only the new objects are sent.
    const { manifests: all, warnings } = validateManifests([...byKey.values()]);
    const incoming = new Set(manifests.map((m) => manifestKey(m)));
    const toSend = orderForApply(all.filter((m) => incoming.has(manifestKey(m))));

    for (const m of toSend) await this.applyOne(m);
    await this.applied.write({ ...this.readApplied(), manifests: all.map((m) => ({ key: manifestKey(m), body: m.body, source: m.source })) });
    const lbs = toSend.filter((m) => m.kind === 'Service' && (m.spec as { type?: unknown } | undefined)?.type === 'LoadBalancer');
    return { warnings, serviceIPs: await this.serviceIPsAfter(lbs), ...this.desiredOf(all) };
  }

  /**
   * Server-side apply is idempotent, so it is retried while webhooks and freshly registered CRDs
   * answer 5xx / 404 after an install (upstream's e2e retries its applies the same way).
   */
  private async applyOne(m: Manifest): Promise<void> {
    const origin = `${m.source.file}:${m.source.line}`;
    const interval = this.timing.applyIntervalMs;
    try {
      await pRetry(() => this.cluster().apply(m.body, origin), {
        retries: Number.POSITIVE_INFINITY,
        factor: 1,
        minTimeout: interval,
        maxTimeout: interval,
        maxRetryTime: this.timing.applyRetryMs,
        shouldRetry: ({ error }) => isTransientApiError(error),
      });
    } catch (e) {
      throw new LabBuildError(`apply ${manifestKey(m)} (${origin}) was rejected: ${apiErrorMessage(e)}`);
    }
  }

  /**
   * Waits (bounded) until MetalLB gave the just-applied LoadBalancer Services an address, and
   * returns every Service's addresses as they are then: still pending at the deadline is an
   * answer (the checks report it), not an error.
   */
  private async serviceIPsAfter(lbs: readonly Manifest[]): Promise<Record<string, readonly string[]>> {
    if (!this.lab.cluster) return {};
    const keys = new Set(lbs.map((m) => `${m.metadata.namespace ?? 'default'}/${m.metadata.name}`));
    const byKey = (services: readonly ServiceState[]) => Object.fromEntries(services.map((s) => [`${s.namespace}/${s.name}`, s.externalIPs]));
    if (keys.size === 0) return byKey(await this.services());
    const allAssigned = (services: readonly ServiceState[]) => ({ ok: !services.some((s) => keys.has(`${s.namespace}/${s.name}`) && s.externalIPs.length === 0) });
    // A failed list is one failed attempt (the API server may be busy right after the apply);
    // only when no attempt answered at all is it the caller's error.
    const r = await eventually(() => this.services(), allAssigned, { timeoutMs: this.timing.serviceIpMs, intervalMs: this.timing.pollMs, clock: this.clock });
    const answered = r.last?.observed ?? r.lastObserved?.observed;
    if (answered === undefined) throw new LabBuildError(`listing Services after the apply failed: ${r.last?.error ?? 'no answer'}`);
    return byKey(answered);
  }

  async delete(manifests: readonly Manifest[]): Promise<ApplyResult> {
    const { manifests: converted, warnings } = validateManifests(manifests, { crossObject: false });
    for (const m of orderForApply(converted).reverse()) {
      try {
        const existed = await this.cluster().remove(m.body);
        if (!existed) warnings.push(`${manifestKey(m)} did not exist`);
      } catch (e) {
        throw new LabBuildError(`delete ${manifestKey(m)} failed: ${apiErrorMessage(e)}`);
      }
    }
    const gone = new Set(converted.map((m) => manifestKey(m)));
    const kept = this.readApplied().manifests.filter((m) => !gone.has(m.key));
    await this.applied.write({ ...this.readApplied(), manifests: kept });
    const desired = this.desiredOf(kept.map((m) => manifestFromBody(m.body, m.source)));
    return { warnings, serviceIPs: await this.serviceIPsAfter([]), ...desired };
  }

  async relabelNode(node: string, changes: LabelChanges): Promise<ApplyResult> {
    if (!this.lab.cluster?.nodes.some((n) => n.name === node)) throw new LabBuildError(`lab ${this.lab.name} has no cluster node "${node}"`);
    const r = await this.executor.command(`label node ${node}`, kubectlLabelArgv(this.files.kubeconfig, node, changes));
    if (r.exitCode !== 0) throw new LabBuildError(`kubectl label node ${node} failed: ${(r.stderr || r.stdout).trim()}`);
    const state = this.readApplied();
    const labelChanges = { ...(state.labelChanges ?? {}), [node]: mergeLabelChanges(state.labelChanges?.[node], changes) };
    await this.applied.write({ ...state, labelChanges });
    // The controllers react on their own; the model's plan follows for the checks' names.
    return { warnings: [], serviceIPs: await this.serviceIPsAfter([]), ...this.desiredOf(state.manifests.map((m) => manifestFromBody(m.body, m.source))) };
  }

  /**
   * What OpenPERouter and MetalLB configure from these objects, as pelab's model predicts it.
   * None for a set the model cannot plan yet (an L3VNI before its Underlay): the API server
   * accepts it and the controllers wait, so that is no error here.
   */
  private desiredOf(applied: readonly Manifest[]): { desired?: DesiredState } {
    if (!this.lab.cluster) return {};
    try {
      const labelChanges = this.readApplied().labelChanges;
      return { desired: computeDesiredState(applied, this.lab.cluster, labelChanges ? { labelChanges } : {}) };
    } catch (e) {
      if (e instanceof InputError || e instanceof InputErrors) return {};
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Faults

  async fault(fault: Fault): Promise<void> {
    switch (fault.kind) {
      case 'link-down':
      case 'link-up':
        return this.setLink(fault.target, assertIfName(fault.interface), fault.kind === 'link-down' ? 'down' : 'up');
      case 'restart-frr':
        return this.restartFrr(fault.target);
      case 'drop-traffic':
      case 'restore-traffic':
        return this.silentDrop(fault.target, assertIfName(fault.interface), fault.kind === 'drop-traffic');
      case 'speaker-down':
      case 'speaker-up': {
        // Freeze (or thaw) MetalLB's speaker process on the node: memberlist on the other
        // speakers declares it gone and the L2 election moves its IPs, as when a speaker hangs.
        const signal = fault.kind === 'speaker-down' ? '-STOP' : '-CONT';
        const node = fault.target.node;
        const r = await this.docker().exec(kindNodeContainer(node), ['pkill', signal, '-x', 'speaker'], { description: `${fault.kind} ${node}` });
        if (r.exitCode !== 0) throw new LabBuildError(`${fault.kind} ${node} failed: no speaker process on the node (${(r.stderr || r.stdout).trim()})`);
        return;
      }
    }
  }

  /**
   * tc in the container that has the interface (src/runtime/silent-drop.ts): a fabric router's or
   * host's own; for a cluster node the kind node's, in its own namespace until an Underlay claims
   * the interface, then in the router's named netns (the kind node is privileged and has nsenter;
   * the router pod's container may lack the capability).
   */
  private async silentDrop(target: Target, iface: string, drop: boolean): Promise<void> {
    const what = `${drop ? 'drop' : 'restore'}-traffic ${describeTarget(target)}:${iface}`;
    const argvs = drop ? tcDropArgvs(iface) : tcRestoreArgvs(iface);
    const check = (r: ExecResult) => {
      if (r.exitCode !== 0) throw new LabBuildError(`${what} failed: ${(r.stderr || r.stdout).trim()}`);
    };
    if (target.kind === 'router' || target.kind === 'host') {
      for (const argv of argvs) check(await this.exec(target, argv));
      return;
    }
    if (target.kind === 'pod') throw new LabBuildError(`${what}: pelab drops traffic on fabric routers, hosts and cluster nodes, not in pods`);
    const container = kindNodeContainer(target.node);
    const onNode = await this.docker().exec(container, ['ip', 'link', 'show', 'dev', iface], { description: `is ${iface} still in ${target.node}'s own namespace?` });
    const inPe = onNode.exitCode !== 0;
    for (const argv of argvs) {
      check(await this.docker().exec(container, inPe ? ['nsenter', `--net=${OPENPEROUTER.netnsPath}`, ...argv] : argv, { description: what }));
    }
  }

  private async setLink(target: Target, iface: string, state: 'up' | 'down'): Promise<void> {
    const check = (r: ExecResult) => {
      if (r.exitCode !== 0) throw new LabBuildError(`link-${state} ${describeTarget(target)}:${iface} failed: ${(r.stderr || r.stdout).trim()}`);
    };
    if (target.kind !== 'pe') return check(await this.exec(target, linkArgv(iface, state)));
    const node = target.node;
    // Until an Underlay claims it, the fabric interface is in the kind node's own namespace;
    // afterwards OpenPERouter has moved it into the router's netns.
    const container = kindNodeContainer(node);
    const onNode = await this.docker().exec(container, ['ip', 'link', 'show', 'dev', iface], { description: `is ${iface} still in ${node}'s own namespace?` });
    if (onNode.exitCode === 0) {
      return check(await this.docker().exec(container, linkArgv(iface, state), { description: `link-${state} ${node}:${iface}` }));
    }
    return check(await this.exec({ kind: 'pe', node }, linkArgv(iface, state)));
  }

  private async restartFrr(target: Target): Promise<void> {
    assertRunsFrr(target);
    if (target.kind === 'router') return this.restartRouterFrr(target.name);
    if (target.kind === 'pe' || target.kind === 'speaker') return this.replacePod(target);
  }

  private async restartRouterFrr(name: string): Promise<void> {
    const t: Target = { kind: 'router', name };
    const before = (await this.exec(t, ROUTER_RESTART.pid)).stdout.trim();
    const killed = await this.exec(t, ROUTER_RESTART.kill);
    if (killed.exitCode !== 0) throw new LabBuildError(`restart-frr ${name}: bgpd was not running (${killed.stderr.trim()})`);
    await this.executor.waitUntil(
      `a new bgpd on ${name} (watchfrr starts it; \`pgrep -x bgpd\` answers a pid other than ${before || 'the old one'})`,
      async () => {
        const r = await this.exec(t, ROUTER_RESTART.pid);
        const pid = r.stdout.trim();
        return r.exitCode === 0 && pid !== '' && pid !== before;
      },
      { timeoutMs: this.timing.frrRestartMs, intervalMs: this.timing.pollMs },
    );
    const running = await this.exec(t, ROUTER_RESTART.runningConfig);
    if (!/^router bgp /m.test(running.stdout)) {
      const reload = await this.exec(t, ROUTER_RESTART.reload);
      if (reload.exitCode !== 0) throw new LabBuildError(`restart-frr ${name}: reloading frr.conf failed: ${reload.stderr.trim()}`);
    }
  }

  /** Deletes the node's router (pe) or frr-k8s (speaker) pod and waits for its Ready replacement. */
  private async replacePod(target: Extract<Target, { kind: 'pe' | 'speaker' }>): Promise<void> {
    const ns = POD_PLACEMENT[target.kind].namespace;
    const old = await this.podFor(target);
    if (!old) throw new LabBuildError(`restart-frr: no pod to delete on ${target.node} in ${ns}`);
    try {
      await this.cluster().deletePod(ns, old.name);
    } catch (e) {
      if (!isNotFound(e)) throw new LabBuildError(`deleting ${ns}/${old.name} failed: ${apiErrorMessage(e)}`);
    }
    await this.executor.waitUntil(
      `a new Ready pod on ${target.node} in ${ns}`,
      async () => {
        const p = await this.podFor(target);
        return p !== undefined && p.name !== old.name && p.ready;
      },
      { timeoutMs: this.timing.podReadyMs, intervalMs: this.timing.pollMs },
    );
  }

  // -------------------------------------------------------------------------------------------
  // Cluster views

  async sessionStates(): Promise<readonly SessionState[]> {
    if (!this.lab.cluster) return [];
    return parseBgpSessionStates(await this.cluster().listBgpSessionStates());
  }

  async services(): Promise<readonly ServiceState[]> {
    if (!this.lab.cluster) return [];
    return parseServices(await this.cluster().listServices());
  }

  /** The applied Deployments' pods, from the API (their names are the ReplicaSet's, not pelab's). */
  async pods(): Promise<readonly PodState[]> {
    if (!this.lab.cluster) return [];
    const namespaces = [...new Set(this.readApplied().manifests.filter((m) => m.body.kind === 'Deployment').map((m) => (m.body.metadata as { namespace?: string } | undefined)?.namespace ?? 'default'))].sort();
    const lists = await Promise.all(namespaces.map(async (ns) => parseWorkloadPods(await this.cluster().listPods(ns))));
    return lists.flat();
  }

  dumpTargets(): readonly Target[] {
    return labTargets(this.lab);
  }

  /** CRs, pod logs, `kind export logs` and the fabric containers' logs, for failure bundles. */
  async dumpExtras(): Promise<readonly BundleExtra[]> {
    const extras: BundleExtra[] = [];
    const text = async (description: string, argv: readonly string[], timeoutMs = 20_000): Promise<string> => {
      const r = await this.executor.command(description, argv, { timeoutMs });
      if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
      return r.stdout;
    };
    for (const r of this.lab.routers) {
      const container = clabContainer(this.lab, r.name);
      const collect = async () => {
        const { stdout, stderr } = await this.docker().logs(container);
        return stderr === '' ? stdout : `${stdout}--- stderr ---\n${stderr}`;
      };
      extras.push({ file: `${r.name}/container.log`, description: `docker logs of ${r.name}`, collect });
    }
    const cluster = this.lab.cluster;
    if (!cluster || !existsSync(this.files.kubeconfig)) return extras;
    const kc = this.files.kubeconfig;
    for (const [file, resources] of CR_GROUPS) {
      const argv = kubectl(kc, 'get', resources, '-A', '-o', 'yaml');
      extras.push({ file, description: `kubectl get ${resources} -A -o yaml`, collect: () => text(`dump ${resources}`, argv) });
    }
    extras.push({ file: 'cluster/pods.txt', description: 'kubectl get pods -A -o wide', collect: () => text('list pods', kubectl(kc, 'get', 'pods', '-A', '-o', 'wide')) });
    extras.push({
      file: 'cluster/events.txt',
      description: 'kubectl get events -A',
      collect: () => text('list events', kubectl(kc, 'get', 'events', '-A', '--sort-by=.lastTimestamp')),
    });
    for (const ns of [OPENPEROUTER.namespace, FRRK8S.namespace, METALLB.namespace]) {
      let pods: PodRef[] = [];
      try {
        pods = parsePods(await this.cluster().listPods(ns));
      } catch {
        continue;
      }
      for (const p of pods) {
        const argv = kubectl(kc, 'logs', '-n', ns, p.name, '--all-containers', '--prefix', '--timestamps');
        extras.push({ file: `cluster/logs/${ns}/${p.name}.log`, description: `logs of ${ns}/${p.name} (${p.node})`, collect: () => text(`logs of ${p.name}`, argv) });
      }
    }
    const exportDir = resolve(this.files.dir, '..', '..', 'kind-logs', this.instance, new Date().toISOString().replace(/[:.]/g, '-'));
    extras.push({
      file: 'cluster/kind-export-logs.txt',
      description: `kind export logs (written to ${exportDir})`,
      timeoutMs: 180_000,
      collect: async () => `kind export logs wrote ${exportDir}\n${await text('kind export logs', ['kind', 'export', 'logs', exportDir, '--name', cluster.name], 180_000)}`,
    });
    return extras;
  }

  /** The whole bring-up as text (what `--dry-run` prints, without running anything). */
  describeUp(): string {
    return formatPlan(`pelab up: lab ${this.lab.name}, instance ${this.instance}, runtime kind`, this.upPlan());
  }
}

/** 5xx and 404 (and errors without an HTTP status: the connection) pass once webhooks and CRDs are up. */
function isTransientApiError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code !== 'number' || code >= 500 || code === 404;
}

/** Namespaces first: everything else may live in them. */
function orderForApply(manifests: readonly Manifest[]): Manifest[] {
  return [...manifests.filter((m) => m.kind === 'Namespace'), ...manifests.filter((m) => m.kind !== 'Namespace')];
}

function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
