// Starts and reconfigures the lab's one HTTP server process (endpoint-server.py), which answers
// for every host, node and non-nginx pod namespace through sockets created in each of them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventuallyValue } from '../../proc/wait.ts';
import { isSameProcess, type Ledger } from './ledger.ts';
import { spawnOwned } from './daemon.ts';
import type { EndpointConfig, Listener } from './endpoint-config.ts';

const ENDPOINT_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'endpoint-server.py');
/** `-S`: no site packages, a smaller interpreter (the server needs only the standard library). */
export const ENDPOINT_SERVER_ARGV: readonly string[] = ['python3', '-S', ENDPOINT_SERVER];
const ENDPOINT_LABEL = 'lab http server';
/** How long a reconfiguration may take until every socket is held. */
const READY_TIMEOUT_MS = 20_000;

export class EndpointServer {
  readonly configFile: string;
  private readonly ledger: Ledger;

  constructor(dir: string, ledger: Ledger) {
    this.configFile = join(dir, 'endpoints.json');
    this.ledger = ledger;
  }

  private get pid(): number | undefined {
    const p = this.ledger.data.processes.find((x) => x.label === ENDPOINT_LABEL && isSameProcess(x));
    return p?.pid;
  }

  /** Starts the server in `ns` (any lab namespace: it opens no socket of its own). */
  async start(ns: string, config: EndpointConfig, owner: string): Promise<void> {
    mkdirSync(dirname(this.configFile), { recursive: true });
    writeFileSync(this.configFile, JSON.stringify(config));
    await spawnOwned(ns, [...ENDPOINT_SERVER_ARGV, 'serve', this.configFile], ENDPOINT_LABEL, this.ledger, owner);
    await this.waitReady(config.listeners);
  }

  current(): EndpointConfig {
    return existsSync(this.configFile) ? (JSON.parse(readFileSync(this.configFile, 'utf8')) as EndpointConfig) : { listeners: [] };
  }

  /** Replaces the listeners of the namespaces `replace` says are this caller's; keeps the others. */
  async update(owns: (l: Listener) => boolean, listeners: readonly Listener[]): Promise<void> {
    const config = { listeners: [...this.current().listeners.filter((l) => !owns(l)), ...listeners] };
    writeFileSync(this.configFile, JSON.stringify(config));
    const pid = this.pid;
    if (pid === undefined) return;
    process.kill(pid, 'SIGHUP');
    await this.waitReady(config.listeners);
  }

  private async waitReady(listeners: readonly Listener[]): Promise<void> {
    const want = listeners.flatMap((l) => l.ports.map((p) => `${l.ns}:${p}`));
    await eventuallyValue(
      async () => {
        const file = `${this.configFile}.ready`;
        if (!existsSync(file)) return undefined;
        const ready = new Set(JSON.parse(readFileSync(file, 'utf8')) as string[]);
        return want.every((k) => ready.has(k)) ? true : undefined;
      },
      // A file read per attempt: polling every 10 ms returns `up` up to 40 ms sooner than every 50 ms.
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 10, what: `HTTP listeners ${want.join(', ')}` },
    );
  }
}
