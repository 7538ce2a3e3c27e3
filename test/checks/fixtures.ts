// Test helpers: the REAL outputs recorded by test/fixtures/frr/record.ts, a Resolver for that
// recorded fabric, and a FAKE Runtime that serves the recorded outputs by target + command.
// The fake is only a replay device; every byte it returns was printed by FRR 8.4.4, iproute2 or
// curl, except sessionStates()/services() (the cluster API), which the tests supply.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ExecOptions, ExecResult, Runtime, ServiceState, SessionState, Target,
} from '../../src/runtime/runtime.ts';
import type { Lab } from '../../src/lab/model.ts';
import { ResolveError, type NodeRef, type PeerRef, type PodRef, type ResolvedPod, type Resolver, type VtepRef } from '../../src/checks/resolver.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'frr');

export function fixture(file: string): string {
  return readFileSync(join(FIXTURES, file), 'utf8');
}

/** A recorded curl run: {exitCode, stdout, stderr}. */
export function curlFixture(file: string): ExecResult {
  const r = JSON.parse(fixture(file)) as { exitCode: number; stdout: string; stderr: string };
  return { ...r, ms: 1 };
}

interface IndexEntry {
  readonly file: string;
  readonly target: Target;
  readonly via: 'vtysh' | 'exec';
  readonly command: string | string[];
  readonly vrf?: string;
  readonly exitCode?: number;
}

const fixtureIndex = (JSON.parse(fixture('index.json')) as { fixtures: IndexEntry[] }).fixtures;

const sameTarget = (a: Target, b: Target) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The recorded fabric (see record.ts): leafA (AS 64520, VTEP 100.64.0.1, red VNI 100) peers with
 * PE node0 (AS 64514, VTEP 100.65.0.0, underlay 192.168.11.3); node0's speaker (192.169.10.2)
 * announces 172.30.0.10/32 in red; hostA_red 192.168.20.2, hostA_blue 192.168.21.2.
 */
export function fixtureResolver(services: Record<string, readonly string[]> = { 'red/nginx': ['172.30.0.10'], 'blue/nginx': [] }): Resolver {
  return {
    target(ref: NodeRef): Target {
      if ('router' in ref) return { kind: 'router', name: ref.router };
      if ('host' in ref) return { kind: 'host', name: ref.host };
      if ('pe' in ref) return { kind: 'pe', node: ref.pe };
      return { kind: 'speaker', node: ref.speaker };
    },
    peerAddress(_on: NodeRef, peer: Exclude<PeerRef, string>): string {
      if ('pe' in peer && peer.pe === 'node0') return '192.168.11.3';
      if ('router' in peer && peer.router === 'leafA') return '192.168.11.2';
      if ('speaker' in peer && peer.speaker === 'node0') return '192.169.10.2';
      if ('peRouterSide' in peer && peer.peRouterSide.vrf === 'red') return '192.169.10.1';
      throw new ResolveError(`fixture resolver: unknown peer ${JSON.stringify(peer)}`);
    },
    vtep(ref: VtepRef): string {
      if ('router' in ref && ref.router === 'leafA') return '100.64.0.1';
      if ('pe' in ref && ref.pe === 'node0') return '100.65.0.0';
      throw new ResolveError(`fixture resolver: no VTEP for ${JSON.stringify(ref)}`);
    },
    vni(vrf: string): number {
      const v = { red: 100, blue: 200 }[vrf];
      if (v === undefined) throw new ResolveError(`no VRF ${vrf}`);
      return v;
    },
    hostAddress(host: string): string {
      const a = { hostA_red: '192.168.20.2', hostA_blue: '192.168.21.2' }[host];
      if (a === undefined) throw new ResolveError(`no host ${host}`);
      return a;
    },
    hostSubnet(host: string): string {
      const s = { hostA_red: '192.168.20.0/24', hostA_blue: '192.168.21.0/24' }[host];
      if (s === undefined) throw new ResolveError(`no host ${host}`);
      return s;
    },
    serviceIPs(service: string): readonly string[] {
      return services[service] ?? [];
    },
    // One nginx pod on node0 (pelab's addressing: node index 0 -> 10.244.0.0/24).
    pod(ref: PodRef): ResolvedPod {
      const hit = ref === 'red/nginx-0' || (typeof ref !== 'string' && ref.namespace === 'red' && Object.entries(ref.selector).every(([k, v]) => k === 'app' && v === 'nginx'));
      if (!hit) throw new ResolveError(`fixture resolver: no pod ${JSON.stringify(ref)}`);
      return { target: { kind: 'pod', namespace: 'red', name: 'nginx-0' }, ip: '10.244.0.2', node: 'node0', label: 'red/nginx-0' };
    },
    clusterNodes: () => ['node0'],
  };
}

