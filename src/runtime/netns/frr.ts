// One FRR instance per router, each in its own network namespace and pathspace (`-N`). Routers
// with VRFs use FRR's netns VRF backend: zebra runs with `-n` inside a private mount namespace
// whose /run/netns shows ONLY that router's VRF namespaces. If every zebra saw every namespace,
// a leaf's zebra would bind its L3VNI to another router's VXLAN device.
import { spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabBuildError } from '../../errors.ts';
import { run, type RunResult } from '../../proc/run.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import type { Ledger } from './ledger.ts';
import { processStartTime } from '../../proc/identity.ts';
import { spawnOwned } from './daemon.ts';
import { OWNER_ENV } from '../claim.ts';
import { nsPath, NETNS_DIR } from './netops.ts';
import { FRR_CONF_ROOT, FRR_RUN_ROOT, type InstanceNames } from './names.ts';
import { VtyClient, vtySocketPath } from './vty.ts';
import { withNeighborsHeldUntilLoaded } from './config-hold.ts';
import { frrQuirks } from './frr-quirks.ts';
import { FRR_BIN, FRR_CRASH_TMP, frrIds, HOLDER_SCRIPT, inFrrBuild, SYSTEM_HOLDER_SCRIPT, installedFrr, type FrrBuild } from './frr-build.ts';

interface FrrRouterSpec {
  readonly hostname: string;
  readonly ns: string;
  readonly netnsVrf: boolean;
  /** VRF name -> namespace, visible to zebra from the start. */
  readonly vrfs: ReadonlyMap<string, string>;
}

function mkdirOwned(dir: string, owner: { uid: number; gid: number }): void {
  mkdirSync(dir, { recursive: true });
  chownSync(dir, owner.uid, owner.gid);
}

/** The build a lab runs: the one its ledger recorded at `up` (the system's for older ledgers). */
export function ledgerFrrBuild(ledger: Ledger): FrrBuild {
  if (ledger.data.frr) return ledger.data.frr;
  const system = installedFrr('');
  if (!system) throw new LabBuildError('no FRR is installed', 'apt-get install frr frr-pythontools (or run: make setup)');
  return system;
}

/** The daemons a router runs, in start order: mgmtd first where the build has it (frr-quirks.ts). */
export function baseDaemons(build: Pick<FrrBuild, 'version'>): readonly string[] {
  return frrQuirks(build).mgmtd ? ['mgmtd', 'zebra', 'bgpd'] : ['zebra', 'bgpd'];
}

/**
 * zebra's running config shows each netns VRF's namespace (` netns /run/netns/<vrf>`). A config
 * without those lines would make frr-reload remove them, detaching every VRF from its namespace.
 * `parked` VRFs keep a bare stanza: their namespace stays known to zebra after their L3VNI is
 * deleted, because FRR 8.4's zebra crashes when a netns VRF is removed and created again.
 */
export function withNetnsVrfLines(config: string, parked: readonly string[] = []): string {
  const withLines = config.replace(/^vrf (\S+)\n/gm, (line, vrf: string) => `${line} netns ${NETNS_DIR}/${vrf}\n`);
  if (parked.length === 0) return withLines;
  const stanzas = parked.map((vrf) => `vrf ${vrf}\n netns ${NETNS_DIR}/${vrf}\nexit-vrf\n!\n`).join('');
  // Before the first `router`/`route-map` line, where FRR itself lists VRF stanzas.
  const at = withLines.search(/^(route-map|router|ip prefix-list|bgp community-list)/m);
  return at < 0 ? `${withLines}${stanzas}` : `${withLines.slice(0, at)}${stanzas}${withLines.slice(at)}`;
}

/** The commands of a frr.conf, in order, without comments and the version banner. */
export function configCommands(config: string): string[] {
  return config
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('!') && !l.startsWith('frr version'));
}

/**
 * Whether a configuration needs bfdd: a `bfd` stanza (profiles, peers) or a BGP neighbor with
 * BFD. bfdd runs only where asked for, as on a real router whose daemons file enables it.
 */
