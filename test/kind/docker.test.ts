// The runtime's Docker client: real dockerode against the engine stand-in on a unix socket
// (docker-engine.ts): logs and exec in the engine's multiplexed stream format (8-byte frame
// headers, stream 1 stdout / 2 stderr; Docker Engine API reference, "Attach to a container":
// "Stream format"), pulls answered with recorded progress streams, image archives. No Docker
// engine runs here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { demuxDockerStream, dockerodeClient, PrintingDocker, PullTally, type PullMessage, type TransferProgress } from '../../src/runtime/kind/docker.ts';
import { engineState, frame, startEngine, type EngineState } from './docker-engine.ts';
import { fixtureText } from './helpers.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engine(state: EngineState): Promise<Docker> {
  const { docker, stop } = await startEngine(state);
  cleanups.push(stop);
  return docker;
}

describe('docker logs through dockerode', () => {
  it('splits the multiplexed stream into stdout and stderr, in order', () => {
    const data = Buffer.concat([frame(1, '2026-11-30T10:00:00.1Z a\n'), frame(2, '2026-11-30T10:00:00.2Z oops\n'), frame(1, '2026-11-30T10:00:00.3Z b\n')]);
    expect(demuxDockerStream(data)).toEqual({ stdout: '2026-11-30T10:00:00.1Z a\n2026-11-30T10:00:00.3Z b\n', stderr: '2026-11-30T10:00:00.2Z oops\n' });
    expect(demuxDockerStream(Buffer.from('raw tty output\n'))).toEqual({ stdout: 'raw tty output\n', stderr: '' });
    expect(demuxDockerStream(Buffer.alloc(0))).toEqual({ stdout: '', stderr: '' });
  });

  it('asks the engine for stdout, stderr and timestamps of the named container', async () => {
    const state = engineState({ running: new Set(['clab-pe-kind-spine']) });
    const client = dockerodeClient(await engine(state));
    expect(await client.logs('clab-pe-kind-spine')).toEqual({ stdout: 'T1 watchfrr started\n', stderr: 'T2 bgpd warning\n' });
    const q = state.queries.get('GET /containers/clab-pe-kind-spine/logs')!;
    expect([q.get('stdout'), q.get('stderr'), q.get('timestamps')]).toEqual(['true', 'true', 'true']);
    await expect(client.logs('clab-pe-kind-gone')).rejects.toThrow(/No such container/);
    await expect(client.logs('--all')).rejects.toThrow(/container name/);
  });

  it('prints the call in a dry run', async () => {
    const notes: string[] = [];
    expect(await new PrintingDocker((t) => notes.push(t)).logs('clab-pe-kind-spine')).toEqual({ stdout: '', stderr: '' });
    expect(notes[0]).toContain('GET /containers/clab-pe-kind-spine/logs?stdout=1&stderr=1&timestamps=1');
  });
});

/**
 * The command "runs" as: echo its argv to stdout, the stdin it got to stderr, exit with argv.length.
 * clab-pe-kind-gone is not a container the engine has.
 */
async function execEngine(): Promise<{ docker: Docker; created: EngineState['created'] }> {
  const state = engineState({
    running: new Set(['clab-pe-kind-spine', 'clab-pe-kind-hostA_red']),
    exec: (_c, argv, stdin) => ({ exitCode: argv.length, stdout: `${argv.join(' ')}\n`, ...(stdin ? { stderr: stdin } : {}) }),
  });
  return { docker: await engine(state), created: state.created };
}

