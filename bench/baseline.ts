// The floor pelab is compared against: the same fabric brought up by the shortest direct sequence
// of the `ip` and FRR commands the netns runtime issues, read from the runtime's own FabricPlan and
// the same FRR renderer, loaded the same way, run with plain child processes: no ledger, no checks. By default as many
// at once as `up` runs (DEFAULT_CONCURRENCY), so pelab ÷ baseline is pelab's own overhead; with
// `concurrency: 1` one after the other, for reference. The only waits are the ones FRR needs to accept input
// (its vty sockets, and zebra knowing a VRF's namespace before the VRF is configured). The
// configuration goes in as the runtime loads it (FrrRouter.loadConfig: `-c` commands).
//
// Objects get the runtime's names and owner mark, so teardownInstance() removes them like a lab.
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Lab } from '../src/lab/model.ts';
import { renderFabricRouter } from '../src/render/frr-fabric.ts';
import { withNeighborsHeldUntilLoaded } from '../src/runtime/netns/config-hold.ts';
import { FRR_BIN } from '../src/runtime/netns/frr-build.ts';
import { configCommands, holderArgv, viewMountArgv } from '../src/runtime/netns/frr.ts';
import { OWNER_ENV } from '../src/runtime/claim.ts';
import { ENDPOINT_SERVER_ARGV } from '../src/runtime/netns/endpoints.ts';
import { NETNS_DIR, nsPath } from '../src/runtime/netns/netops.ts';
import { l3vniDeviceLines, type FabricPlan, type RouterPlan } from '../src/runtime/netns/plan.ts';
import { DEFAULT_CONCURRENCY, FABRIC_DEFAULT_TIMERS } from '../src/runtime/netns/runtime.ts';
import { mapLimit } from '../src/proc/limit.ts';
import { VtyClient, vtySocketPath } from '../src/runtime/netns/vty.ts';



function sh(argv: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'ignore', 'pipe'], env: options.env ?? process.env });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`baseline: ${argv.join(' ')} exited ${code}: ${err.trim()}`))));
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

function spawnDetached(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore', env });
  child.unref();
  if (child.pid === undefined) throw new Error(`baseline: could not start ${argv.join(' ')}`);
  return child.pid;
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // Not yet.
    }
    if (performance.now() > deadline) throw new Error(`baseline: timed out waiting for ${what}`);
    await delay(intervalMs);
  }
}

let frrIds: { uid: number; gid: number } | undefined;
function frrOwner(): { uid: number; gid: number } {
  if (!frrIds) {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('frr:'));
    if (!line) throw new Error('baseline: no frr user');
    const [, , uid, gid] = line.split(':');
    frrIds = { uid: Number(uid), gid: Number(gid) };
  }
  return frrIds;
}