function needsBfdd(config: string): boolean {
  return /^bfd$|^\s*neighbor \S+ bfd\b/m.test(config);
}

/**
 * Runs a daemon's `-d` start with its output going to `logFile`, not to a pipe: FRR 10's daemons
 * keep the stdout and stderr they started with open after forking into the background (8.4's
 * closed them), so a reader waiting for the pipe to close would wait for the daemon to exit.
 * Resolves with the exit code of the foreground process (124 when it outlives `timeoutMs`).
 */
async function startDaemonProcess(argv: readonly string[], logFile: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number> {
  const out = openSync(logFile, 'w');
  try {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, out], env });
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(124);
      }, timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code ?? 1);
      });
    });
  } finally {
    closeSync(out);
  }
}

/** bgpd's answer to `no router bgp ASN vrf V` while it has not yet processed the L3VNI's removal (8.4, 10.3). Pure. */
export function isL3vniStillBeingRemoved(answer: string): boolean {
  return /Please unconfigure l3vni|is scheduled to be deleted/.test(answer);
}

/**
 * One process that makes a router's VRF view: a shared bind of the view folder on itself (VRF
 * namespaces bound into it later propagate into the daemons' slave mount namespace, so VRFs can
 * be added to a running router), then each VRF namespace bound onto its file (which must exist).
 * A constant script, the paths as arguments. As one `mount` each it was 2 + one per VRF of the
 * processes pelab forks from its one thread in `up` (19 of 128; a fork blocks it 1-3 ms).
 */
export function viewMountArgv(view: string, vrfs: readonly { readonly ns: string; readonly file: string }[]): string[] {
  const script = ['set -e', 'view=$1', 'shift', 'mount --bind --make-shared "$view" "$view"', 'while [ $# -gt 0 ]; do mount --bind "$1" "$2"; shift 2; done'].join('\n');
  return ['sh', '-c', script, 'sh', view, ...vrfs.flatMap((v) => [nsPath(v.ns), v.file])];
}

/**
 * A router's namespace holder, run inside its network namespace: private mount and UTS namespaces,
 * then HOLDER_SCRIPT (a build with a root) or SYSTEM_HOLDER_SCRIPT, which end in `sleep`. `view`
 * is the VRF view folder or ''. The benchmark's baseline starts its holders with it too. Pure.
 */
export function holderArgv(root: string | undefined, spec: { readonly hostname: string; readonly view: string; readonly labDir: string }): string[] {
  const program = root
    ? ['sh', '-c', HOLDER_SCRIPT, 'sh', root, FRR_RUN_ROOT, FRR_CONF_ROOT, spec.labDir, spec.view, spec.hostname]
    : ['sh', '-c', SYSTEM_HOLDER_SCRIPT, 'sh', spec.hostname, spec.view, NETNS_DIR, FRR_CRASH_TMP];
  return ['unshare', '--mount', '--uts', '--propagation', 'slave', '--', ...program];
}

export class FrrRouter {
  readonly spec: FrrRouterSpec;
  readonly instance: string;
  readonly runDir: string;
  readonly confDir: string;
  readonly viewDir: string;
  readonly build: FrrBuild;
  private readonly labDir: string;
  private readonly ledger: Ledger;
  private readonly owner: string;
  holderPid: number | undefined;

  constructor(names: InstanceNames, ledger: Ledger, spec: FrrRouterSpec) {
    this.spec = spec;
    this.build = ledgerFrrBuild(ledger);
    this.labDir = names.dir;
    this.instance = names.frrInstance(spec.ns);
    this.runDir = names.frrRunDir(spec.ns);
    this.confDir = names.frrConfDir(spec.ns);
    this.viewDir = names.vrfView(spec.ns);
    this.ledger = ledger;
    this.owner = names.instance;
  }

  /** Every daemon this router may run: its base daemons and bfdd. */
  private get daemons(): string[] {
    return [...baseDaemons(this.build), 'bfdd'];
  }

  get logFiles(): string[] {
    return this.daemons.map((d) => join(this.runDir, `${d}.log`)).filter((f, i) => i < baseDaemons(this.build).length || existsSync(f));
  }

