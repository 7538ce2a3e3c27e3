// Starts and reconfigures the HTTP endpoint processes (one per host or cluster node namespace).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ledger } from './ledger.ts';
import { spawnOwned } from './daemon.ts';
import type { EndpointConfig } from './endpoint-config.ts';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'endpoint-server.mjs');

export class Endpoint {
  readonly ns: string;
  readonly configFile: string;
  pid: number | undefined;

  constructor(ns: string, dir: string) {
    this.ns = ns;
    this.configFile = join(dir, 'endpoint.json');
  }

  async start(config: EndpointConfig, ledger: Ledger, owner: string): Promise<void> {
    mkdirSync(dirname(this.configFile), { recursive: true });
    writeFileSync(this.configFile, JSON.stringify(config));
    // Small heaps: a lab runs one of these per host and node.
    this.pid = await spawnOwned(
      this.ns,
      [process.execPath, '--max-old-space-size=24', '--max-semi-space-size=1', SERVER, this.configFile],
      `${this.ns} http endpoint`,
      ledger,
      owner,
    );
  }

  reconfigure(config: EndpointConfig): void {
    writeFileSync(this.configFile, JSON.stringify(config));
    if (this.pid !== undefined) process.kill(this.pid, 'SIGHUP');
  }
}
