// The ledger of everything an instance created, written BEFORE each object is created. `down`
// (and an `up` that finds a crashed predecessor) removes exactly what the ledger names, so a
// killed pelab never leaves a namespace, daemon, mount or file behind.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Manifest } from '../../k8s/manifest.ts';
import { processStartTime } from '../../proc/identity.ts';
import type { FrrBuild } from './frr-build.ts';

export interface RecordedProcess {
  readonly pid: number;
  /** Kernel start time (field 22 of /proc/<pid>/stat): guards against killing a reused pid. */
  readonly startTime: string;
  readonly label: string;
}

interface LedgerData {
  instance: string;
  labFile: string;
  labName: string;
  createdAt: string;
  /** pid of the pelab process that ran `up`, to tell a crashed run from a live one. */
  ownerPid: number;
  complete: boolean;
  namespaces: string[];
  mounts: string[];
  processes: RecordedProcess[];
  paths: string[];
  /** Kubernetes objects currently applied to the emulated cluster, by Kind/namespace/name. */
  applied: { key: string; manifest: Manifest }[];
  /** The emulation plan computed from `applied` (src/k8s/plan.ts DesiredState). */
  desired?: unknown;
  /** Per cluster node: what has been realised (namespaces, devices, FRR config). */
  cluster?: Record<string, unknown>;
  /** Sticky service IP allocations (namespace/name -> IPs), as MetalLB keeps them. */
  serviceIPs: Record<string, string[]>;
  /** Labels changed on the running nodes (node -> key -> value, null = removed), on top of the lab's. */
  labelChanges?: Record<string, Record<string, string | null>>;
  /** MetalLB L2 mode: speakers down and the announcing node per Service IP (l2-speakers.ts L2State). */
  l2?: unknown;
  notes: string[];
  /** The FRR build the lab's daemons run (frr-build.ts); absent in ledgers written before it was recorded. */
  frr?: FrrBuild;
}

export function emptyLedger(instance: string, labFile: string, labName: string): LedgerData {
  return {
    instance,
    labFile,
    labName,
    createdAt: new Date().toISOString(),
    ownerPid: process.pid,
    complete: false,
    namespaces: [],
    mounts: [],
    processes: [],
    paths: [],
    applied: [],
    serviceIPs: {},
    notes: [],
  };
}

export class Ledger {
  readonly file: string;
  data: LedgerData;

  constructor(file: string, data: LedgerData) {
    this.file = file;
    this.data = data;
  }

  static read(file: string): Ledger | undefined {
    if (!existsSync(file)) return undefined;
    try {
      return new Ledger(file, JSON.parse(readFileSync(file, 'utf8')) as LedgerData);
    } catch {
      return undefined;
    }
  }

  /** Atomic write: a crash mid-write leaves the previous complete ledger. */
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 1));
    renameSync(tmp, this.file);
  }

  addNamespaces(names: readonly string[]): void {
    for (const n of names) if (!this.data.namespaces.includes(n)) this.data.namespaces.push(n);
    this.save();
  }

  addMounts(paths: readonly string[]): void {
    for (const p of paths) if (!this.data.mounts.includes(p)) this.data.mounts.push(p);
    this.save();
  }

  addPaths(paths: readonly string[]): void {
    for (const p of paths) if (!this.data.paths.includes(p)) this.data.paths.push(p);
    this.save();
  }

  addProcess(proc: RecordedProcess): void {
    this.data.processes.push(proc);
    this.save();
  }

  removeProcesses(pids: readonly number[]): void {
    this.data.processes = this.data.processes.filter((p) => !pids.includes(p.pid));
    this.save();
  }

  update(mutate: (data: LedgerData) => void): void {
    mutate(this.data);
    this.save();
  }
}

export function isSameProcess(proc: RecordedProcess): boolean {
  return processStartTime(proc.pid) === proc.startTime;
}
