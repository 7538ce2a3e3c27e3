// The Docker engine stand-in every kind test that talks to Docker uses: an HTTP server on a unix
// socket answering the Engine API paths pelab calls, with recorded responses where public ones
// exist (test/fixtures/kind/docker/, see the README there) and the engine's documented formats
// otherwise. Real dockerode talks to it; no Docker engine runs here.
//   GET  /version, /info, /containers/json, /distribution/{ref}/json   (pelab doctor)
//   POST /containers/{name}/exec, /exec/{id}/start (plain and hijacked for stdin), GET /exec/{id}/json
//   GET  /containers/{name}/logs
//   POST /images/create (the pull's progress stream), GET /images/{name}/get (the archive)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { fixture, fixtureText } from './helpers.ts';

/** One frame of the engine's multiplexed stream: 8-byte header (stream, 0, 0, 0, big-endian size), payload. */
export function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface ExecOutcome {
  readonly exitCode: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

export interface EngineState {
  /** GET /info fixture. */
  info: string;
  /** Image references no registry has (distribution and pull answer 404). */
  missing: Set<string>;
  /** Names /containers/json lists. */
  containers: string[];
  /** Containers exec can run in; any other is "No such container". Empty: every name exists. */
  running: Set<string>;
  /** How a command in a container ends (default: exit 0, no output). */
  exec: (container: string, argv: readonly string[], stdin: string) => ExecOutcome;
  /** The pull stream answered for an image (a file of test/fixtures/kind/docker). */
  pullStream: (ref: string) => string;
  /** Pulls that stall: the stream's first message is sent, then nothing until the client gives up. */
  stalls: Set<string>;
  /** Set when a stalled pull's connection was closed by the client. */
  stalledClosed: string[];
  /** The archive bytes GET /images/{name}/get answers with. */
  archive: (ref: string) => Buffer;
  /** Images the engine has locally (pulled here, or listed); save of another one is 404. */
  local: Set<string>;
  /** Every request as `METHOD path` (API version prefix removed). */
  requests: string[];
  /** Query strings of the requests, by `METHOD path`. */
  queries: Map<string, URLSearchParams>;
  /** Exec creations: the container and the body sent. */
  created: { container: string; Cmd: string[]; AttachStdout: boolean; AttachStderr: boolean; AttachStdin: boolean }[];
  /** Networks by name: the body of POST /networks/create (or a stand-in for one that existed). */
  networks: Map<string, Record<string, unknown>>;
  /** Containers by name: the body of POST /containers/create, and whether it was started. */
  containerBodies: Map<string, { body: Record<string, unknown>; started: boolean }>;
}

export function engineState(overrides: Partial<EngineState> = {}): EngineState {
  return {
    info: 'docker/info-containerd.json',
    missing: new Set(),
    containers: [],
    running: new Set(),
    exec: () => ({ exitCode: 0 }),
    pullStream: () => 'docker/pull-hello-world.jsonl',
    stalls: new Set(),
    stalledClosed: [],
    // Not a real image: kind reads the archive, pelab only streams it to a file.
    archive: (ref) => Buffer.from(`synthetic archive of ${ref}\n`.repeat(64)),
    local: new Set(),
    requests: [],
    queries: new Map(),
    created: [],
    networks: new Map(),
    containerBodies: new Map(),
    ...overrides,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The image reference of /images/create's query, as dockerode splits it (fromImage + tag). */
function pulledRef(q: URLSearchParams): string {
  const image = q.get('fromImage') ?? '';
  const tag = q.get('tag') ?? 'latest';
  return tag.startsWith('sha256:') ? `${image}@${tag}` : `${image}:${tag}`;
}

/** Starts the engine; returns a dockerode client on its socket and a function that stops it. */
export async function startEngine(state: EngineState): Promise<{ docker: Docker; socketPath: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pelab-docker-'));
  const socketPath = join(dir, 'docker.sock');
  const execs = new Map<string, { container: string; Cmd: string[] }>();
  const outcomes = new Map<string, ExecOutcome>();
  const runExec = (id: string, stdin: string): Buffer => {
    const e = execs.get(id)!;
    const outcome = state.exec(e.container, e.Cmd, stdin);
    outcomes.set(id, outcome);
    return Buffer.concat([...(outcome.stdout ? [frame(1, outcome.stdout)] : []), ...(outcome.stderr ? [frame(2, outcome.stderr)] : [])]);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    const key = `${req.method} ${path}`;
    state.requests.push(key);
    state.queries.set(key, url.searchParams);
    if (path === '/version') return send(res, 200, fixture('docker/version.json'));
    if (path === '/info') return send(res, 200, fixture(state.info));
    if (path === '/containers/json') return send(res, 200, state.containers.map((n, i) => ({ Id: `${i}`, Names: [`/${n}`] })));
    // Networks and containers: the engine's documented answers (Engine API: NetworkInspect,
    // NetworkCreate, ContainerCreate, ContainerStart, ContainerDelete), 404 with its message.
    const network = /^\/networks\/([^/]+)$/.exec(path);
    if (network && req.method === 'GET') {
      const name = decodeURIComponent(network[1]!);
      if (!state.networks.has(name)) return send(res, 404, { message: `network ${name} not found` });
      return send(res, 200, { Name: name, ...state.networks.get(name) });
    }
    if (path === '/networks/create' && req.method === 'POST') {
      const spec = JSON.parse(body.toString()) as Record<string, unknown>;
      state.networks.set(String(spec['Name']), spec);
      return send(res, 201, { Id: `net-${String(spec['Name'])}`, Warning: '' });
    }
    if (path === '/containers/create' && req.method === 'POST') {
      const name = url.searchParams.get('name') ?? '';
      if (state.containerBodies.has(name)) return send(res, 409, { message: `Conflict. The container name "/${name}" is already in use` });
      state.containerBodies.set(name, { body: JSON.parse(body.toString()) as Record<string, unknown>, started: false });
      return send(res, 201, { Id: name, Warnings: [] });
    }
    const lifecycle = /^\/containers\/([^/]+)(\/start)?$/.exec(path);
    if (lifecycle && (req.method === 'DELETE' || (req.method === 'POST' && lifecycle[2]))) {
      const name = decodeURIComponent(lifecycle[1]!);
      const c = state.containerBodies.get(name);
      if (!c) return send(res, 404, { message: `No such container: ${name}` });
      if (req.method === 'DELETE') state.containerBodies.delete(name);
      else c.started = true;
      res.writeHead(204);
      return res.end();
    }
    const dist = /^\/distribution\/(.+)\/json$/.exec(path);
    if (dist && req.method === 'GET') {
      const ref = decodeURIComponent(dist[1]!);
      // moby's answer for a manifest its registry does not have.
      if (state.missing.has(ref)) return send(res, 404, { message: 'manifest unknown: manifest unknown' });
      return send(res, 200, fixture('docker/distribution.json'));
    }
    const create = /^\/containers\/([^/]+)\/exec$/.exec(path);
    if (create && req.method === 'POST') {
      const container = decodeURIComponent(create[1]!);
      if (state.running.size > 0 && !state.running.has(container)) return send(res, 404, { message: `No such container: ${container}` });
      const spec = JSON.parse(body.toString()) as EngineState['created'][number];
      state.created.push({ ...spec, container });
      const id = `exec${execs.size}`;
      execs.set(id, { container, Cmd: spec.Cmd });
      return send(res, 201, { Id: id });
    }
    const start = /^\/exec\/([^/]+)\/start$/.exec(path);
    if (start) {
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
      return res.end(runExec(start[1]!, ''));
    }
    const inspect = /^\/exec\/([^/]+)\/json$/.exec(path);
    if (inspect) {
      const id = inspect[1]!;
      const recorded = fixture('docker/exec-inspect.json') as Record<string, unknown>;
      return send(res, 200, { ...recorded, ID: id, Running: false, ExitCode: outcomes.get(id)?.exitCode ?? 0 });
    }
    const logs = /^\/containers\/([^/]+)\/logs$/.exec(path);
    if (logs) {
      const container = decodeURIComponent(logs[1]!);
      if (state.running.size > 0 && !state.running.has(container)) return send(res, 404, { message: `No such container: ${container}` });
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
      return res.end(Buffer.concat([frame(1, 'T1 watchfrr started\n'), frame(2, 'T2 bgpd warning\n')]));
    }
    if (path === '/images/create' && req.method === 'POST') {
      const ref = pulledRef(url.searchParams);
      // Before streaming, the engine answers a manifest the registry lacks with 404 and moby's message.
      if (state.missing.has(ref)) return send(res, 404, { message: `manifest for ${ref} not found: manifest unknown: manifest unknown` });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (state.stalls.has(ref)) {
        res.write(`${fixtureText(state.pullStream(ref)).split('\n')[0]}\n`);
        res.on('close', () => state.stalledClosed.push(ref));
        return;
      }
      state.local.add(ref);
      return res.end(fixtureText(state.pullStream(ref)));
    }
    const get = /^\/images\/(.+)\/get$/.exec(path);
    if (get && req.method === 'GET') {
      const ref = decodeURIComponent(get[1]!);
      if (!state.local.has(ref)) return send(res, 404, { message: `No such image: ${ref}` });
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      return res.end(state.archive(ref));
    }
    send(res, 404, { message: `page not found: ${path}` });
  };

  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(body)));
  });
  // exec with stdin: the engine upgrades the connection, reads stdin until the client half-closes,
  // then writes the multiplexed output.
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const id = /\/exec\/([^/]+)\/start/.exec(req.url ?? '')![1]!;
    state.requests.push(`POST /exec/${id}/start (hijacked)`);
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    const input: Buffer[] = [head];
    const optionsLength = Number(req.headers['content-length'] ?? 0);
    socket.on('data', (c: Buffer) => input.push(c));
    socket.on('end', () => socket.end(runExec(id, Buffer.concat(input).subarray(optionsLength).toString())));
  });
  await new Promise<void>((done) => server.listen(socketPath, done));
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  };
  return { docker: new Docker({ socketPath }), socketPath, stop };
}
