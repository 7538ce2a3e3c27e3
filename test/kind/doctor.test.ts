// pelab doctor. No Docker engine, kind, containerlab, kubectl or helm runs here, so the engine is
// the shared stand-in on a unix socket (docker-engine.ts) answering the Docker Engine API paths
// doctor uses with recorded responses (test/fixtures/kind/docker/, see the README there), and the
// real dockerode client talks to it; tool outputs are recorded too (tool-versions.json). Port
// probes are real.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/proc/run.ts';
import { parseArtifactOverrides, PINNED, withOverrides } from '../../src/runtime/kind/artifacts.ts';
import {
  compareVersions, dockerodeProbe, formatDoctor, hostPortsOf, parseToolVersion, portFreeOnLoopback, runDoctor, VERSION_COMMANDS, type DoctorProbes,
} from '../../src/runtime/kind/doctor.ts';
import { repoLab } from '../lab/helpers.ts';
import { engineState, startEngine, type EngineState } from './docker-engine.ts';
import { fixture } from './helpers.ts';

const TOOLS = fixture('tool-versions.json') as Record<string, string>;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Engine = EngineState;

/** The shared engine stand-in (docker-engine.ts): /version, /info, /distribution/{ref}/json, /containers/json. */
async function fakeEngine(engine: Engine): Promise<string> {
  const { socketPath, stop } = await startEngine(engine);
  cleanups.push(stop);
  return socketPath;
}

function recordedCommands(overrides: Record<string, RunResult> = {}): { command: DoctorProbes['command']; ran: string[] } {
  const ran: string[] = [];
  const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: '', ms: 1 });
  return {
    ran,
    command: async (argv) => {
      const line = argv.join(' ');
      ran.push(line);
      if (overrides[line]) return overrides[line]!;
      for (const [tool, v] of Object.entries(VERSION_COMMANDS)) if (v.join(' ') === line) return ok(TOOLS[tool]!);
      if (argv[0] === 'helm' && argv[1] === 'show') return ok(`apiVersion: v2\nname: ${argv[3]}\nversion: ${argv.at(-1)}\n`);
      if (argv[0] === 'git' && argv[1] === 'ls-remote') return ok('1d5dcdfd8b9e538d46ecee90df4249a00d33e948\tHEAD\n');
      if (line === 'kind get clusters') return ok('');
      if (argv[0] === 'ip') return { exitCode: 1, stdout: '', stderr: `Device "${argv.at(-1)}" does not exist.\n`, ms: 1 };
      return { exitCode: 127, stdout: '', stderr: `unexpected command ${line}`, ms: 1 };
    },
  };
}

async function probes(engine: Partial<Engine> = {}, commands = recordedCommands()) {
  const e: Engine = engineState(engine);
  const socketPath = await fakeEngine(e);
  const p: DoctorProbes = { command: commands.command, docker: dockerodeProbe(new Docker({ socketPath })), portFree: portFreeOnLoopback, fileExists: () => false };
  return { p, engine: e, commands };
}

const byName = (checks: Awaited<ReturnType<typeof runDoctor>>, area: string, name: string) => checks.find((c) => c.area === area && c.name === name);

