// What the kind runtime asks the Docker engine directly, through dockerode rather than by running
// and parsing the docker CLI: commands in the fabric's containers (exec, output demultiplexed,
// exit code from the exec's inspect) and a container's logs. The dry run prints the calls instead.
import { PassThrough, type Duplex } from 'node:stream';
import Docker from 'dockerode';
import type { ExecResult } from '../runtime.ts';
import { formatApiCall, formatCommand } from './dry-run.ts';
import { assertContainer } from './names.ts';

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
}

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

    async logs(container) {
      const data = await docker.getContainer(assertContainer(container)).logs({ stdout: true, stderr: true, timestamps: true, follow: false });
      return demuxDockerStream(Buffer.isBuffer(data) ? data : Buffer.from(String(data)));
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
}
