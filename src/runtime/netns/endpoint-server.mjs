// @ts-check
// The HTTP endpoint of an emulated host or cluster node. Started inside the namespace, it answers
// on every port of its config and says who it is: which host, or which Service on which node,
// and the client address it saw (like agnhost's /clientip), so checks can prove there is no SNAT.
// Run: node endpoint-server.mjs <config.json>; SIGHUP re-reads the config.
// Plain JavaScript on purpose: a lab runs one of these per namespace, and without the TypeScript
// loader each starts faster and holds about 11 MiB less.
import http from 'node:http';
import { readFileSync } from 'node:fs';

/** @typedef {import('./endpoint-config.ts').EndpointConfig} EndpointConfig */

/** @param {string | undefined} ip */
function stripMapped(ip) {
  return (ip ?? '').replace(/^::ffff:/, '');
}

/**
 * @param {EndpointConfig} config
 * @param {string} localIp
 * @param {string} remoteIp
 * @param {number} remotePort
 * @param {string} path
 * @returns {{ status: number, body: string }}
 */
export function respond(config, localIp, remoteIp, remotePort, path) {
  const client = `${remoteIp}:${remotePort}`;
  if (path === '/clientip') return { status: 200, body: `${client}\n` };
  if (path === '/hostname') return { status: 200, body: `${config.identity}\n` };
  const service = config.services[localIp];
  if (service) {
    const backend = service.image ? `backend: ${service.image} (emulated by pelab)\n` : '';
    return { status: 200, body: `pelab endpoint\nservice: ${service.namespace}/${service.name}\nnode: ${config.identity}\n${backend}client: ${client}\n` };
  }
  return { status: 200, body: `pelab endpoint\nhost: ${config.identity}\nclient: ${client}\n` };
}

/** @param {string} configFile */
function main(configFile) {
  /** @type {EndpointConfig} */
  let config = JSON.parse(readFileSync(configFile, 'utf8'));
  /** @type {Map<number, http.Server>} */
  const servers = new Map();
  const sync = () => {
    for (const [port, server] of servers) {
      if (!config.ports.includes(port)) {
        server.close();
        servers.delete(port);
      }
    }
    for (const port of config.ports) {
      if (servers.has(port)) continue;
      const server = http.createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const { status, body } = respond(config, stripMapped(req.socket.localAddress), stripMapped(req.socket.remoteAddress), req.socket.remotePort ?? 0, path);
        res.writeHead(status, { 'content-type': 'text/plain', 'x-pelab-identity': config.identity });
        res.end(body);
      });
      server.listen(port, '0.0.0.0');
      servers.set(port, server);
    }
  };
  process.on('SIGHUP', () => {
    config = JSON.parse(readFileSync(configFile, 'utf8'));
    sync();
  });
  sync();
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main(/** @type {string} */ (process.argv[2]));
