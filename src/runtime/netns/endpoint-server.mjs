// @ts-check
// The lab's one HTTP server process: it answers for every emulated host, node and non-nginx pod.
// A listening socket must be created inside the namespace it serves, and a process cannot move
// between network namespaces; so for each namespace a short-lived helper
// (`nsenter --net=<ns> node endpoint-server.mjs listen <ports...>`) creates the sockets, passes
// them to this process over the IPC channel and exits. One Node process per lab instead of one
// per namespace is what keeps the lab's memory small (see README, "Memory").
//
// Run: node endpoint-server.mjs serve <config.json>; SIGHUP re-reads the config. After each sync
// the server writes <config.json>.ready with the listeners it holds, so callers can wait for them.
// Plain JavaScript on purpose: no TypeScript loader, smaller and faster to start.
import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

/** @typedef {import('./endpoint-config.ts').EndpointConfig} EndpointConfig */
/** @typedef {import('./endpoint-config.ts').Listener} Listener */

/** @param {string | undefined} ip */
function stripMapped(ip) {
  return (ip ?? '').replace(/^::ffff:/, '');
}

/**
 * What a listener answers. `agnhost-netexec` follows agnhost's netexec handlers; `generic` is
 * pelab's stand-in for images it does not know (documented in the README).
 * @param {Listener} l
 * @param {{ remoteIp: string, remotePort: number, url: string, now: Date }} req
 * @returns {{ status: number, body: string }}
 */
export function respond(l, req) {
  const u = new URL(req.url, 'http://x');
  const client = `${req.remoteIp}:${req.remotePort}`;
  if (l.kind === 'generic') {
    return { status: 200, body: `pelab generic server (image ${l.image ?? 'unknown'} is not emulated)\npod: ${l.identity}\nclient: ${client}\n` };
  }
  switch (u.pathname) {
    case '/clientip':
      return { status: 200, body: client };
    case '/hostname':
      return { status: 200, body: l.identity };
    case '/echo':
      return { status: 200, body: u.searchParams.get('msg') ?? '' };
    case '/healthz':
      return { status: 200, body: '' };
    default:
      return { status: 200, body: `NOW: ${req.now.toISOString()}` };
  }
}

/** @param {Listener} l @param {number} port */
const keyOf = (l, port) => `${l.ns}:${port}`;

/** @param {string} configFile */
function serve(configFile) {
  /** @type {Map<string, { listener: Listener, server: net.Server | undefined }>} */
  const held = new Map();
  /** @type {Set<string>} namespaces with a helper under way */
  const pending = new Set();
  /** @type {EndpointConfig} */
  let config = { listeners: [] };

  const writeReady = () => {
    const ready = [...held.entries()].filter(([, v]) => v.server).map(([k]) => k);
    writeFileSync(`${configFile}.ready.tmp`, JSON.stringify(ready));
    renameSync(`${configFile}.ready.tmp`, `${configFile}.ready`);
  };

  /** @param {Listener} listener @param {number[]} ports */
  const openIn = (listener, ports) => {
    pending.add(listener.ns);
    const helper = spawn('nsenter', [`--net=/run/netns/${listener.ns}`, '--', process.execPath, '--max-old-space-size=16', import.meta.filename, 'listen', ...ports.map(String)], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    helper.on('message', (msg, handle) => {
      const m = /** @type {{ port: number }} */ (msg);
      const key = keyOf(listener, m.port);
      const entry = held.get(key);
      const server = /** @type {net.Server} */ (handle);
      if (!entry) {
        server.close();
        return;
      }
      const httpServer = http.createServer((req, res) => {
        const now = new Date();
        const { status, body } = respond(entry.listener, {
          remoteIp: stripMapped(req.socket.remoteAddress),
          remotePort: req.socket.remotePort ?? 0,
          url: req.url ?? '/',
          now,
        });
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(body);
      });
      server.on('connection', (socket) => httpServer.emit('connection', socket));
      entry.server = server;
      writeReady();
    });
    helper.on('exit', () => {
      pending.delete(listener.ns);
      writeReady();
    });
  };

  const sync = () => {
    const wanted = new Map(config.listeners.flatMap((l) => l.ports.map((p) => /** @type {const} */ ([keyOf(l, p), l]))));
    for (const [key, v] of held) {
      if (!wanted.has(key)) {
        v.server?.close();
        held.delete(key);
      }
    }
    /** @type {Map<string, { listener: Listener, ports: number[] }>} */
    const toOpen = new Map();
    for (const [key, l] of wanted) {
      const have = held.get(key);
      if (have) {
        have.listener = l;
        continue;
      }
      held.set(key, { listener: l, server: undefined });
      const port = Number(key.slice(key.lastIndexOf(':') + 1));
      const group = toOpen.get(l.ns) ?? { listener: l, ports: [] };
      group.ports.push(port);
      toOpen.set(l.ns, group);
    }
    for (const { listener, ports } of toOpen.values()) openIn(listener, ports);
    writeReady();
  };

  const load = () => {
    config = JSON.parse(readFileSync(configFile, 'utf8'));
    sync();
  };
  process.on('SIGHUP', load);
  load();
}

/** Helper mode: listen on `ports` in this namespace, hand the sockets to the parent, exit. */
function listen(/** @type {number[]} */ ports) {
  let left = ports.length;
  for (const port of ports) {
    const server = net.createServer();
    server.on('error', (e) => {
      process.stderr.write(`pelab endpoint: cannot listen on port ${port}: ${e.message}\n`);
      if (--left === 0) process.exit(1);
    });
    server.listen({ port, host: '0.0.0.0' }, () => {
      /** @type {NodeJS.Process & { send: Function }} */ (process).send({ port }, server, () => {
        server.close();
        if (--left === 0) process.exit(0);
      });
    });
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'listen') listen(rest.map(Number));
  else serve(/** @type {string} */ (rest[0]));
}
