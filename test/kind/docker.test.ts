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
import type { Socket } from 'node:net';

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

/**
 * An engine stand-in for exec: POST /containers/{name}/exec creates an exec, POST /exec/{id}/start
 * answers with the multiplexed stream (with stdin attached: upgrades the connection, reads stdin to
 * its end first, as the engine's hijacked stream does), GET /exec/{id}/json reports ExitCode.
 * The command "runs" as: echo its argv to stdout, the stdin it got to stderr, exit with argv.length.
 */
async function execEngine(): Promise<{ docker: Docker; created: unknown[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'pelab-dexec-'));
  const socketPath = join(dir, 'docker.sock');
  const created: unknown[] = [];
  const execs = new Map<string, { Cmd: string[]; AttachStdin: boolean }>();
  const output = (id: string, stdin: string) => Buffer.concat([frame(1, `${execs.get(id)!.Cmd.join(' ')}\n`), ...(stdin ? [frame(2, stdin)] : [])]);
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const create = /\/containers\/([^/]+)\/exec$/.exec(path);
      if (create) {
        if (create[1] === 'clab-pe-kind-gone') {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify({ message: 'No such container: clab-pe-kind-gone' }));
        }
        const spec = JSON.parse(Buffer.concat(body).toString()) as { Cmd: string[]; AttachStdin: boolean };
        created.push({ container: create[1], ...spec });
        const id = `exec${execs.size}`;
        execs.set(id, spec);
        res.writeHead(201, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ Id: id }));
      }
      const start = /\/exec\/([^/]+)\/start$/.exec(path);
      if (start) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
        return res.end(output(start[1]!, ''));
      }
      const inspect = /\/exec\/([^/]+)\/json$/.exec(path);
      if (inspect) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ ID: inspect[1], Running: false, ExitCode: execs.get(inspect[1]!)!.Cmd.length }));
      }
      res.writeHead(404);
      res.end();
    });
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const id = /\/exec\/([^/]+)\/start/.exec(req.url ?? '')![1]!;
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    // The start options (Content-Length bytes of JSON) come first, then raw stdin until the client
    // half-closes the connection.
    const input: Buffer[] = [head];
    const optionsLength = Number(req.headers['content-length'] ?? 0);
    socket.on('data', (c: Buffer) => input.push(c));
    socket.on('end', () => socket.end(output(id, Buffer.concat(input).subarray(optionsLength).toString())));
  });
  await new Promise<void>((done) => server.listen(socketPath, done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())), () => rmSync(dir, { recursive: true, force: true }));
  return { docker: new Docker({ socketPath }), created };
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