  /** Starts bfdd next to zebra and bgpd unless it runs already (configs that use BFD call this). */
  async ensureBfdd(): Promise<void> {
    if (existsSync(join(this.runDir, 'bfdd.vty'))) return;
    if (this.holderPid === undefined) {
      this.holderPid = this.ledger.data.processes.find((p) => p.label === `${this.instance} namespace holder`)?.pid;
    }
    if (this.holderPid === undefined) throw new LabBuildError(`cannot start bfdd for ${this.instance}: its namespace holder is not running`);
    await this.startDaemon('bfdd', []);
    await eventuallyValue(async () => existsSync(join(this.runDir, 'bfdd.vty')) || undefined, { timeoutMs: 10_000, intervalMs: 20, what: `bfdd vty socket of ${this.instance}` });
    this.recordPidFile('bfdd');
  }

  /** Starts the namespace holder, the VRF view and the daemons; resolves when their vty sockets answer. */
  async start(): Promise<void> {
    this.ledger.addPaths([this.runDir, this.confDir, ...(this.spec.netnsVrf ? [this.viewDir] : [])]);
    const owner = frrIds(this.build);
    mkdirOwned(this.runDir, owner);
    mkdirOwned(this.confDir, owner);
    writeFileSync(join(this.confDir, 'vtysh.conf'), '');
    if (this.spec.netnsVrf) await this.createView();
    await this.startHolder();
    // The holder has set the hostname and mounted the VRF view itself (HOLDER_SCRIPT, SYSTEM_HOLDER_SCRIPT).
    // bgpd only after zebra listens: a bgpd whose first connect to zserv.api fails retries only
    // 10 s later (lib/zclient.c, `fail < 3 ? 10 : 60`), and until then it has no interfaces and
    // no next-hop tracking, so its sessions stay down (measured: 5-9 s stalls in the demo's
    // checks, `sendmsg_nexthop: zclient_send_message() failed` in bgpd.log). zebra opens its
    // vty socket after its API socket (zebra_main.c: zserv_start, then frr_run), so zebra.vty
    // existing means zserv.api accepts. watchfrr/frrinit start them in this order in the kind lab.
    // FRR 10: mgmtd before zebra, which connects to it at start (see baseDaemons).
    for (const d of baseDaemons(this.build)) {
      await this.startDaemon(d, d === 'zebra' && this.spec.netnsVrf ? ['-n'] : []);
      await this.waitForVtySockets([d]);
    }
    for (const d of baseDaemons(this.build)) this.recordPidFile(d);
  }

  private async waitForVtySockets(daemons: readonly string[]): Promise<void> {
    await eventuallyValue(
      async () => daemons.every((d) => existsSync(join(this.runDir, `${d}.vty`))) || undefined,
      // An existsSync per attempt; a router's daemons start one after another on this wait.
      { timeoutMs: 10_000, intervalMs: 2, what: `FRR vty sockets (${daemons.join(', ')}) of ${this.instance}` },
    );
  }

  private async createView(): Promise<void> {
    mkdirSync(this.viewDir, { recursive: true });
    const vrfs = [...this.spec.vrfs].map(([vrf, ns]) => ({ ns, file: join(this.viewDir, vrf) }));
    for (const v of vrfs) writeFileSync(v.file, '');
    this.ledger.addMounts([this.viewDir, ...vrfs.map((v) => v.file)]);
    await run(viewMountArgv(this.viewDir, vrfs));
  }

  /** Makes VRF namespace `ns` visible to a running router's zebra under the name `vrf`. */
  async exposeVrf(vrf: string, ns: string): Promise<void> {
    const target = join(this.viewDir, vrf);
    writeFileSync(target, '');
    this.ledger.addMounts([target]);
    await run(['mount', '--bind', nsPath(ns), target]);
  }

