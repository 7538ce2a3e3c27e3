// The embedded runtime: the lab as network namespaces on this machine, with real FRR, VXLAN and
// curl. Everything it creates is named `pelab.<instance>.*` and written to a ledger first; any
// later pelab process can pick the lab up again from that ledger.
import { restoreTrafficArgvs, silentDropArgvs } from '../silent-drop.ts';
import { assertRunsFrr, describeTarget, labTargets, runsFrr, targetDir } from '../roles.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LabBuildError } from '../../errors.ts';
import type { Lab } from '../../lab/model.ts';
import { renderFabricRouter } from '../../render/frr-fabric.ts';
import { run, runStream } from '../../proc/run.ts';
import type { Manifest } from '../../k8s/manifest.ts';
import type { LabelChanges } from '../../k8s/plan.ts';
import type {
  ApplyResult, BundleExtra, ExecOptions, ExecResult, ExecStream, Fault, FrrInfo, L2Status, LabStatus, NodeStatus, PodState, Runtime, ServiceState, SessionState, Target,
} from '../runtime.ts';
import { EndpointServer } from './endpoints.ts';
import { baseDaemons, FrrRouter, ledgerFrrBuild } from './frr.ts';
import { frrBuildForNewLab, inFrrBuild, type FrrBuild } from './frr-build.ts';
import { emptyLedger, isSameProcess, Ledger } from './ledger.ts';
import { createNamespaces, inNs, ipBatch, listNamespaces, runBatches } from './netops.ts';
import { mapLimit } from '../../proc/limit.ts';
import { instanceNames, type InstanceNames } from './names.ts';
import { l3vniDeviceLines, planFabric, type FabricPlan, type RouterPlan } from './plan.ts';
import { preflight } from './preflight.ts';
import { teardownInstance } from './teardown.ts';
import { daemonFor, isSuccessCode, VtyPool, vtySocketPath } from './vty.ts';
import { ClusterEmulator, type RealisedNode } from './cluster.ts';
import { podNs } from './pod-network.ts';

/**
 * Timers for fabric routers whose lab file sets none. FRR's 120 s connect retry would stall a
 * session whose first attempt lands before its peer listens; upstream's spine uses 3/9.
 */
export const FABRIC_DEFAULT_TIMERS = { keepalive: 3, hold: 9, connect: 1 } as const;

/** How many namespaces/daemons `up` sets up at once by default (bench/: 4 beat 1, 2 and 8 on 2 cores). */
export const DEFAULT_CONCURRENCY = 4;

interface NetnsRuntimeOptions {
  /** Instance name (defaults to the lab name); prefixes every object. */
  readonly instance?: string;
  /** How many namespaces/daemons to set up at once. */
  readonly concurrency?: number;
}

export class NetnsRuntime implements Runtime {
  readonly kind = 'netns' as const;
  readonly lab: Lab;
  readonly instance: string;
  readonly names: InstanceNames;
  readonly plan: FabricPlan;
  private readonly concurrency: number;
  private ledgerCache: Ledger | undefined;
  private readonly cluster: ClusterEmulator;
  /** Connections to the daemons' vty sockets, for `show` queries (checks poll through these). */
  private readonly vty = new VtyPool();

  constructor(lab: Lab, options: NetnsRuntimeOptions = {}) {
    this.lab = lab;
    this.instance = options.instance ?? lab.name;
    this.names = instanceNames(this.instance);
    this.plan = planFabric(lab, this.instance);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.cluster = new ClusterEmulator(this);
  }

  get ledger(): Ledger {
    this.ledgerCache ??= Ledger.read(this.names.stateFile);
    if (!this.ledgerCache) throw new LabBuildError(`lab instance "${this.instance}" is not up (no state at ${this.names.stateFile})`, `run: pelab up --lab ${this.lab.source}`);
    return this.ledgerCache;
  }

