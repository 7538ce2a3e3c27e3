// The one interface both runtimes implement. Checks and the scenario runner talk only to this;
// they never know whether FRR runs in a namespace or in a container.
import type { Lab } from '../lab/model.ts';
import type { Manifest } from '../k8s/manifest.ts';
import type { DesiredState, LabelChanges } from '../k8s/plan.ts';
import type { StreamedRun } from '../proc/run.ts';

/** The runtimes pelab has (src/runtime/registry.ts maps each to its provider). */
export type RuntimeKind = 'netns' | 'kind';

/**
 * Where a command or FRR query runs.
 * - router/host: a fabric node of the lab (spine, leafA, hostA_red, ...).
 * - pe: the OpenPERouter router of a cluster node (its default namespace / container).
 * - speaker: the cluster node's host side, where MetalLB + frr-k8s speak BGP.
 * - vrf: a VRF on a router or PE (kernel tables, curl sources).
 */
export type Target =
  | { readonly kind: 'router'; readonly name: string }
  | { readonly kind: 'host'; readonly name: string }
  | { readonly kind: 'pe'; readonly node: string }
  | { readonly kind: 'speaker'; readonly node: string }
  /** A workload pod (a Deployment replica): commands run in its network namespace / container. */
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string };

export interface ExecOptions {
  /** Run inside this VRF of the target (its netns or VRF device). */
  readonly vrf?: string;
  readonly timeoutMs?: number;
  readonly input?: string;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A command on a target whose stdout is read while it runs: what src/proc/run.ts runStream returns. */
export type ExecStream = StreamedRun;

/**
 * A fault carries its target resolved from the lab when the scenario loads (src/runtime/roles.ts
 * nodeTarget): a runtime only places it, it does not look names up again.
 */
export type Fault =
  | { readonly kind: 'link-down'; readonly target: Target; readonly interface: string }
  | { readonly kind: 'link-up'; readonly target: Target; readonly interface: string }
  /** Drop every frame on the interface both ways, link left up (src/runtime/silent-drop.ts). */
  | { readonly kind: 'drop-traffic'; readonly target: Target; readonly interface: string }
  | { readonly kind: 'restore-traffic'; readonly target: Target; readonly interface: string }
  | { readonly kind: 'restart-frr'; readonly target: Target }
  /** MetalLB's speaker on a node stops (or comes back): in L2 mode another node takes its Service IPs over. */
  | { readonly kind: 'speaker-down'; readonly target: SpeakerTarget }
  | { readonly kind: 'speaker-up'; readonly target: SpeakerTarget };

/** A cluster node's host side, where MetalLB's speaker runs. */
export type SpeakerTarget = Extract<Target, { kind: 'speaker' }>;

export interface NodeStatus {
  readonly name: string;
  readonly kind: 'router' | 'host' | 'pe' | 'speaker' | 'switch' | 'pod';
  readonly state: 'up' | 'down' | 'unknown';
  readonly detail?: string;
}

/** The FRR build a lab's routers run, and where it came from (a package, a private root, an image). */
export interface FrrInfo {
  readonly version: string;
  readonly source: string;
}

export interface LabStatus {
  readonly lab: string;
  readonly runtime: RuntimeKind;
  readonly up: boolean;
  /** The FRR that runs, where the runtime knows it. */
  readonly frr?: FrrInfo;
  readonly nodes: readonly NodeStatus[];
  /** Manifests currently applied, by kind/namespace/name. */
  readonly applied: readonly string[];
  readonly notes: readonly string[];
}

export interface ApplyResult {
  readonly warnings: readonly string[];
  /** Service IPs allocated after the apply: namespace/name -> IPs. */
  readonly serviceIPs: Readonly<Record<string, readonly string[]>>;
  /**
   * What the runtime configured the cluster nodes from, with its own (sticky) service allocations:
   * the scenario runner resolves PE addresses and VTEPs from it. Absent for a lab without a cluster.
   */
  readonly desired?: DesiredState;
}

/** A BGP session as the cluster API reports it (frr-k8s BGPSessionState). */
export interface SessionState {
  readonly node: string;
  readonly peer: string;
  readonly vrf: string;
  readonly bgpStatus: string;
  readonly bfdStatus: string;
}

/** A workload pod as the cluster API reports it. */
export interface PodState {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ServiceState {
  readonly namespace: string;
  readonly name: string;
  readonly externalIPs: readonly string[];
  readonly pool?: string;
}

/**
 * Progress of one long bring-up step (an image pull or load, creating the cluster, a chart
 * install), for the CLI to show while it runs. Each such step sends `start`, any number of
 * `progress`, then `end` (also when it fails: then `failed` is set).
 */
export interface ProgressEvent {
  readonly phase: string;
  /** The step's description, e.g. "pull quay.io/frrouting/frr:10.6.0 (linux/amd64)". */
  readonly step: string;
  readonly state: 'start' | 'progress' | 'end';
  /** Bytes done and expected so far, when the step knows them (image pulls and saves). */
  readonly current?: number;
  readonly total?: number;
  /** What the step does right now, one line (e.g. "3/7 layers; Downloading"). */
  readonly detail?: string;
  /** Since the step started. */
  readonly ms: number;
  readonly failed?: boolean;
}

export interface UpOptions {
  readonly signal?: AbortSignal;
  /** Called when a phase of the bring-up ends, with its duration. */
  readonly onPhase?: (name: string, ms: number) => void;
  /** Long steps' progress (runtimes without long steps send none). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Which node answers ARP for a Service IP in MetalLB's L2 mode (MetalLB's ServiceL2Status). */
export interface L2Status {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  /** Absent: no node announces the IP (no eligible node with a running speaker). */
  readonly node?: string;
}

export interface Runtime {
  readonly kind: RuntimeKind;
  readonly lab: Lab;
  /** The lab's instance name: prefixes every object the runtime creates. */
  readonly instance: string;

