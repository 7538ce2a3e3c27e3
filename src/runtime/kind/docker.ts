// What the kind runtime asks the Docker engine directly, through dockerode rather than by running
// and parsing the docker CLI: the engine's version, commands in containers (exec, output
// demultiplexed, exit code from the exec's inspect), a container's logs, and the plan's image
// pulls (with the engine's progress stream) and image archives. The dry run prints the calls.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough, Transform, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import type { ExecResult } from '../runtime.ts';
import { ociPlatform, type DockerCall } from './docker-call.ts';
import { formatApiCall, formatCommand, formatDockerCall } from './dry-run.ts';
import { assertContainer } from './names.ts';

/** How far a pull or save is: bytes when the engine says, and a line saying what it does now. */
export interface TransferProgress {
  readonly current?: number;
  readonly total?: number;
  readonly detail: string;
}

interface TransferOptions {
  readonly onProgress?: (p: TransferProgress) => void;
  /** Aborts the request (its connection is closed; the engine stops the pull or save). */
  readonly signal?: AbortSignal;
}

export interface DockerExecOptions {
  /** Fed to the command's stdin, which is then closed. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** What the dry run says the command is for. */
  readonly description?: string;
}

export interface DockerClient {
  /** Runs argv in a running container, like `docker exec`; a failed command is a result, not an error. */
  exec(container: string, argv: readonly string[], options?: DockerExecOptions): Promise<ExecResult>;
  /** stdout and stderr of a container so far, each line prefixed with its timestamp. */
  logs(container: string): Promise<{ stdout: string; stderr: string }>;
  /** The engine's version (GET /version); throws when no engine answers. */
  version(): Promise<string>;
  /** Pulls one platform of an image; throws with the engine's or registry's words when it cannot. */
  pull(ref: string, platform: string, options?: TransferOptions): Promise<void>;
  /** Writes one platform of a local image as a tar archive at `path`. */
  save(ref: string, platform: string, path: string, options?: TransferOptions): Promise<void>;
  /** Creates the network unless one of its name exists. */
  ensureNetwork(spec: NetworkSpec): Promise<void>;
  /** Creates and starts a container at a fixed address, replacing a stale one of the same name. */
  run(spec: RunSpec): Promise<void>;
  /** Removes a container, running or not; absent is fine. */
  remove(container: string): Promise<void>;
}

export type NetworkSpec = Omit<Extract<DockerCall, { op: 'network' }>, 'op'>;
export type RunSpec = Omit<Extract<DockerCall, { op: 'run' }>, 'op'>;

/** dockerode's errors carry the engine's HTTP status. */
const isNotFound = (e: unknown): boolean => (e as { statusCode?: number } | null)?.statusCode === 404;

/** One message of the engine's pull stream (moby's jsonmessage). */
export interface PullMessage {
  readonly status?: string;
  readonly id?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
  readonly error?: string;
}

/**
 * Sums a pull's per-layer messages into one progress: bytes downloaded of the layers whose size
 * is known so far, and how many layers are done. Pure; fed one message at a time.
 */
export class PullTally {
  private readonly layers = new Map<string, { current: number; total?: number; done: boolean }>();

  add(m: PullMessage): TransferProgress {
    const id = m.id;
    // Layer ids are 12 hex digits; other ids (the tag in "Pulling from ...") are no layer.
    if (id !== undefined && /^[0-9a-f]{12}$/.test(id)) {
      const layer = this.layers.get(id) ?? { current: 0, done: false };
      const d = m.progressDetail ?? {};
      if (m.status === 'Downloading' && typeof d.current === 'number') {
        layer.current = d.current;
        if (typeof d.total === 'number' && d.total > 0) layer.total = d.total;
      }
      if (m.status === 'Download complete' || m.status === 'Pull complete' || m.status === 'Already exists') {
        layer.done = true;
        if (layer.total !== undefined) layer.current = layer.total;
      }
      this.layers.set(id, layer);
    }
    const all = [...this.layers.values()];
    const sized = all.filter((l) => l.total !== undefined);
    const done = all.filter((l) => l.done).length;
    const what = `${done}/${all.length} layers${m.status ? `; ${m.id && !m.status.startsWith(m.id) ? `${m.id}: ` : ''}${m.status}` : ''}`;
    return sized.length === 0
      ? { detail: what }
      : { current: sized.reduce((n, l) => n + l.current, 0), total: sized.reduce((n, l) => n + (l.total ?? 0), 0), detail: what };
  }
}

/** How often a save reports the bytes written (a 100 MB image: about six reports). */
const SAVE_REPORT_BYTES = 16 * 1024 * 1024;