  /** True when a complete, live instance is recorded on this machine. */
  isUp(): boolean {
    const ledger = Ledger.read(this.names.stateFile);
    if (!ledger?.data.complete) return false;
    return ledger.data.processes.some((p) => p.label.endsWith('bgpd') && isSameProcess(p));
  }

  frrRouter(ns: string, hostname: string, vrfs: ReadonlyMap<string, string> = new Map(), netnsVrf = vrfs.size > 0): FrrRouter {
    const router = new FrrRouter(this.names, this.ledger, { hostname, ns, netnsVrf, vrfs });
    const holder = this.ledger.data.processes.find((p) => p.label === `${router.instance} namespace holder` && isSameProcess(p));
    if (holder) router.holderPid = holder.pid;
    return router;
  }

  async up(options: { signal?: AbortSignal; onPhase?: (name: string, ms: number) => void } = {}): Promise<void> {
    await preflight();
    const frr = frrBuildForNewLab();
    const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      options.signal?.throwIfAborted();
      const t = performance.now();
      const r = await fn();
      options.onPhase?.(name, Math.round(performance.now() - t));
      return r;
    };
    const prior = Ledger.read(this.names.stateFile);
    const leftovers = (await listNamespaces()).some((n) => n.startsWith(this.names.prefix));
    if (prior || leftovers) {
      if (this.isUp() && prior && prior.data.ownerPid !== process.pid) {
        throw new LabBuildError(`lab instance "${this.instance}" is already up`, `use it as is, or run: pelab down --name ${this.instance}`);
      }
      await phase('cleanup of a previous run', () => teardownInstance(this.instance));
    }
    this.ledgerCache = new Ledger(this.names.stateFile, { ...emptyLedger(this.instance, this.lab.source, this.lab.name), frr });
    this.ledger.addPaths([this.names.dir]);
    mkdirSync(join(this.names.dir, 'configs'), { recursive: true });
    try {
      await phase('namespaces', async () => {
        this.ledger.addNamespaces(this.plan.namespaces);
        await createNamespaces(this.plan.namespaces);
      });
      await phase('links', async () => {
        await runBatches(this.plan.links, this.concurrency);
        await runBatches(this.plan.config, this.concurrency);
      });
      // The HTTP endpoints need only the namespaces, not FRR: their server starts beside the
      // routers (its ~70 ms Python start-up was the last phase of `up`). Both settle before an
      // error is thrown, so the teardown never races a start still in flight.
      await mapLimit(
        [
          () =>
            phase('frr', async () => {
              const starts: (() => Promise<void>)[] = [
                ...this.plan.routers.map((r) => () => this.startFabricRouter(r)),
                ...this.plan.clusterNodes.map((n) => () => this.cluster.startNode(n)),
              ];
              await mapLimit(starts, this.concurrency, (f) => f());
            }),
          () =>
            phase('endpoints', async () => {
              // One server process for the whole lab; it runs in a lab namespace but opens no socket there.
              const listeners = [
                ...this.plan.hosts.map((h) => ({ ns: h.ns, ports: [8090, 80], kind: 'agnhost-netexec' as const, identity: h.name })),
                ...this.plan.clusterNodes.map((n) => this.cluster.nodeListener(n)),
              ];
              const home = this.plan.namespaces[0];
              if (home && listeners.length > 0) await new EndpointServer(this.names.dir, this.ledger).start(home, { listeners }, this.instance);
            }),
        ],
        2,
        (f) => f(),
      );
      this.ledger.update((d) => {
        d.complete = true;
      });
    } catch (e) {
      await teardownInstance(this.instance);
      this.ledgerCache = undefined;
      throw e;
    }
  }

  private async startFabricRouter(r: RouterPlan): Promise<void> {
    const frr = this.frrRouter(r.ns, r.name, new Map(r.vrfs.map((v) => [v.name, v.ns])));
    await frr.start();
    if (r.vrfs.length > 0) await frr.waitForVrfs(r.vrfs.map((v) => v.name));
    const file = join(this.names.dir, 'configs', `${r.ns}.conf`);
    writeFileSync(file, renderFabricRouter(this.lab, r.name, { defaultTimers: FABRIC_DEFAULT_TIMERS }));
    await frr.loadConfig(file);
    // The VXLAN devices come after zebra knows the VRF and its VNI, or the L3VNI stays down.
    for (const v of r.vrfs) {
      const lines = l3vniDeviceLines(v.vni, r.vtep!, r.routerMac!, v.ns);
      await ipBatch(r.ns, lines.inRouter);
      await ipBatch(v.ns, lines.inVrf);
    }
  }

  async down(): Promise<void> {
    this.vty.close();
    await teardownInstance(this.instance);
    this.ledgerCache = undefined;
  }

  /** The running lab's FRR build (recorded at `up`), or undefined when the lab is not up. */
  frrInfo(): FrrInfo | undefined {
    const ledger = Ledger.read(this.names.stateFile);
    if (!ledger) return undefined;
    const { version, source } = ledgerFrrBuild(ledger);
    return { version, source };
  }

  /** `argv` (vtysh) as the lab's FRR build runs it for the router in pathspace `pathspace`. */
  private frrCommand(pathspace: string, argv: readonly string[]): string[] {
    const build: FrrBuild = ledgerFrrBuild(this.ledger);
    const holder = this.ledger.data.processes.find((p) => p.label === `${pathspace} namespace holder` && isSameProcess(p));
    return inFrrBuild(build, holder?.pid, argv);
  }

  async status(): Promise<LabStatus> {
    const ledger = Ledger.read(this.names.stateFile);
    const present = new Set(await listNamespaces());
    const nodes: NodeStatus[] = [];
    const daemonUp = (instance: string): boolean =>
      (ledger?.data.processes ?? []).some((p) => p.label === `${instance} bgpd` && isSameProcess(p));
    for (const r of this.plan.routers) nodes.push({ name: r.name, kind: 'router', state: present.has(r.ns) && daemonUp(r.instance) ? 'up' : 'down', detail: r.ns });
    for (const h of this.plan.hosts) nodes.push({ name: h.name, kind: 'host', state: present.has(h.ns) ? 'up' : 'down', detail: h.ns });
    for (const s of this.plan.switches) nodes.push({ name: s.name, kind: 'switch', state: present.has(s.ns) ? 'up' : 'down', detail: s.ns });
    for (const n of this.plan.clusterNodes) {
      nodes.push({ name: n.name, kind: 'pe', state: present.has(n.peNs) && daemonUp(this.names.frrInstance(n.peNs)) ? 'up' : 'down', detail: n.peNs });
      nodes.push({ name: n.name, kind: 'speaker', state: present.has(n.ns) && daemonUp(this.names.frrInstance(n.ns)) ? 'up' : 'down', detail: n.ns });
    }
    // Pods, where the emulated scheduler placed them (`up` only while their namespace exists).
    nodes.push(...(ledger ? this.cluster.podStatus(ledger, present) : []));
    const frr = this.frrInfo();
    return {
      lab: this.lab.name,
      runtime: 'netns',
      up: Boolean(ledger?.data.complete) && nodes.every((n) => n.state === 'up'),
      ...(frr ? { frr } : {}),
      nodes,
      applied: ledger ? this.cluster.appliedKeys(ledger) : [],
      notes: ledger?.data.notes ?? [],
    };
  }

  /** The namespace a target (and optional VRF) lives in. */
  nsOf(target: Target, vrf?: string): string {
    switch (target.kind) {
      case 'router':
        return vrf ? this.names.vrfNs(target.name, vrf) : this.names.ns(target.name);
      case 'host':
        return this.names.ns(target.name);
      case 'pe':
        return vrf ? `${this.names.peNs(target.node)}.${vrf}` : this.names.peNs(target.node);
      case 'speaker':
        return this.names.ns(target.node);
      case 'pod':
        if (vrf !== undefined) throw new LabBuildError(`pod ${target.namespace}/${target.name} has no VRF ${vrf}`);
        return podNs(this.names, target);
    }
  }

  /** The FRR pathspace of a target that runs FRR. */
  frrInstanceOf(target: Target): string {
    assertRunsFrr(target);
    return this.names.frrInstance(this.nsOf(target));
  }

  async exec(target: Target, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const r = await run(inNs(this.nsOf(target, options.vrf), argv), {
      allowFailure: true,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.input !== undefined ? { input: options.input } : {}),
    });
    return r;
  }

  execStream(target: Target, argv: readonly string[], options: Omit<ExecOptions, 'input'> = {}): ExecStream {
    return runStream(inNs(this.nsOf(target, options.vrf), argv), { timeoutMs: options.timeoutMs ?? 30_000 });
  }

  /**
   * A `show` command one daemon answers goes over that daemon's vty socket (the same text vtysh
   * would print, without a process per query); anything else, e.g. `show running-config`, which
   * vtysh merges from every daemon, runs through vtysh. So does a query for a daemon that is not
   * running (bfdd runs only where a config asks for BFD): vtysh's answer to that is what it was.
   */
  async vtysh(target: Target, command: string): Promise<string> {
    const pathspace = this.frrInstanceOf(target);
    const daemon = daemonFor(command);
    if (daemon && existsSync(vtySocketPath(pathspace, daemon))) {
      const a = await this.vty.client(pathspace, daemon).command(command, 10_000);
      if (!isSuccessCode(a.code)) throw new Error(`vtysh on ${pathspace} failed (${daemon} answered code ${a.code}): ${a.text.trim()}`);
      return a.text;
    }
    const r = await run(this.frrCommand(pathspace, ['vtysh', '-N', pathspace, '-c', command]), { allowFailure: true, timeoutMs: 10_000 });
    if (r.exitCode !== 0) throw new Error(`vtysh on ${pathspace} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  /** `vtysh` means the target's FRR, which lives in its own pathspace. */
  userCommand(target: Target, argv: readonly string[]): readonly string[] {
    if (argv[0] !== 'vtysh' || !runsFrr(target)) return argv;
    const pathspace = this.frrInstanceOf(target);
    return this.frrCommand(pathspace, ['vtysh', '-N', pathspace, ...argv.slice(1)]);
  }

  appliedManifests(): readonly Record<string, unknown>[] {
    return this.ledger.data.applied.map((a) => a.manifest.body);
  }

  async readFile(_target: Target, path: string): Promise<string> {
    return readFileSync(path, 'utf8');
  }

  /** FRR log files of a target, for bundles. */
  logFiles(target: Target): string[] {
    if (!runsFrr(target)) return [];
    const ns = this.nsOf(target);
    // A lab that is not up has no build yet: the daemons every version runs.
    const ledger = Ledger.read(this.names.stateFile);
    const daemons = ledger ? baseDaemons(ledgerFrrBuild(ledger)) : ['zebra', 'bgpd'];
    return daemons.map((d) => join(this.names.frrRunDir(ns), `${d}.log`));
  }

  /** A router's lab VRFs; a PE's live L3VNIs as realised (recorded in the ledger). */
  vrfsOf(target: Target): readonly string[] {
    switch (target.kind) {
      case 'router':
        return this.plan.routers.find((r) => r.name === target.name)?.vrfs.map((v) => v.name) ?? [];
      case 'pe': {
        const realised = Ledger.read(this.names.stateFile)?.data.cluster?.[target.node] as Pick<RealisedNode, 'vrfs'> | undefined;
        return realised?.vrfs.map((v) => v.vrf) ?? [];
      }
      default:
        return [];
    }
  }

  /** Every FRR daemon's log file, for failure bundles (`<target>/zebra.log`, `<target>/bgpd.log`). */
  dumpExtras(): readonly BundleExtra[] {
    return this.dumpTargets().flatMap((t) =>
      this.logFiles(t).map((path): BundleExtra => ({
        file: `${targetDir(t)}/${basename(path)}`,
        description: `FRR log ${path}`,
        collect: () => readFile(path, 'utf8'),
      })),
    );
  }

  async apply(manifests: readonly Manifest[]): Promise<ApplyResult> {
    return this.cluster.apply(manifests);
  }

  async delete(manifests: readonly Manifest[]): Promise<ApplyResult> {
    return this.cluster.delete(manifests);
  }

  async relabelNode(node: string, changes: LabelChanges): Promise<ApplyResult> {
    return this.cluster.relabel(node, changes);
  }

  async fault(fault: Fault): Promise<void> {
    switch (fault.kind) {
      case 'link-down':
      case 'link-up': {
        const r = await this.exec(fault.target, ['ip', 'link', 'set', fault.interface, fault.kind === 'link-down' ? 'down' : 'up']);
        if (r.exitCode !== 0) throw new LabBuildError(`${fault.kind} ${describeTarget(fault.target)}:${fault.interface} failed: ${r.stderr.trim()}`);
        return;
      }
      case 'drop-traffic':
      case 'restore-traffic': {
        for (const argv of fault.kind === 'drop-traffic' ? silentDropArgvs(fault.interface) : restoreTrafficArgvs(fault.interface)) {
          const r = await this.exec(fault.target, argv);
          if (r.exitCode !== 0) throw new LabBuildError(`${fault.kind} ${describeTarget(fault.target)}:${fault.interface} failed: ${(r.stderr || r.stdout).trim()}`);
        }
        return;
      }
      case 'restart-frr':
        await this.restartFrr(fault.target);
        return;
      case 'speaker-down':
      case 'speaker-up':
        await this.cluster.setSpeakerDown(fault.target.node, fault.kind === 'speaker-down');
        return;
    }
  }

  private async restartFrr(target: Target): Promise<void> {
    assertRunsFrr(target);
    if (target.kind === 'router') {
      const plan = this.plan.routers.find((r) => r.name === target.name);
      if (!plan) throw new LabBuildError(`no router ${target.name}`);
      await this.stopFrr(plan.ns);
      // zebra must learn the VNIs before their VXLAN devices exist, or the L3VNI stays down.
      for (const v of plan.vrfs) await ipBatch(v.ns, [`link del vni${v.vni}`, `link del br${v.vni}`], { force: true });
      await this.startFabricRouter(plan);
      return;
    }
    if (target.kind === 'pe' || target.kind === 'speaker') await this.cluster.restartFrr(target);
  }

  /** Kills a router's daemons and holder (the namespaces stay). */
  async stopFrr(ns: string): Promise<void> {
    const instance = this.names.frrInstance(ns);
    this.vty.forget(instance);
    const procs = this.ledger.data.processes.filter((p) => p.label.startsWith(`${instance} `) && !p.label.endsWith('http endpoint'));
    for (const p of procs) {
      if (isSameProcess(p)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    this.ledger.removeProcesses(procs.map((p) => p.pid));
    const view = this.names.vrfView(ns);
    await run(['umount', '-l', view], { allowFailure: true });
    // Mounts inside the view go with the lazy unmount; forget them so start() can re-add them.
    this.ledger.update((d) => {
      d.mounts = d.mounts.filter((m) => m !== view && !m.startsWith(`${view}/`));
    });
    await run(['rm', '-rf', this.names.frrRunDir(ns)], { allowFailure: true });
  }

  async sessionStates(): Promise<readonly SessionState[]> {
    return this.cluster.sessionStates();
  }

  async services(): Promise<readonly ServiceState[]> {
    return this.cluster.services();
  }

  async l2Statuses(): Promise<readonly L2Status[]> {
    return this.cluster.l2Statuses();
  }

  async pods(): Promise<readonly PodState[]> {
    return this.cluster.pods();
  }

  dumpTargets(): readonly Target[] {
    return labTargets(this.lab);
  }
}