  up(options?: UpOptions): Promise<void>;
  down(): Promise<void>;
  status(): Promise<LabStatus>;
  /** True when a complete instance is already running, so `pelab run` reuses it. Absent: never reused. */
  isUp?(): boolean;
  /** The FRR build the running lab's routers run (for reports), where the runtime knows it. */
  frrInfo?(): FrrInfo | undefined;

  exec(target: Target, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Like exec, with stdout streamed while the command runs: one process for a series of probes
   * (an isolation check's curl attempts). Absent: callers fall back to one exec per probe.
   */
  execStream?(target: Target, argv: readonly string[], options?: Omit<ExecOptions, 'input'>): ExecStream;
  /**
   * `vtysh -c <command>` on the target's FRR. Returns vtysh's raw stdout, JSON commands included:
   * parsing is the caller's (checks parse through src/checks/parse/*).
   */
  vtysh(target: Target, command: string): Promise<string>;
  /**
   * A user's command for `pelab exec` as it must run on the target, e.g. `vtysh` pointed at the
   * target's own FRR where several share a machine. Absent: the command runs as given.
   */
  userCommand?(target: Target, argv: readonly string[]): readonly string[];
  readFile(target: Target, path: string): Promise<string>;

  apply(manifests: readonly Manifest[]): Promise<ApplyResult>;
  delete(manifests: readonly Manifest[]): Promise<ApplyResult>;
  fault(fault: Fault): Promise<void>;
  /**
   * Changes a cluster node's labels as `kubectl label node` does; MetalLB, frr-k8s and
   * OpenPERouter then start or stop what their node selectors pick on that node.
   */
  relabelNode(node: string, changes: LabelChanges): Promise<ApplyResult>;
  /** The Kubernetes objects applied now (their bodies), for `pelab dump`. */
  appliedManifests(): readonly Record<string, unknown>[];

  /** The cluster API's view: frr-k8s BGPSessionStates and Service external IPs. */
  sessionStates(): Promise<readonly SessionState[]>;
  services(): Promise<readonly ServiceState[]>;
  /** MetalLB L2 mode: the announcing node of each Service IP an L2Advertisement covers. Absent: not known. */
  l2Statuses?(): Promise<readonly L2Status[]>;
  /** The workload pods (Deployment replicas), for checks that start from a pod or expect one. */
  pods?(): Promise<readonly PodState[]>;

  /** Every FRR instance and namespace/container the lab has, for dumps. */
  dumpTargets(): readonly Target[];
  /**
   * The VRFs a target really has now (a router's lab VRFs, a PE's applied L3VNIs), so failure
   * bundles dump per-VRF kernel state only for those. Absent: the bundle guesses from the lab.
   */
  vrfsOf?(target: Target): readonly string[];
  /** More files for failure bundles (FRR logs, CRs, pod logs); src/diagnostics/bundle.ts collects them. */
  dumpExtras?(): readonly BundleExtra[] | Promise<readonly BundleExtra[]>;

  /** True when the runtime only prints what it would do (`--dry-run`): nothing runs, every answer is empty. */
  readonly dryRun?: boolean;
}

/** One more file for a failure bundle, produced by whoever knows how (a runtime, the CLI). */
export interface BundleExtra {
  /** Path relative to the bundle directory, e.g. `cluster/crs.yaml` or `leafA/frr.log`. */
  readonly file: string;
  /** Shown in index.md. */
  readonly description: string;
  /** Produces the content. Aborted on timeout: long-running collectors should honour the signal. */
  readonly collect: (signal: AbortSignal) => Promise<string>;
  /** Overrides the per-command timeout (e.g. `kind export logs` takes longer than a vtysh query). */
  readonly timeoutMs?: number;
}