  async hideVrf(vrf: string): Promise<void> {
    const target = join(this.viewDir, vrf);
    await run(['umount', target], { allowFailure: true });
    // Remove the file too: zebra only notices a namespace on the file's creation, so a VRF
    // added again later needs a fresh file.
    rmSync(target, { force: true });
    this.ledger.update((d) => {
      d.mounts = d.mounts.filter((m) => m !== target);
    });
  }

  private async startHolder(): Promise<void> {
    // A sleeping process that owns the router's mount and UTS namespaces, so zebra and bgpd can
    // both join them (they must share the same /run/netns view). It first sets the hostname and
    // mounts the VRF view, and with a private root what the chrooted daemons need (HOLDER_SCRIPT).
    const pid = await spawnOwned(
      this.spec.ns,
      holderArgv(this.build.root, { hostname: this.spec.hostname, view: this.spec.netnsVrf ? this.viewDir : '', labDir: this.labDir }),
      `${this.instance} namespace holder`,
      this.ledger,
      this.owner,
    );
    this.holderPid = pid;
    // nsenter, unshare and the script exec in place; the holder is ready once the pid runs `sleep`.
    await eventuallyValue(
      async () => {
        try {
          return readlinkSync(`/proc/${pid}/exe`).endsWith('/sleep') || undefined;
        } catch {
          throw new LabBuildError(`the namespace holder of ${this.instance} exited`);
        }
      },
      { timeoutMs: 3000, intervalMs: 2, what: `namespace holder of ${this.instance}` },
    );
  }

  private async startDaemon(daemon: string, extra: readonly string[]): Promise<void> {
    const argv = [
      'nsenter', '-t', String(this.holderPid), '-m', '-n', '-u', '--',
      ...(this.build.root ? ['chroot', this.build.root] : []),
      join(FRR_BIN, daemon), '-d', ...extra,
      '-N', this.instance, '-F', 'traditional', '-u', 'frr', '-g', 'frr', '-P', '0',
      '-i', join(this.runDir, `${daemon}.pid`),
      '--log', `file:${join(this.runDir, `${daemon}.log`)}`,
    ];
    const startLog = join(this.runDir, `${daemon}.start.log`);
    const code = await startDaemonProcess(argv, startLog, { ...process.env, [OWNER_ENV]: this.owner }, 10_000);
    if (code !== 0) {
      const said = existsSync(startLog) ? readFileSync(startLog, 'utf8').trim() : '';
      throw new LabBuildError(`${daemon} of ${this.instance} did not start (exit ${code}): ${argv.join(' ')}\n${said}`);
    }
  }

  private recordPidFile(daemon: string): void {
    const pid = Number(readFileSync(join(this.runDir, `${daemon}.pid`), 'utf8').trim());
    const startTime = processStartTime(pid);
    if (startTime) this.ledger.addProcess({ pid, startTime, label: `${this.instance} ${daemon}` });
  }

  daemonPids(): number[] {
    return this.daemons
      .map((d) => join(this.runDir, `${d}.pid`))
      .filter((f) => existsSync(f))
      .map((f) => Number(readFileSync(f, 'utf8').trim()));
  }

  /** `argv` (vtysh, python3 frr-reload.py) as this router's FRR build runs it. */
  private frrCommand(argv: readonly string[]): string[] {
    return inFrrBuild(this.build, this.holderPid, argv);
  }

  async vtysh(commands: readonly string[], timeoutMs = 10_000): Promise<RunResult> {
    return run(this.frrCommand(['vtysh', '-N', this.instance, ...commands.flatMap((c) => ['-c', c])]), { allowFailure: true, timeoutMs });
  }

  /**
   * Loads a whole frr.conf-style file (additive). The lines go in as `-c` commands rather than
   * `vtysh -f`: a file load marks bgpd "config pending", and bgpd then holds every peer for
   * about four seconds before its first connect (measured), which dominated bring-up. Neighbors
   * stay shut until the last line is in (config-hold.ts), as with a whole-file load.
   */
  async loadConfig(file: string): Promise<void> {
    const text = readFileSync(file, 'utf8');
    if (needsBfdd(text)) await this.ensureBfdd();
    const lines = withNeighborsHeldUntilLoaded(configCommands(text));
    const r = await run(this.frrCommand(['vtysh', '-N', this.instance, '-c', 'configure terminal', ...lines.flatMap((l) => ['-c', l])]), { allowFailure: true, timeoutMs: 20_000 });
    if (r.exitCode !== 0 || /% (Unknown|Invalid|Ambiguous|Command incomplete)/.test(r.stdout + r.stderr)) {
      throw new LabBuildError(`FRR rejected the configuration of ${this.instance} (${file}):\n${(r.stdout + r.stderr).trim()}`);
    }
  }

