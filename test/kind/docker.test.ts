// The runtime's Docker client: real dockerode against an engine stand-in on a unix socket that
// answers GET /containers/{name}/logs with the engine's multiplexed stream format (8-byte frame
// headers, stream 1 stdout / 2 stderr; Docker Engine API reference, "Attach to a container":
// "Stream format"). No Docker engine runs here.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { demuxDockerStream, dockerodeClient, PrintingDocker } from '../../src/runtime/kind/docker.ts';

const frame = (stream: 1 | 2, text: string): Buffer => {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('docker logs through dockerode', () => {
  it('splits the multiplexed stream into stdout and stderr, in order', () => {
    const data = Buffer.concat([frame(1, '2026-11-30T10:00:00.1Z a\n'), frame(2, '2026-11-30T10:00:00.2Z oops\n'), frame(1, '2026-11-30T10:00:00.3Z b\n')]);
    expect(demuxDockerStream(data)).toEqual({ stdout: '2026-11-30T10:00:00.1Z a\n2026-11-30T10:00:00.3Z b\n', stderr: '2026-11-30T10:00:00.2Z oops\n' });
    expect(demuxDockerStream(Buffer.from('raw tty output\n'))).toEqual({ stdout: 'raw tty output\n', stderr: '' });
    expect(demuxDockerStream(Buffer.alloc(0))).toEqual({ stdout: '', stderr: '' });
  });

  it('asks the engine for stdout, stderr and timestamps of the named container', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pelab-dlogs-'));
    const socketPath = join(dir, 'docker.sock');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (/\/containers\/clab-pe-kind-spine\/logs/.test(req.url ?? '')) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
        res.end(Buffer.concat([frame(1, 'T1 watchfrr started\n'), frame(2, 'T2 bgpd warning\n')]));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'No such container: x' }));
    });
    await new Promise<void>((done) => server.listen(socketPath, done));
    cleanups.push(() => new Promise<void>((done) => server.close(() => done())), () => rmSync(dir, { recursive: true, force: true }));
    const client = dockerodeClient(new Docker({ socketPath }));
    expect(await client.logs('clab-pe-kind-spine')).toEqual({ stdout: 'T1 watchfrr started\n', stderr: 'T2 bgpd warning\n' });
    const q = new URL(seen[0]!, 'http://d').searchParams;
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
