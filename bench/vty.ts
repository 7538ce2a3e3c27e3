// How the benchmark asks a router something: over the daemon's vty socket (pelab's own client,
// src/runtime/netns/vty.ts) or with a vtysh process, to show what each costs.
import { spawn } from 'node:child_process';
import { isSuccessCode, VtyPool } from '../src/runtime/netns/vty.ts';

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
  const pool = new VtyPool();
  return {
    async query(pathspace, cmd) {
      // The benchmark's probes are all `show bgp ...`: bgpd answers them.
      const a = await pool.client(pathspace, 'bgpd').command(cmd);
      if (!isSuccessCode(a.code)) throw new Error(`${pathspace}: "${cmd}" returned ${a.code}: ${a.text.trim().slice(0, 200)}`);
      return a.text;
    },
    close: () => pool.close(),
  };
}