describe('pelab doctor', () => {
  it('reads the tool versions the tools print', () => {
    expect(parseToolVersion('kind', TOOLS.kind!)).toBe('0.27.0');
    expect(parseToolVersion('containerlab', TOOLS.containerlab!)).toBe('0.69.3');
    expect(parseToolVersion('kubectl', TOOLS.kubectl!)).toBe('1.32.2');
    expect(parseToolVersion('helm', TOOLS.helm!)).toBe('3.12.3');
    expect(parseToolVersion('git', TOOLS.git!)).toBe('2.39.5');
    expect(parseToolVersion('kind', 'kind version unknown')).toBeUndefined();
    expect(compareVersions('0.69.3', '0.74.1')).toBeLessThan(0);
    expect(compareVersions('29.0.1', '24.0.0')).toBeGreaterThan(0);
    expect(compareVersions('3.12.3', '3.12.3')).toBe(0);
  });

  it('on a good host: the engine, its containerd image store, every pinned image and chart; an old containerlab fails', async () => {
    const lab = await repoLab('singlecluster');
    const { p, engine, commands } = await probes();
    const checks = await runDoctor(p, { artifacts: PINNED, lab, arch: 'x64' });
    expect(byName(checks, 'tools', 'docker')).toMatchObject({ status: 'ok', detail: '29.0.1 (>= 24.0.0)' });
    expect(byName(checks, 'docker', 'image store')!.detail).toMatch(/^containerd image store \(overlayfs\).*kind#3795/);
    for (const tool of ['kind', 'kubectl', 'helm', 'git']) expect(byName(checks, 'tools', tool)!.status, tool).toBe('ok');
    expect(byName(checks, 'tools', 'containerlab')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^0\.69\.3 is older than 0\.74\.1/) });
    for (const [name, image] of Object.entries(PINNED.images)) {
      expect(byName(checks, 'images', name)!.status, name).toBe('ok');
      expect(engine.requests).toContain(`GET /distribution/${image.ref}/json`);
    }
    // Asked of the registry through the engine; nothing was pulled.
    expect(engine.requests.some((r) => r.startsWith('POST /images/create'))).toBe(false);
    expect(commands.ran).toContain('helm show chart frr-k8s --repo https://metallb.github.io/frr-k8s --version 0.0.25');
    expect(commands.ran).toContain('git ls-remote --exit-code https://github.com/openperouter/openperouter.git HEAD');
    expect(byName(checks, 'ports', 'host ports')!.status).toBe('ok');
    expect(byName(checks, 'names', 'bridge leafkind1-sw')!.status).toBe('ok');
    const text = formatDoctor(checks);
    expect(text).toContain('FAIL tools  containerlab: 0.69.3 is older than 0.74.1');
    expect(text.trim().split('\n').at(-1)).toBe('1 problem(s): `pelab up --runtime kind` would fail (tools containerlab)');
  });

  it('names a pinned image the registry does not have, and a missing linux/arm64 build', async () => {
    const artifacts = withOverrides(PINNED, parseArtifactOverrides(['image.router=quay.io/openperouter/router:no-such-tag']));
    const { p } = await probes({ missing: new Set(['quay.io/openperouter/router:no-such-tag']) });
    const checks = await runDoctor(p, { artifacts, arch: 'x64' });
    expect(byName(checks, 'images', 'router')).toMatchObject({ status: 'fail', detail: expect.stringContaining('quay.io/openperouter/router:no-such-tag: not found or not accessible at its registry') });
    const arm = await runDoctor(p, { artifacts: PINNED, arch: 'arm64' });
    expect(byName(arm, 'images', 'workload')).toMatchObject({ status: 'fail', detail: expect.stringContaining('has no linux/arm64 image (has linux/amd64)') });
  });

  it('reports the classic image store as such', async () => {
    const { p } = await probes({ info: 'docker/info-overlay2.json' });
    const checks = await runDoctor(p, { artifacts: PINNED, arch: 'x64' });
    expect(byName(checks, 'docker', 'image store')!.detail).toBe('classic image store (overlay2)');
  });

  it('without an engine: docker fails with the reason, images are not checked, tools still are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pelab-nodocker-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const p: DoctorProbes = { command: recordedCommands().command, docker: dockerodeProbe(new Docker({ socketPath: join(dir, 'none.sock') })), portFree: portFreeOnLoopback, fileExists: () => false };
    const checks = await runDoctor(p, { artifacts: PINNED, arch: 'x64' });
    expect(byName(checks, 'tools', 'docker')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^no Docker engine answers \(.*ENOENT/) });
    expect(byName(checks, 'images', 'all')!.status).toBe('fail');
    expect(byName(checks, 'tools', 'helm')!.status).toBe('ok');
  });

  it('warns about names in use and fails on an unreachable chart or a missing tool', async () => {
    const lab = await repoLab('singlecluster');
    const commands = recordedCommands({
      'kind get clusters': { exitCode: 0, stdout: 'kind\npe-kind\n', stderr: '', ms: 1 },
      'ip link show dev leafkind2-sw': { exitCode: 0, stdout: '7: leafkind2-sw: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n', stderr: '', ms: 1 },
      'helm show chart metallb --repo https://metallb.github.io/metallb --version 0.15.3': { exitCode: 1, stdout: '', stderr: 'Error: chart "metallb" version "0.15.3" not found in https://metallb.github.io/metallb repository\n', ms: 1 },
      'kind version': { exitCode: 127, stdout: '', stderr: 'spawn kind ENOENT', ms: 1 },
    });
    const { p } = await probes({ containers: ['clab-pe-kind-leafA', 'unrelated'] }, commands);
    const checks = await runDoctor(p, { artifacts: PINNED, lab, arch: 'x64' });
    expect(byName(checks, 'names', 'kind cluster pe-kind')!.status).toBe('warn');
    expect(byName(checks, 'names', 'bridge leafkind2-sw')!.status).toBe('warn');
    expect(byName(checks, 'names', 'containers')).toMatchObject({ status: 'warn', detail: expect.stringContaining('clab-pe-kind-leafA') });
    expect(byName(checks, 'names', 'containers')!.detail).not.toContain('unrelated');
    expect(byName(checks, 'charts', 'metallb')).toMatchObject({ status: 'fail', detail: expect.stringContaining('not found in https://metallb.github.io/metallb') });
    expect(byName(checks, 'tools', 'kind')).toMatchObject({ status: 'fail', detail: expect.stringContaining('spawn kind ENOENT') });
  });

  it('probes fixed host ports for real', async () => {
    const server: NetServer = createServer();
    await new Promise<void>((done) => server.listen({ port: 0, host: '127.0.0.1' }, done));
    cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
    const port = (server.address() as { port: number }).port;
    expect(await portFreeOnLoopback(port)).toBe(false);
    expect(hostPortsOf({ networking: { apiServerPort: port }, nodes: [{ extraPortMappings: [{ hostPort: 8080 }] }, {}] })).toEqual([port, 8080]);
    expect(hostPortsOf({ networking: {}, nodes: [{}] })).toEqual([]);
  });
});