/** The `docker exec` command line equivalent to an exec call, for what the dry run prints. */
export function dockerExecArgv(container: string, argv: readonly string[], stdin: boolean): string[] {
  return ['docker', 'exec', ...(stdin ? ['-i'] : []), assertContainer(container), ...argv];
}

/**
 * Splits the engine's multiplexed stream (non-TTY containers): frames of an 8-byte header
 * (stream 1 = stdout, 2 = stderr; big-endian payload length at bytes 4-7) and the payload.
 * A TTY container's logs are raw: returned as stdout.
 */
export function demuxDockerStream(data: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  const framed = data.length >= 8 && (data[0] === 1 || data[0] === 2) && data[1] === 0 && data[2] === 0 && data[3] === 0;
  if (!framed) return { stdout: data.toString('utf8'), stderr: '' };
  while (at + 8 <= data.length) {
    const stream = data[at]!;
    const size = data.readUInt32BE(at + 4);
    const payload = data.subarray(at + 8, at + 8 + size);
    (stream === 2 ? err : out).push(payload);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Collects a multiplexed exec stream until it ends (or the deadline passes: then it is destroyed). */
async function collect(docker: Docker, stream: Duplex | NodeJS.ReadableStream, timeoutMs: number): Promise<{ stdout: string; stderr: string; timedOut: boolean }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  docker.modem.demuxStream(stream, out, err);
  const timedOut = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => {
      (stream as Duplex).destroy?.();
      done(true);
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      done(false);
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  return { stdout: Buffer.concat(chunks.out).toString('utf8'), stderr: Buffer.concat(chunks.err).toString('utf8'), timedOut };
}

export function dockerodeClient(docker: Docker = new Docker()): DockerClient {
  return {
    async exec(container, argv, options = {}) {
      if (argv.length === 0) throw new Error('exec: empty command');
      const started = performance.now();
      const stdin = options.input !== undefined;
      const timeoutMs = options.timeoutMs ?? 30_000;
      let exec: Docker.Exec;
      try {
        exec = await docker.getContainer(assertContainer(container)).exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: stdin });
      } catch (e) {
        // The CLI's status for a daemon-side failure (no such container, not running).
        return { exitCode: 1, stdout: '', stderr: `${e instanceof Error ? e.message : String(e)}\n`, ms: Math.round(performance.now() - started) };
      }
      const stream = (await exec.start(stdin ? { hijack: true, stdin: true } : {})) as Duplex;
      if (stdin) stream.end(options.input);
      const { stdout, stderr, timedOut } = await collect(docker, stream, timeoutMs);
      const ms = Math.round(performance.now() - started);
      if (timedOut) return { exitCode: 124, stdout, stderr: `${stderr}\n(timed out after ${timeoutMs} ms)`, ms };
      const info = await exec.inspect();
      return { exitCode: info.ExitCode ?? 1, stdout, stderr, ms };
    },

    async ensureNetwork(spec) {
      try {
        await docker.getNetwork(spec.name).inspect();
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      await docker.createNetwork({
        Name: spec.name,
        Driver: 'bridge',
        EnableIPv6: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: spec.ipv4Subnet, Gateway: spec.ipv4Gateway }, { Subnet: spec.ipv6Subnet }] },
        Options: { ...spec.options },
      });
    },

    async run(spec) {
      const name = assertContainer(spec.name);
      await this.remove(name);
      const container = await docker.createContainer({
        name,
        Image: spec.image,
        Cmd: [...spec.argv],
        HostConfig: { NetworkMode: spec.network },
        NetworkingConfig: { EndpointsConfig: { [spec.network]: { IPAMConfig: { IPv4Address: spec.ipv4Address } } } },
      });
      await container.start();
    },

    async remove(container) {
      try {
        await docker.getContainer(assertContainer(container)).remove({ force: true });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },

    async logs(container) {
      const data = await docker.getContainer(assertContainer(container)).logs({ stdout: true, stderr: true, timestamps: true, follow: false });
      return demuxDockerStream(Buffer.isBuffer(data) ? data : Buffer.from(String(data)));
    },

    async version() {
      const v = await docker.version();
      return v.Version ?? '';
    },

    async pull(ref, platform, { onProgress, signal } = {}) {
      const stream = (await docker.pull(ref, { platform, ...(signal ? { abortSignal: signal } : {}) })) as NodeJS.ReadableStream;
      const tally = new PullTally();
      // A pull that fails midway still ends its stream normally: the failure is a message with
      // `error` (moby's jsonmessage), which followProgress passes on like any other.
      let failed: string | undefined;
      await new Promise<void>((done, fail) => {
        docker.modem.followProgress(
          stream,
          (err: Error | null) => (err ? fail(err) : failed !== undefined ? fail(new Error(failed)) : done()),
          (m: PullMessage) => {
            if (m.error !== undefined) failed ??= m.error;
            else onProgress?.(tally.add(m));
          },
        );
      });
    },

    async save(ref, platform, path, { onProgress, signal } = {}) {
      // dockerode's image.get() takes no query: the same request with the platform (Engine API >= 1.48).
      const stream = await new Promise<NodeJS.ReadableStream>((done, fail) => {
        docker.modem.dial(
          {
            path: `/images/${ref}/get?`,
            method: 'GET',
            options: { platform: ociPlatform(platform) },
            isStream: true,
            ...(signal ? { abortSignal: signal } : {}),
            statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
          },
          (err: unknown, data: unknown) => (err ? fail(err) : done(data as NodeJS.ReadableStream)),
        );
      });
      await mkdir(dirname(path), { recursive: true });
      let written = 0;
      let reported = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, next) {
          written += chunk.length;
          if (written - reported >= SAVE_REPORT_BYTES) {
            reported = written;
            onProgress?.({ current: written, detail: `${written} bytes written` });
          }
          next(null, chunk);
        },
      });
      await pipeline(stream, count, createWriteStream(path), ...(signal ? [{ signal }] : []));
      onProgress?.({ current: written, total: written, detail: `${written} bytes written to ${path}` });
    },
  };
}