function ipBatch(ns: string | undefined, lines: readonly string[]): Promise<void> {
  return sh(['ip', ...(ns ? ['-n', ns] : []), '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

interface FrrStart {
  readonly ns: string;
  readonly pathspace: string;
  /** The router's hostname, as FrrRouter sets it (a pathspace is no valid hostname: underscores). */
  readonly hostname: string;
  readonly runDir: string;
  readonly confDir: string;
  /** VRF name -> namespace; undefined = no netns VRF backend (and no holder). */
  readonly vrfs?: ReadonlyMap<string, string>;
  readonly viewDir: string;
}

/** View (VRF routers), holder, zebra, bgpd; resolves when both vty sockets exist. */
async function startFrr(s: FrrStart, env: NodeJS.ProcessEnv): Promise<void> {
  const { uid, gid } = frrOwner();
  for (const d of [s.runDir, s.confDir]) {
    mkdirSync(d, { recursive: true });
    chownSync(d, uid, gid);
  }
  writeFileSync(join(s.confDir, 'vtysh.conf'), '');
  if (s.vrfs) {
    mkdirSync(s.viewDir, { recursive: true });
    const vrfs = [...s.vrfs].map(([vrf, ns]) => ({ ns, file: join(s.viewDir, vrf) }));
    for (const v of vrfs) writeFileSync(v.file, '');
    await sh(viewMountArgv(s.viewDir, vrfs));
  }
  // Every router's daemons in a holder's mount namespace, as FrrRouter.start: the holder sets the
  // hostname, gives them their own /var/tmp and mounts the VRF view (SYSTEM_HOLDER_SCRIPT).
  const holder = spawnDetached(['nsenter', `--net=${nsPath(s.ns)}`, '--', ...holderArgv(undefined, { hostname: s.hostname, view: s.vrfs ? s.viewDir : '', labDir: '' })], env);
  await until(`holder of ${s.pathspace}`, () => readlinkSync(`/proc/${holder}/exe`).endsWith('/sleep'), 3000, 2);
  const enter = ['nsenter', '-t', String(holder), '-m', '-n', '-u', '--'];
  const daemon = (name: string, extra: readonly string[]): string[] => [
    ...enter, join(FRR_BIN, name), '-d', ...extra, '-N', s.pathspace, '-F', 'traditional', '-u', 'frr', '-g', 'frr', '-P', '0',
    '-i', join(s.runDir, `${name}.pid`), '--log', `file:${join(s.runDir, `${name}.log`)}`,
  ];
  // bgpd after zebra listens (its vty socket comes after its API socket): a bgpd that finds no
  // zebra retries 10 s later (as FrrRouter.start).
  await sh(daemon('zebra', s.vrfs ? ['-n'] : []), { env });
  await until(`zebra vty socket of ${s.pathspace}`, () => existsSync(join(s.runDir, 'zebra.vty')), 10_000, 2);
  await sh(daemon('bgpd', []), { env });
  await until(`bgpd vty socket of ${s.pathspace}`, () => existsSync(join(s.runDir, 'bgpd.vty')), 10_000, 2);
}

async function fabricRouter(lab: Lab, plan: FabricPlan, r: RouterPlan, env: NodeJS.ProcessEnv, options: BaselineOptions): Promise<void> {
  const n = plan.names;
  const vrfs = r.vrfs.length > 0 ? new Map(r.vrfs.map((v) => [v.name, v.ns])) : undefined;
  await startFrr({ ns: r.ns, pathspace: r.instance, hostname: r.name, runDir: n.frrRunDir(r.ns), confDir: n.frrConfDir(r.ns), viewDir: n.vrfView(r.ns), ...(vrfs ? { vrfs } : {}) }, env);
  if (vrfs) {
    const zebra = new VtyClient(vtySocketPath(r.instance, 'zebra'));
    try {
      await until(`VRFs in ${r.instance}'s zebra`, async () => {
        const text = (await zebra.command('show vrf')).text;
        return [...vrfs.keys()].every((v) => new RegExp(`^vrf ${v} id`, 'm').test(text));
      });
    } finally {
      zebra.close();
    }
  }
  const config = (options.extraConfig ?? []).map((l) => `${l}\n`).join('') + renderFabricRouter(lab, r.name, { defaultTimers: FABRIC_DEFAULT_TIMERS });
  if (options.configLoad === 'file') {
    const file = join(n.dir, 'configs', `${r.ns}.conf`);
    writeFileSync(file, config);
    await sh(['vtysh', '-N', r.instance, '-f', file]);
  } else {
    // As FrrRouter.loadConfig does: the lines as -c commands in one vtysh, neighbors held shut
    // until the last line is in (without the hold, a session opened before its address families
    // are in waits out a connect retry, and the baseline would be slower than pelab for that alone).
    await sh(['vtysh', '-N', r.instance, '-c', 'configure terminal', ...withNeighborsHeldUntilLoaded(configCommands(config)).flatMap((l) => ['-c', l])]);
  }
  for (const v of r.vrfs) {
    const lines = l3vniDeviceLines(v.vni, r.vtep!, r.routerMac!, v.ns);
    await ipBatch(r.ns, lines.inRouter);
    await ipBatch(v.ns, lines.inVrf);
  }
}

interface BaselineOptions {
  /**
   * Also what `pelab up` starts beyond the fabric: the cluster nodes' (unconfigured) PE router
   * and speaker FRR instances and the HTTP endpoints, so the end state matches `up`'s.
   */
  readonly sameEndState?: boolean;
  /** For diagnosis: configuration lines put before each fabric router's rendered config (e.g. debugs). */
  readonly extraConfig?: readonly string[];
  /**
   * How the config goes in: as `-c` commands like the runtime (default), or as a file with
   * `vtysh -f`, which makes bgpd 8.4 hold the peers after the load (for comparison).
   */
  readonly configLoad?: 'commands' | 'file';
  /** Batches and routers in flight at once, as NetnsRuntime's `concurrency` (default: the same as `up`'s). */
  readonly concurrency?: number;
}

/** Runs the sequence; returns the duration of each phase (ms). */
export async function baselineUp(lab: Lab, plan: FabricPlan, options: BaselineOptions = {}): Promise<Record<string, number>> {
  const env = { ...process.env, [OWNER_ENV]: plan.names.instance };
  const phases: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    phases[name] = Math.round(now - t);
    t = now;
  };
  mkdirSync(join(plan.names.dir, 'configs'), { recursive: true });
  await ipBatch(undefined, plan.namespaces.map((ns) => `netns add ${ns}`));
  lap('namespaces');
  const limit = options.concurrency ?? DEFAULT_CONCURRENCY;
  await mapLimit([...plan.links], limit, ([ns, lines]) => ipBatch(ns, lines));
  await mapLimit([...plan.config], limit, ([ns, lines]) => ipBatch(ns, lines));
  lap('links');
  const n = plan.names;
  if (options.sameEndState) {
    // The same one HTTP server process `up` starts (endpoint-server.py), with the same listeners,
    // started beside the routers as `up` does (not waited for: the baseline has no readiness wait).
    const listeners = [
      ...plan.hosts.map((h) => ({ ns: h.ns, ports: [8090, 80], kind: 'agnhost-netexec', identity: h.name })),
      ...plan.clusterNodes.map((c) => ({ ns: c.ns, ports: [8090], kind: 'agnhost-netexec', identity: c.name })),
    ];
    const file = join(n.dir, 'endpoints.json');
    mkdirSync(n.dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ listeners }));
    spawnDetached(['nsenter', `--net=${nsPath(plan.namespaces[0]!)}`, '--', ...ENDPOINT_SERVER_ARGV, 'serve', file], env);
    lap('endpoints');
  }
  // The fabric routers and (same end state) the nodes' FRR share one pool, as in `up`.
  const starts: (() => Promise<void>)[] = [
    ...plan.routers.map((r) => () => fabricRouter(lab, plan, r, env, options)),
    ...(options.sameEndState
      ? plan.clusterNodes.map((node) => async () => {
          await startFrr({ ns: node.peNs, pathspace: n.frrInstance(node.peNs), hostname: `${node.name}-pe`, runDir: n.frrRunDir(node.peNs), confDir: n.frrConfDir(node.peNs), viewDir: n.vrfView(node.peNs), vrfs: new Map() }, env);
          await startFrr({ ns: node.ns, pathspace: n.frrInstance(node.ns), hostname: node.name, runDir: n.frrRunDir(node.ns), confDir: n.frrConfDir(node.ns), viewDir: n.vrfView(node.ns) }, env);
        })
      : []),
  ];
  await mapLimit(starts, limit, (start) => start());
  lap('frr');
  return phases;
}
