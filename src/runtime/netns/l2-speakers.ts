// MetalLB's layer 2 mode on the emulated nodes. The plan (src/k8s/l2-election.ts) gives each
// Service its candidates in MetalLB's election order; here the first candidate whose speaker runs
// wins (memberlist's view of the live speakers), and that node's announcer (l2-speaker.py, one
// process per node, in the node's namespace) answers ARP for the IP and sends gratuitous ARP
// when it takes the IP over. A `speakerDown` fault stops a node's announcer and hands its IPs on.
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DesiredState } from '../../k8s/plan.ts';
import type { L2Status } from '../runtime.ts';
import { eventuallyValue } from '../../proc/wait.ts';
import { spawnOwned } from './daemon.ts';
import { isSameProcess, type Ledger } from './ledger.ts';

const L2_SPEAKER = join(dirname(fileURLToPath(import.meta.url)), 'l2-speaker.py');
const READY_TIMEOUT_MS = 10_000;

/** What one node's announcer answers for. */
interface NodeAnnouncement {
  readonly ip: string;
  readonly interfaces: readonly string[] | 'all';
}

/**
 * The winner of every Service IP given the speakers that are down, and what each node announces.
 * Pure. Services sharing an IP share the winner (the election key is the IP).
 */
export function electL2(services: DesiredState['services'], speakersDown: readonly string[]): { statuses: L2Status[]; perNode: Map<string, NodeAnnouncement[]> } {
  const statuses: L2Status[] = [];
  const perNode = new Map<string, NodeAnnouncement[]>();
  for (const s of services) {
    if (s.l2Candidates.length === 0) continue;
    const winner = s.l2Candidates.find((c) => !speakersDown.includes(c.node));
    for (const ip of s.ips) {
      statuses.push({ namespace: s.namespace, name: s.name, ip, ...(winner ? { node: winner.node } : {}) });
      if (!winner) continue;
      const list = perNode.get(winner.node) ?? [];
      if (!list.some((a) => a.ip === ip)) list.push({ ip, interfaces: winner.interfaces });
      perNode.set(winner.node, list);
    }
  }
  return { statuses, perNode };
}

/** What the ledger keeps about L2 mode across pelab processes. */
interface L2State {
  speakersDown: string[];
  statuses: L2Status[];
  generation: number;
}

const label = (node: string): string => `${node} l2 speaker`;

export class L2Speakers {
  private readonly dir: string;
  private readonly ledger: Ledger;
  private readonly owner: string;
  private readonly nsOf: (node: string) => string;

  constructor(options: { dir: string; ledger: Ledger; owner: string; nsOf: (node: string) => string }) {
    this.dir = join(options.dir, 'l2');
    this.ledger = options.ledger;
    this.owner = options.owner;
    this.nsOf = options.nsOf;
  }

  get state(): L2State {
    return (this.ledger.data.l2 as L2State | undefined) ?? { speakersDown: [], statuses: [], generation: 0 };
  }

  private configFile(node: string): string {
    return join(this.dir, `${node}.json`);
  }

  private running(node: string) {
    return this.ledger.data.processes.find((p) => p.label === label(node) && isSameProcess(p));
  }

  /**
   * Elects and (re)configures every node's announcer. One runs on every node that may announce
   * some IP, as MetalLB's speaker runs on every node: a failover only reconfigures it.
   */
  async reconcile(desired: DesiredState, nodes: readonly string[], speakersDown = this.state.speakersDown): Promise<void> {
    const { statuses, perNode } = electL2(desired.services, speakersDown);
    const candidates = new Set(desired.services.flatMap((s) => s.l2Candidates.map((c) => c.node)));
    const generation = this.state.generation + 1;
    mkdirSync(this.dir, { recursive: true });
    this.ledger.addPaths([this.dir]);
    await Promise.all(
      nodes.map(async (node) => {
        const announce = perNode.get(node) ?? [];
        const proc = this.running(node);
        if (speakersDown.includes(node) || (!proc && !candidates.has(node))) return;
        writeFileSync(this.configFile(node), JSON.stringify({ generation, announce }));
        if (proc) process.kill(proc.pid, 'SIGHUP');
        else await spawnOwned(this.nsOf(node), ['python3', '-S', L2_SPEAKER, this.configFile(node)], label(node), this.ledger, this.owner);
        await this.waitApplied(node, generation);
      }),
    );
    this.ledger.update((d) => {
      d.l2 = { speakersDown: [...speakersDown], statuses, generation } satisfies L2State;
    });
  }

  /** The speaker of `node` stops (`down`) or comes back; the IPs move as MetalLB would move them. */
  async setSpeakerDown(node: string, down: boolean, desired: DesiredState | undefined, nodes: readonly string[]): Promise<void> {
    const speakersDown = down ? [...new Set([...this.state.speakersDown, node])] : this.state.speakersDown.filter((n) => n !== node);
    if (down) await this.stop(node);
    if (desired) await this.reconcile(desired, nodes, speakersDown);
    else this.ledger.update((d) => (d.l2 = { ...this.state, speakersDown }));
  }

  private async stop(node: string): Promise<void> {
    const procs = this.ledger.data.processes.filter((p) => p.label === label(node) && isSameProcess(p));
    for (const p of procs) process.kill(p.pid, 'SIGKILL');
    await eventuallyValue(async () => (procs.some((p) => isSameProcess(p)) ? undefined : true), { timeoutMs: 5_000, intervalMs: 10, what: `the l2 speaker of ${node} to stop` });
    this.ledger.removeProcesses(procs.map((p) => p.pid));
  }

  private async waitApplied(node: string, generation: number): Promise<void> {
    const ready = `${this.configFile(node)}.ready`;
    await eventuallyValue(
      async () => {
        if (!existsSync(ready)) return undefined;
        const r = JSON.parse(readFileSync(ready, 'utf8')) as { generation: number };
        return r.generation === generation ? true : undefined;
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 10, what: `the l2 speaker of ${node} to apply its configuration` },
    );
  }
}