export class PrintingDocker implements DockerClient {
  private readonly note: (text: string) => void;

  constructor(note: (text: string) => void) {
    this.note = note;
  }

  async exec(container: string, argv: readonly string[], options: DockerExecOptions = {}): Promise<ExecResult> {
    this.note(formatCommand(options.description ?? `run in ${container}`, dockerExecArgv(container, argv, options.input !== undefined)));
    return { exitCode: 0, stdout: '', stderr: '', ms: 0 };
  }

  async logs(container: string): Promise<{ stdout: string; stderr: string }> {
    this.note(formatApiCall(`docker logs of ${assertContainer(container)}`, [`GET /containers/${container}/logs?stdout=1&stderr=1&timestamps=1`]));
    return { stdout: '', stderr: '' };
  }

  async version(): Promise<string> {
    this.note(formatDockerCall('ask the Docker engine its version', { op: 'version' }));
    return '';
  }

  async pull(ref: string, platform: string): Promise<void> {
    this.note(formatDockerCall(`pull ${ref}`, { op: 'pull', ref, platform }));
  }

  async save(ref: string, platform: string, path: string): Promise<void> {
    this.note(formatDockerCall(`save ${ref}`, { op: 'save', ref, platform, path }));
  }

  async ensureNetwork(spec: NetworkSpec): Promise<void> {
    this.note(formatDockerCall(`network ${spec.name} with a configured IPv4 subnet`, { op: 'network', ...spec }));
  }

  async run(spec: RunSpec): Promise<void> {
    this.note(formatDockerCall(`container ${spec.name}`, { op: 'run', ...spec }));
  }

  async remove(container: string): Promise<void> {
    this.note(formatDockerCall(`remove container ${container}`, { op: 'remove', container }));
  }
}

/**
 * Runs one plan step's Docker call within its timeout (and the caller's signal); a command that
 * exits non-zero is an error here.
 */
export async function runDockerCall(
  docker: DockerClient,
  call: DockerCall,
  options: { timeoutMs?: number; signal?: AbortSignal; onProgress?: (p: TransferProgress) => void } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    await dockerCall(docker, call, timeoutMs, { signal, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  } catch (e) {
    if (timeout.aborted && !options.signal?.aborted) throw new Error(`timed out after ${timeoutMs} ms`, { cause: e });
    throw e;
  }
}

async function dockerCall(docker: DockerClient, call: DockerCall, timeoutMs: number, transfer: TransferOptions): Promise<void> {
  switch (call.op) {
    case 'version':
      await docker.version();
      return;
    case 'exec': {
      const r = await docker.exec(call.container, call.argv, { timeoutMs });
      if (r.exitCode !== 0) throw new Error(`exited with ${r.exitCode}\n${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-20).join('\n')}`);
      return;
    }
    case 'pull':
      return docker.pull(call.ref, call.platform, transfer);
    case 'save':
      return docker.save(call.ref, call.platform, call.path, transfer);
    case 'network': {
      const { op: _op, ...spec } = call;
      return docker.ensureNetwork(spec);
    }
    case 'run': {
      const { op: _op, ...spec } = call;
      return docker.run(spec);
    }
    case 'remove':
      return docker.remove(call.container);
  }
}
