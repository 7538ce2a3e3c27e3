// The benchmark's handle on the memory sampler process (mem-sampler.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { MemResult, SamplerReply, SamplerRequest } from './mem-sampler.ts';

export class MemorySampler {
  private readonly child: ChildProcess;
  private readonly queue: ((m: SamplerReply) => void)[] = [];

  constructor() {
    this.child = fork(join(import.meta.dirname, 'mem-sampler.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: SamplerReply) => this.queue.shift()?.(m));
  }

  private request(m: SamplerRequest): Promise<SamplerReply> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.child.send(m);
    });
  }

  async start(instances: readonly string[], intervalMs = 200): Promise<void> {
    await this.request({ type: 'start', instances, intervalMs, parentPid: process.pid });
  }

  async stop(): Promise<MemResult> {
    const r = await this.request({ type: 'stop' });
    if (r.type !== 'result') throw new Error(`memory sampler: unexpected reply ${r.type}`);
    return r.result;
  }

  /** Ends the sampler process; returns its own CPU seconds (for the record). */
  async close(): Promise<number> {
    if (!this.child.connected) return 0;
    const r = await this.request({ type: 'bye' });
    await new Promise((resolve) => (this.child.exitCode !== null ? resolve(undefined) : this.child.once('exit', resolve)));
    return r.type === 'bye' ? r.cpuSeconds : 0;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined) this.child.kill('SIGKILL');
  }
}
