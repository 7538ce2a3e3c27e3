// An isolation check's curl series, for real: real curl (through stdbuf and nsenter, as the netns
// runtime runs it) in a private network namespace (unshare --net: only `lo`, nothing of the
// host's), an HTTP server inside it, and nftables dropping the SYNs. The check runs through the
// real poll (src/proc/wait.ts) on real time; the Runtime is a stand-in whose exec/execStream enter
// that namespace, and the same check runs once with one curl per attempt (exec only) to compare.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidatedCheck, validateCheck, type AttemptInfo } from '../../src/checks/run-check.ts';
import { run, runStream } from '../../src/proc/run.ts';
import { eventuallyValue } from '../../src/proc/wait.ts';
import { canStream, CurlSeries } from '../../src/checks/curl-series.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { fixtureResolver } from './fixtures.ts';

const skipReason = process.getuid?.() !== 0 ? 'needs root for a private network namespace' : spawnSync('nft', ['--version']).status !== 0 ? 'needs nft' : undefined;
if (skipReason) console.log(`skipping real curl series tests: ${skipReason}`);

/** The fixture resolver's address of service red/nginx: here on the namespace's lo, with a server. */
const SERVICE_IP = '172.30.0.10';

let holder: ChildProcess | undefined;
let server: ChildProcess | undefined;
const nsArgv = (argv: readonly string[]): string[] => ['nsenter', `--net=/proc/${holder!.pid}/ns/net`, '--', ...argv];
/** True once the holder has its own namespace (unshare done, sleep exec'd): never touch the host's. */
const holderReady = (): boolean => {
  try {
    return readFileSync(`/proc/${holder!.pid}/comm`, 'utf8').trim() === 'sleep' && readlinkSync(`/proc/${holder!.pid}/ns/net`) !== readlinkSync('/proc/self/ns/net');
  } catch {
    return false;
  }
};
const inNs = (argv: readonly string[]) => {
  if (!holderReady()) throw new Error('the private namespace is not ready: refusing to run in the host namespace');
  const r = spawnSync(nsArgv(argv)[0]!, nsArgv(argv).slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
};
const DROP = ['nft', 'add', 'rule', 'inet', 'crseries', 'out', 'tcp', 'dport', '80', 'drop'];
const flushDrops = () => inNs(['nft', 'flush', 'chain', 'inet', 'crseries', 'out']);

function namespaceRuntime(stream: boolean): Runtime & { spawned: number } {
  const rt = {
    spawned: 0,
    exec: async (_t: unknown, argv: readonly string[], o: { timeoutMs?: number } = {}) => {
      rt.spawned += 1;
      return run(nsArgv(argv), { allowFailure: true, timeoutMs: o.timeoutMs ?? 10_000 });
    },
    ...(stream
      ? {
          execStream: (_t: unknown, argv: readonly string[], o: { timeoutMs?: number } = {}) => {
            rt.spawned += 1;
            return runStream(nsArgv(argv), { timeoutMs: o.timeoutMs ?? 10_000 });
          },
        }
      : {}),
  };
  return rt as unknown as Runtime & { spawned: number };
}

async function isolationCheck(runtime: Runtime, forMs: number, onAttempt?: (a: AttemptInfo) => void) {
  const v = validateCheck({ kind: 'http', params: { from: 'hostA_blue', to: { service: 'red/nginx' }, isolated: true }, forMs });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  const attempts: AttemptInfo[] = [];
  const r = await runValidatedCheck(v.check, { runtime, resolver: fixtureResolver(), onAttempt: (a) => (attempts.push(a), onAttempt?.(a)) });
  return { r, attempts };
}

describe.skipIf(skipReason !== undefined)('isolation through one curl series, for real', () => {
  beforeAll(async () => {
    holder = spawn('unshare', ['--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
    await eventuallyValue(async () => (holderReady() ? true : undefined), { what: 'the private namespace', timeoutMs: 10_000, intervalMs: 20 });
    inNs(['ip', 'link', 'set', 'lo', 'up']);
    inNs(['ip', 'address', 'add', `${SERVICE_IP}/32`, 'dev', 'lo']);
    inNs(['nft', 'add', 'table', 'inet', 'crseries']);
    inNs(['nft', 'add', 'chain', 'inet', 'crseries', 'out', '{ type filter hook output priority 0; }']);
    server = spawn(nsArgv([])[0]!, [...nsArgv([]).slice(1), 'python3', '-m', 'http.server', '80', '--bind', SERVICE_IP, '--directory', '/nonexistent-dir'], { stdio: 'ignore' });
    // The server is up once a plain curl gets an answer.
    await eventuallyValue(async () => {
      const r = await run(nsArgv(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${SERVICE_IP}/`]), { allowFailure: true });
      return r.stdout === '404' ? true : undefined;
    }, { what: 'the HTTP server in the private namespace', timeoutMs: 20_000, intervalMs: 100 });
  }, 40_000);
  afterAll(() => {
    server?.kill();
    holder?.kill();
  });

  it('an unreachable target holds with the attempts and timeline of one curl per attempt, from one process', async () => {
    flushDrops();
    inNs(DROP);
    const perAttempt = namespaceRuntime(false);
    const series = namespaceRuntime(true);
    // Side by side (independent checks, one namespace): the same 3 s of wall time for both.
    const [before, after] = await Promise.all([isolationCheck(perAttempt, 3000), isolationCheck(series, 3000)]);
    for (const { r, attempts } of [before, after]) {
      expect(r).toMatchObject({ status: 'passed', attempts: 7, observed: { outcome: 'timeout', curlExit: 28 } });
      expect(attempts.every((a) => a.ok)).toBe(true);
      // The last SYN goes out at the hold's end: the check ends one connect timeout (0.3 s) after it.
      expect(r.ms).toBeGreaterThanOrEqual(3300);
    }
    expect(perAttempt.spawned).toBe(7);
    expect(series.spawned).toBe(1);
    // Each attempt starts on the same 500 ms grid either way (real time: within 150 ms).
    after.attempts.forEach((a, i) => expect(Math.abs(a.atMs - before.attempts[i]!.atMs)).toBeLessThan(150));
    after.attempts.forEach((a, i) => expect(Math.abs(a.atMs - i * 500)).toBeLessThan(150));
  });

  it('a reachable target fails the check at the first attempt, as fast as one curl does', async () => {
    flushDrops();
    const series = namespaceRuntime(true);
    const { r } = await isolationCheck(series, 3000);
    expect(r).toMatchObject({ status: 'failed', attempts: 1, observed: { outcome: 'reached', status: 404 } });
    expect(r.message).toContain('got an answer: HTTP 404');
    expect(r.ms).toBeLessThan(1000);
  });

  it('a target that becomes reachable mid-hold breaks it at the next attempt', async () => {
    flushDrops();
    inNs(DROP);
    const series = namespaceRuntime(true);
    const { r, attempts } = await isolationCheck(series, 3000, (a) => {
      if (a.attempt === 3) flushDrops();
    });
    expect(r).toMatchObject({ status: 'failed', attempts: 4, observed: { outcome: 'reached', status: 404 } });
    expect(attempts.slice(0, 3).every((a) => a.ok)).toBe(true);
    expect(r.message).toMatch(/broke after .* \(attempt 4\)/);
    expect(series.spawned).toBe(1);
  });

  it('an answer among transfers the poll passed over still fails the attempt', async () => {
    flushDrops();
    const runtime = namespaceRuntime(true);
    if (!canStream(runtime)) throw new Error('the stand-in runtime streams');
    const series = new CurlSeries(runtime);
    const to = { target: { kind: 'host', name: 'hostA_blue' } as const, url: `http://${SERVICE_IP}/`, connectTimeoutMs: 300 };
    const timing = { intervalMs: 100, maxTimeMs: 1000 };
    await series.next(to, timing, 300, new AbortController().signal);
    // The poll comes back late: the transfers started meanwhile (answers) are not skipped.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const o = await series.next(to, timing, 0, new AbortController().signal);
    series.close();
    expect(o).toMatchObject({ kind: 'reached', status: 404 });
  });
});
