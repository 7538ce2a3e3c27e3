// Starts and reconfigures the HTTP endpoint processes (one per host or cluster node namespace).
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabBuildError } from '../../errors.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import { processStartTime, type Ledger } from './ledger.ts';
import { nsPath } from './netops.ts';
import { OWNER_ENV } from './frr.ts';
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
    const child = spawn(
      'nsenter',
      [`--net=${nsPath(this.ns)}`, '--', process.execPath, '--max-old-space-size=24', '--max-semi-space-size=1', SERVER, this.configFile],
      { detached: true, stdio: 'ignore', env: { ...process.env, [OWNER_ENV]: owner } },
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new LabBuildError(`could not start the HTTP endpoint in ${this.ns}`);
    this.pid = pid;
    const startTime = await eventuallyValue(async () => processStartTime(pid), { timeoutMs: 2000, intervalMs: 5, what: `endpoint in ${this.ns}` });
    ledger.addProcess({ pid, startTime, label: `${this.ns} http endpoint` });
  }

  reconfigure(config: EndpointConfig): void {
    writeFileSync(this.configFile, JSON.stringify(config));
    if (this.pid !== undefined) process.kill(this.pid, 'SIGHUP');
  }
}
