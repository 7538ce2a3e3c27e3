// The HTTP endpoint of an emulated host or cluster node. Started inside the namespace, it answers
// on every port of its config and says who it is: which host, or which Service on which node,
// and the client address it saw (like agnhost's /clientip), so checks can prove there is no SNAT.
// Run: node endpoint-server.ts <config.json>; SIGHUP re-reads the config.
import http from 'node:http';
import { readFileSync } from 'node:fs';

export interface EndpointConfig {
  /** Host name, or cluster node name. */
  readonly identity: string;
  readonly ports: readonly number[];
  /** Service IP -> the Service it stands for (cluster nodes only). */
  readonly services: Readonly<Record<string, { namespace: string; name: string; image?: string }>>;
}

function stripMapped(ip: string | undefined): string {
  return (ip ?? '').replace(/^::ffff:/, '');
}

export function respond(config: EndpointConfig, localIp: string, remoteIp: string, remotePort: number, path: string): { status: number; body: string } {
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

function main(configFile: string): void {
  let config = JSON.parse(readFileSync(configFile, 'utf8')) as EndpointConfig;
  const servers = new Map<number, http.Server>();
  const sync = (): void => {
    for (const [port, server] of servers) {
      if (!config.ports.includes(port)) {
        server.close();
        servers.delete(port);
      }
    }
    for (const port of config.ports) {
      if (servers.has(port)) continue;
      const server = http.createServer((req, res) => {
        const { status, body } = respond(config, stripMapped(req.socket.localAddress), stripMapped(req.socket.remoteAddress), req.socket.remotePort ?? 0, (req.url ?? '/').split('?')[0]!);
        res.writeHead(status, { 'content-type': 'text/plain', 'x-pelab-identity': config.identity });
        res.end(body);
      });
      server.listen(port, '0.0.0.0');
      servers.set(port, server);
    }
  };
  process.on('SIGHUP', () => {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as EndpointConfig;
    sync();
  });
  sync();
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main(process.argv[2]!);
