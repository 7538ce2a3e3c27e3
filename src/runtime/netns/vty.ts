// Asking FRR daemons `show` commands over their vty unix socket
// (/var/run/frr/<pathspace>/<daemon>.vty) instead of starting a vtysh process per question: a
// query costs 1-3 ms of the daemon's time, a vtysh process about 60 ms of CPU (measured, bench/).
//
// The protocol is vtysh's own (FRR lib/vty.c, vtysh/vtysh.c vtysh_client_run): the client writes
// the command terminated by NUL; the daemon answers with the output, three NUL bytes and the
// command's return code as one byte. Like vtysh, the client sends `enable` first on each
// connection, which then stays in enable mode, so one connection per daemon serves every query
// of a pelab process.
import net from 'node:net';
import { join } from 'node:path';
import { FRR_RUN_ROOT } from './names.ts';

/** lib/command.h return codes a query can answer with. */
const CMD_SUCCESS = 0;
/** E.g. a `json` query about a VRF that does not exist: vtysh prints the answer and exits 0. */
const CMD_WARNING = 1;

export type VtyDaemon = 'bgpd' | 'zebra' | 'bfdd';

interface VtyAnswer {
  readonly text: string;
  readonly code: number;
}

const TERMINATOR = Buffer.from([0, 0, 0]);

/** Splits a vtysh-protocol stream at the first complete answer; undefined while incomplete. */
export function takeAnswer(buf: Buffer): { answer: VtyAnswer; rest: Buffer } | undefined {
  const at = buf.indexOf(TERMINATOR);
  if (at < 0 || buf.length < at + 4) return undefined;
  return { answer: { text: buf.subarray(0, at).toString('utf8'), code: buf[at + 3]! }, rest: buf.subarray(at + 4) };
}

/** vtysh exits 0 for these (vtysh/vtysh_main.c); anything else is a failed command. */
export function isSuccessCode(code: number): boolean {
  return code === CMD_SUCCESS || code === CMD_WARNING;
}

const BGPD = /^show (bgp|ip bgp|ipv6 bgp)( |$)/;
const ZEBRA = /^show (ip route|ipv6 route|evpn|interface|vrf)( |$)/;
const BFDD = /^show bfd( |$)/;

/**
 * The one daemon that answers `command` the way `vtysh -c command` would, or undefined when vtysh
 * must ask several daemons and merge (`show running-config`), or when it is not a `show` command.
 * vtysh routes each command by the daemons that define it: `show bgp ...` only exists in bgpd,
 * `show ip route`, `show evpn`, `show interface` and `show vrf` (for netns VRFs) only in zebra,
 * `show bfd ...` only in bfdd.
 */
export function daemonFor(command: string): VtyDaemon | undefined {
  const c = command.trim().replace(/\s+/g, ' ');
  if (BGPD.test(c)) return 'bgpd';
  if (ZEBRA.test(c)) return 'zebra';
  if (BFDD.test(c)) return 'bfdd';
  return undefined;
}

export function vtySocketPath(pathspace: string, daemon: VtyDaemon): string {
  return join(FRR_RUN_ROOT, pathspace, `${daemon}.vty`);
}

interface Pending {
  readonly cmd: string;
  readonly resolve: (a: VtyAnswer) => void;
  readonly reject: (e: Error) => void;
}

/** One connection to one daemon; commands are answered in order, one at a time. */
export class VtyClient {
  readonly path: string;
  private socket: net.Socket | undefined;
  private connecting: Promise<net.Socket> | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** The connection that has been put in enable mode. */
  private enabledOn: net.Socket | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Runs one command; commands on one client are serialised (the daemon answers in order anyway). */
  command(cmd: string, timeoutMs = 10_000): Promise<VtyAnswer> {
    if (cmd.includes('\0')) return Promise.reject(new Error(`vty ${this.path}: a command cannot contain NUL`));
    const next = this.chain.then(() => this.sendWithReconnect(cmd, timeoutMs));
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  /**
   * A restarted daemon leaves our connection dead, and we may only notice on the next write. A
   * `show` command has no effect, so one fresh connection and a second try is safe.
   */
  private async sendWithReconnect(cmd: string, timeoutMs: number): Promise<VtyAnswer> {
    const deadline = performance.now() + timeoutMs;
    try {
      return await this.send(cmd, timeoutMs);
    } catch (e) {
      if (!(e instanceof ConnectionLost)) throw e;
      return this.send(cmd, Math.max(1, Math.round(deadline - performance.now())));
    }
  }

  private connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(this.path);
      // An idle connection must not keep a finished pelab process alive; a query in flight
      // holds its own (ref'ed) timeout timer.
      s.unref();
      s.once('connect', () => {
        this.socket = s;
        this.buf = Buffer.alloc(0);
        this.connecting = undefined;
        resolve(s);
      });
      s.on('error', (e) => {
        if (this.connecting && this.socket !== s) {
          this.connecting = undefined;
          reject(new Error(`vty ${this.path}: ${e.message}`));
        }
        this.drop(s, new ConnectionLost(`vty ${this.path}: ${e.message}`));
      });
      s.on('close', () => this.drop(s, new ConnectionLost(`vty ${this.path} closed`)));
      s.on('data', (d: Buffer) => this.onData(d));
    });
    return this.connecting;
  }

  private drop(s: net.Socket, why: Error): void {
    s.destroy();
    if (this.socket !== s) return;
    this.socket = undefined;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(why);
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const got = takeAnswer(this.buf);
    if (!got) return;
    this.buf = got.rest;
    const p = this.pending;
    this.pending = undefined;
    p?.resolve(got.answer);
  }

  private async send(cmd: string, timeoutMs: number): Promise<VtyAnswer> {
    const s = await this.connect();
    // vtysh enters enable mode on every daemon it connects to (vtysh_main.c) and so does this
    // client: bfdd installs its `show bfd` commands in ENABLE_NODE only ("Unknown command" before).
    if (this.enabledOn !== s) {
      const a = await this.exchange(s, 'enable', timeoutMs);
      if (!isSuccessCode(a.code)) throw new Error(`vty ${this.path}: "enable" answered code ${a.code}: ${a.text.trim()}`);
      this.enabledOn = s;
    }
    return this.exchange(s, cmd, timeoutMs);
  }

  private exchange(s: net.Socket, cmd: string, timeoutMs: number): Promise<VtyAnswer> {
    return new Promise<VtyAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        // The late answer would be taken for the next command's: start over on a new connection.
        this.close();
        reject(new Error(`vty ${this.path}: no answer to "${cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        cmd,
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
}

class ConnectionLost extends Error {}

/**
 * The connections of one pelab process to one lab's daemons, by pathspace and daemon. `show`
 * commands that a single daemon answers go over its socket; the caller falls back to vtysh for
 * the rest (see daemonFor).
 */
export class VtyPool {
  private readonly clients = new Map<string, VtyClient>();

  client(pathspace: string, daemon: VtyDaemon): VtyClient {
    const path = vtySocketPath(pathspace, daemon);
    let c = this.clients.get(path);
    if (!c) {
      c = new VtyClient(path);
      this.clients.set(path, c);
    }
    return c;
  }

  /** Closes and forgets the connections to one router (its daemons are being stopped). */
  forget(pathspace: string): void {
    for (const d of ['bgpd', 'zebra', 'bfdd'] as const) {
      const path = vtySocketPath(pathspace, d);
      this.clients.get(path)?.close();
      this.clients.delete(path);
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