/** Lets a test replace an answer (e.g. a session that comes up after two attempts). */
type Override = (target: Target, command: string) => string | ExecResult | undefined;

interface FakeRuntime extends Runtime {
  readonly calls: string[];
}

function notHere(what: string): never {
  throw new Error(`fixture runtime: ${what} is not recorded`);
}

export function fixtureRuntime(options: {
  override?: Override;
  sessions?: readonly SessionState[];
  services?: readonly ServiceState[];
  /** Delay every answer, to exercise budgets. */
  delayMs?: number;
} = {}): FakeRuntime {
  const calls: string[] = [];
  const wait = () => (options.delayMs ? new Promise((r) => setTimeout(r, options.delayMs)) : Promise.resolve());
  const lab: Lab = { name: 'fixture', description: '', source: 'record.ts', vrfs: [], routers: [], links: [], hosts: [], switches: [] };
  return {
    kind: 'netns',
    lab,
    instance: 'pelabt-chk-fixture',
    calls,
    appliedManifests: () => [],
    async vtysh(target: Target, command: string): Promise<string> {
      calls.push(`vtysh ${JSON.stringify(target)} ${command}`);
      await wait();
      const o = options.override?.(target, command);
      if (typeof o === 'string') return o;
      const e = fixtureIndex.find((f) => f.via === 'vtysh' && f.command === command && sameTarget(f.target, target));
      if (!e) return notHere(`vtysh ${JSON.stringify(target)} "${command}"`);
      return fixture(e.file);
    },
    async exec(target: Target, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
      const line = argv.join(' ');
      calls.push(`exec ${JSON.stringify(target)}${opts?.vrf ? ` vrf ${opts.vrf}` : ''} ${line}`);
      await wait();
      const o = options.override?.(target, line);
      if (o !== undefined) return typeof o === 'string' ? { exitCode: 0, stdout: o, stderr: '', ms: 1 } : o;
      const isCurl = argv[0] === 'curl';
      const e = fixtureIndex.find((f) => {
        if (f.via !== 'exec' || !sameTarget(f.target, target) || (f.vrf ?? undefined) !== (opts?.vrf ?? undefined)) return false;
        const cmd = f.command as string[];
        // curl's --max-time follows the attempt budget; the URL identifies the recording.
        return isCurl ? cmd[0] === 'curl' && cmd.at(-1) === argv.at(-1) : cmd.join(' ') === line;
      });
      if (!e) return notHere(`exec ${JSON.stringify(target)} vrf=${opts?.vrf ?? '-'} "${line}"`);
      if (isCurl) return curlFixture(e.file);
      return { exitCode: e.exitCode ?? 0, stdout: fixture(e.file), stderr: '', ms: 1 };
    },
    async sessionStates() {
      calls.push('sessionStates');
      return options.sessions ?? [];
    },
    async services() {
      calls.push('services');
      return options.services ?? [];
    },
    up: async () => notHere('up'),
    down: async () => notHere('down'),
    status: async () => notHere('status'),
    readFile: async () => notHere('readFile'),
    apply: async () => notHere('apply'),
    delete: async () => notHere('delete'),
    relabelNode: async () => notHere('relabelNode'),
    fault: async () => notHere('fault'),
    dumpTargets: () => [],
  };
}