  /** Replaces the running configuration with `file` through frr-reload (minimal diff, no restart). */
  async reloadConfig(file: string): Promise<void> {
    if (needsBfdd(readFileSync(file, 'utf8'))) await this.ensureBfdd();
    // A private root sees the lab folder, where `file` is, at the same path (HOLDER_SCRIPT).
    const r = await run(
      this.frrCommand(['/usr/bin/python3', join(FRR_BIN, 'frr-reload.py'), '--reload', '--pathspace', this.instance, '--confdir', FRR_CONF_ROOT, '--rundir', this.runDir, '--stdout', file]),
      { allowFailure: true, timeoutMs: 30_000 },
    );
    if (r.exitCode !== 0) throw new LabBuildError(`frr-reload of ${this.instance} failed:\n${(r.stdout + r.stderr).trim().slice(-2000)}`);
  }

  /**
   * Unconfigures an L3VNI: `no vni` in its VRF, then `no router bgp ASN vrf VRF`. zebra tells bgpd
   * about the removed VNI asynchronously (zapi L3VNI_DEL), and until bgpd has processed it, it
   * refuses to remove the VRF's BGP instance: "Please unconfigure l3vni N" (8.4) or "L3VNI N is
   * scheduled to be deleted. Please give it few secs and retry" (10.3). Sent in one vtysh run,
   * the second command lost that race once on a loaded machine (evpn-withdrawal, 8.4.4) and every
   * time on 10.3; so it is retried until bgpd accepts it (FRR #17903 reports the same refusal).
   */
  async removeL3vni(vrf: string, vni: number, asn: number | undefined, timeoutMs = 10_000): Promise<void> {
    const first = await this.vtysh(['configure terminal', `vrf ${vrf}`, `no vni ${vni}`, 'exit-vrf']);
    if (first.exitCode !== 0) throw new Error(`no vni ${vni}: ${(first.stdout + first.stderr).trim()}`);
    if (asn === undefined) return;
    let last = '';
    try {
      await eventuallyValue(
        async () => {
          const r = await this.vtysh(['configure terminal', `no router bgp ${asn} vrf ${vrf}`]);
          last = (r.stdout + r.stderr).trim();
          if (r.exitCode === 0 && !/%/.test(last)) return true;
          if (isL3vniStillBeingRemoved(last)) return undefined;
          throw new Error(`no router bgp ${asn} vrf ${vrf}: ${last}`);
        },
        { timeoutMs, intervalMs: 50, what: `bgpd of ${this.instance} to let go of L3VNI ${vni}` },
      );
    } catch (e) {
      throw new Error(last && !(e instanceof Error && e.message.includes(last)) ? `no router bgp ${asn} vrf ${vrf}: ${last}` : e instanceof Error ? e.message : String(e));
    }
  }

  /** Polls zebra over its vty socket: a vtysh process per attempt cost ~60 ms of CPU each. */
  async waitForVrfs(vrfs: readonly string[], timeoutMs = 10_000): Promise<void> {
    const zebra = new VtyClient(vtySocketPath(this.instance, 'zebra'));
    try {
      await eventuallyValue(
        async () => {
          const { text } = await zebra.command('show vrf');
          return vrfs.every((v) => new RegExp(`^vrf ${v} id`, 'm').test(text)) || undefined;
        },
        { timeoutMs, intervalMs: 20, what: `VRFs ${vrfs.join(', ')} in ${this.instance}'s zebra` },
      );
    } finally {
      zebra.close();
    }
  }
}
