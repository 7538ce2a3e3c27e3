// A minimal client for an FRR daemon's vtysh socket (/var/run/frr/<pathspace>/<daemon>.vty), so
// the benchmark can poll `show` commands without starting a vtysh process each time. The protocol
// (FRR lib/vty.c, vtysh_read): the client writes a command terminated by NUL; the daemon answers
// with the output followed by three NUL bytes and the command's return code.
import net from 'node:net';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FRR_RUN_ROOT } from '../src/runtime/netns/names.ts';

export const CMD_SUCCESS = 0;

export interface VtyAnswer {
  readonly text: string;
  readonly code: number;
}

/** Splits a vtysh-protocol stream at the first terminator; undefined while incomplete. */
export function takeAnswer(buf: Buffer): { answer: VtyAnswer; rest: Buffer } | undefined {
  const at = buf.indexOf(Buffer.from([0, 0, 0]));
  if (at < 0 || buf.length < at + 4) return undefined;
  return { answer: { text: buf.subarray(0, at).toString('utf8'), code: buf[at + 3]! }, rest: buf.subarray(at + 4) };
}

export class VtyClient {
  readonly path: string;
  private socket: net.Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: { resolve: (a: VtyAnswer) => void; reject: (e: Error) => void } | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  static forDaemon(pathspace: string, daemon: 'bgpd' | 'zebra'): VtyClient {
    return new VtyClient(join(FRR_RUN_ROOT, pathspace, `${daemon}.vty`));
  }

  /** Runs one command; commands on one client are serialised. */
  command(cmd: string, timeoutMs = 5000): Promise<VtyAnswer> {
    const next = this.chain.then(() => this.send(cmd, timeoutMs));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const s = net.connect(this.path);
      s.once('connect', () => {
        this.socket = s;
        this.buf = Buffer.alloc(0);
        resolve(s);
      });
      s.on('error', (e) => {
        s.destroy();
        if (this.socket === s) this.socket = undefined;
        this.waiter?.reject(e);
        this.waiter = undefined;
        reject(e);
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
        this.waiter?.reject(new Error(`vty ${this.path} closed`));
        this.waiter = undefined;
      });
      s.on('data', (d: Buffer) => {
        this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
        const got = takeAnswer(this.buf);
        if (!got) return;
        this.buf = got.rest;
        const w = this.waiter;
        this.waiter = undefined;
        w?.resolve(got.answer);
      });
    });
  }

  private async send(cmd: string, timeoutMs: number): Promise<VtyAnswer> {
    const s = await this.connect();
    return new Promise<VtyAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        s.destroy();
        reject(new Error(`vty ${this.path}: no answer to "${cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      s.write(`${cmd}\0`);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

/** How the benchmark asks a router something: over the vty socket, or with a vtysh process. */
export type QueryMode = 'socket' | 'vtysh';

export interface Querier {
  query(pathspace: string, cmd: string): Promise<string>;
  close(): void;
}

export function createQuerier(mode: QueryMode): Querier {
  if (mode === 'vtysh') {
    return {
      query: (pathspace, cmd) =>
        new Promise((resolve, reject) => {
          const child = spawn('vtysh', ['-N', pathspace, '-c', cmd], { stdio: ['ignore', 'pipe', 'ignore'] });
          const out: Buffer[] = [];
          child.stdout.on('data', (d: Buffer) => out.push(d));
          child.once('error', reject);
          child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`vtysh -N ${pathspace} exited ${code}`))));
        }),
      close: () => undefined,
    };
  }
  const clients = new Map<string, VtyClient>();
  return {
    async query(pathspace, cmd) {
      let c = clients.get(pathspace);
      if (!c) {
        c = VtyClient.forDaemon(pathspace, 'bgpd');
        clients.set(pathspace, c);
      }
      const a = await c.command(cmd);
      if (a.code !== CMD_SUCCESS) throw new Error(`${pathspace}: "${cmd}" returned ${a.code}: ${a.text.trim().slice(0, 200)}`);
      return a.text;
    },
    close() {
      for (const c of clients.values()) c.close();
      clients.clear();
    },
  };
}