describe('docker exec through dockerode', () => {
  it('runs argv as given (no shell), returns demultiplexed output and the exit code from inspect', async () => {
    const { docker, created } = await execEngine();
    const r = await dockerodeClient(docker).exec('clab-pe-kind-spine', ['vtysh', '-c', 'show bgp summary json']);
    expect(r).toMatchObject({ exitCode: 3, stdout: 'vtysh -c show bgp summary json\n', stderr: '' });
    expect(created).toEqual([{ container: 'clab-pe-kind-spine', Cmd: ['vtysh', '-c', 'show bgp summary json'], AttachStdout: true, AttachStderr: true, AttachStdin: false }]);
  });

  it('feeds stdin over the hijacked connection and closes it', async () => {
    const { docker } = await execEngine();
    const r = await dockerodeClient(docker).exec('clab-pe-kind-hostA_red', ['cat'], { input: 'hello\n' });
    expect(r).toMatchObject({ exitCode: 1, stdout: 'cat\n', stderr: 'hello\n' });
  });

  it('reports a container the engine does not have as exit 1 with its message, like the CLI', async () => {
    const { docker } = await execEngine();
    const r = await dockerodeClient(docker).exec('clab-pe-kind-gone', ['true']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/No such container: clab-pe-kind-gone/);
  });

  it('prints the equivalent docker exec in a dry run', async () => {
    const notes: string[] = [];
    await new PrintingDocker((t) => notes.push(t)).exec('clab-pe-kind-hostA_red', ['cat'], { input: 'x', description: 'run on host hostA_red' });
    expect(notes).toEqual(['# run on host hostA_red\n  $ docker exec -i clab-pe-kind-hostA_red cat\n']);
  });
});

const messages = (file: string): PullMessage[] => fixtureText(file).trim().split('\n').map((l) => JSON.parse(l) as PullMessage);

