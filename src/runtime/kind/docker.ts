// What the kind runtime asks the Docker engine directly, through dockerode rather than by parsing
// the docker CLI: a container's logs, demultiplexed. The dry run prints the call instead.
import Docker from 'dockerode';
import { formatApiCall } from './dry-run.ts';
import { assertContainer } from './names.ts';

export interface DockerClient {
  /** stdout and stderr of a container so far, each line prefixed with its timestamp. */
  logs(container: string): Promise<{ stdout: string; stderr: string }>;
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

export function dockerodeClient(docker: Docker = new Docker()): DockerClient {
  return {
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

  async logs(container: string): Promise<{ stdout: string; stderr: string }> {
    this.note(formatApiCall(`docker logs of ${assertContainer(container)}`, [`GET /containers/${container}/logs?stdout=1&stderr=1&timestamps=1`]));
    return { stdout: '', stderr: '' };
  }
}