describe('image pulls and archives through dockerode', () => {
  it('sums a pull\'s layer messages into bytes and layers done (recorded streams)', () => {
    const tally = new PullTally();
    const seen = messages('docker/pull-hello-world-progress.jsonl').map((m) => tally.add(m));
    expect(seen[0]).toEqual({ detail: '0/0 layers; latest: Pulling from library/hello-world' });
    expect(seen[2]).toEqual({ current: 719, total: 2457, detail: '0/1 layers; 719385e32844: Downloading' });
    expect(seen[5]).toEqual({ current: 2457, total: 2457, detail: '1/1 layers; 719385e32844: Download complete' });
    expect(seen.at(-1)).toEqual({ current: 2457, total: 2457, detail: '1/1 layers; Status: Downloaded newer image for hello-world:latest' });
  });

  it('pulls one platform of the image (the query dockerode sends) and reports the engine\'s progress', async () => {
    const state = engineState({ pullStream: () => 'docker/pull-hello-world-progress.jsonl' });
    const client = dockerodeClient(await engine(state));
    const progress: TransferProgress[] = [];
    await client.pull('quay.io/frrouting/frr:10.6.0', 'linux/amd64', { onProgress: (p) => progress.push(p) });
    const q = state.queries.get('POST /images/create')!;
    expect(Object.fromEntries(q)).toEqual({ fromImage: 'quay.io/frrouting/frr', tag: '10.6.0', platform: 'linux/amd64' });
    expect(progress).toHaveLength(messages('docker/pull-hello-world-progress.jsonl').length);
    expect(progress.at(-1)).toMatchObject({ current: 2457, total: 2457 });
    await client.pull('quay.io/openperouter/router@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'linux/arm64');
    expect(state.queries.get('POST /images/create')!.get('tag')).toBe('sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
  });

  it('fails a pull with the registry\'s words: before the stream (404) and in it (an error message)', async () => {
    const state = engineState({ missing: new Set(['quay.io/openperouter/router:no-such-tag']) });
    const client = dockerodeClient(await engine(state));
    await expect(client.pull('quay.io/openperouter/router:no-such-tag', 'linux/amd64')).rejects.toThrow(/manifest for quay.io\/openperouter\/router:no-such-tag not found/);
    // A stream that ends in moby's {"error": ...} message (jsonmessage): no space left while extracting.
    const broken = engineState({ pullStream: () => 'docker/pull-error.jsonl' });
    await expect(dockerodeClient(await engine(broken)).pull('quay.io/frrouting/frr:10.6.0', 'linux/amd64')).rejects.toThrow(/no space left on device/);
  });

  it('writes the archive of one platform of a pulled image, and refuses an image the engine lacks', async () => {
    const state = engineState({ local: new Set(['quay.io/frrouting/frr:10.6.0']) });
    const client = dockerodeClient(await engine(state));
    const dir = mkdtempSync(join(tmpdir(), 'pelab-dsave-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'images', 'fabric.image.tar');
    const progress: TransferProgress[] = [];
    await client.save('quay.io/frrouting/frr:10.6.0', 'linux/amd64', path, { onProgress: (p) => progress.push(p) });
    expect(readFileSync(path)).toEqual(state.archive('quay.io/frrouting/frr:10.6.0'));
    expect(JSON.parse(state.queries.get('GET /images/quay.io/frrouting/frr:10.6.0/get')!.get('platform')!)).toEqual({ os: 'linux', architecture: 'amd64' });
    const size = readFileSync(path).length;
    expect(progress.at(-1)).toMatchObject({ current: size, total: size });
    await expect(client.save('quay.io/metallb/speaker:v0.15.3', 'linux/amd64', join(dir, 'x.tar'))).rejects.toThrow(/No such image/);
  });

  it('answers the engine version, and fails when no engine answers', async () => {
    expect(await dockerodeClient(await engine(engineState())).version()).toBe('29.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'pelab-nodocker-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { default: Dockerode } = await import('dockerode');
    await expect(dockerodeClient(new Dockerode({ socketPath: join(dir, 'none.sock') })).version()).rejects.toThrow(/ENOENT/);
  });
});

// L2 clients (cluster.l2Clients): the kind network with its IPv4 subnet configured, and a
// container at a fixed address on it. The engine here is the stand-in (docker-engine.ts).
describe('networks and client containers through dockerode', () => {
  const spec = {
    name: 'kind',
    ipv4Subnet: '172.18.0.0/16',
    ipv4Gateway: '172.18.0.1',
    ipv6Subnet: 'fc00:f853:ccd:e793::/64',
    options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
  };

  it('creates the network with both subnets configured, and leaves an existing one alone', async () => {
    const state = engineState();
    const client = dockerodeClient(await engine(state));
    await client.ensureNetwork(spec);
    expect(state.networks.get('kind')).toMatchObject({
      Name: 'kind',
      Driver: 'bridge',
      EnableIPv6: true,
      IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }, { Subnet: 'fc00:f853:ccd:e793::/64' }] },
      Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
    });
    const existing = engineState({ networks: new Map([['kind', { Driver: 'bridge' }]]) });
    await dockerodeClient(await engine(existing)).ensureNetwork(spec);
    expect(existing.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
    expect(existing.networks.get('kind')).toEqual({ Driver: 'bridge' });
  });

  it('starts a container at its address on the network, replacing a stale one; removes it, absent or not', async () => {
    const state = engineState();
    const client = dockerodeClient(await engine(state));
    const run = { name: 'clab-l2-client', image: 'nicolaka/netshoot:v0.13', network: 'kind', ipv4Address: '172.18.0.5', argv: ['sleep', 'infinity'] };
    await client.run(run);
    await client.run(run);
    const c = state.containerBodies.get('clab-l2-client')!;
    expect(c.started).toBe(true);
    expect(c.body).toMatchObject({
      Image: 'nicolaka/netshoot:v0.13',
      Cmd: ['sleep', 'infinity'],
      HostConfig: { NetworkMode: 'kind' },
      NetworkingConfig: { EndpointsConfig: { kind: { IPAMConfig: { IPv4Address: '172.18.0.5' } } } },
    });
    expect(state.requests.filter((r) => r.startsWith('DELETE'))).toEqual(['DELETE /containers/clab-l2-client', 'DELETE /containers/clab-l2-client']);
    await client.remove('clab-l2-client');
    expect(state.containerBodies.has('clab-l2-client')).toBe(false);
    await client.remove('clab-l2-client');
    await expect(client.run({ ...run, name: 'bad name' })).rejects.toThrow();
  });
});
