// The ledger of everything an instance created, written BEFORE each object is created. `down`
// (and an `up` that finds a crashed predecessor) removes exactly what the ledger names, so a
// killed pelab never leaves a namespace, daemon, mount or file behind.
//
// On disk it is a journal (JSON Lines): a full state, then one line per change (a namespace, a
// process, ...) appended as it happens. `up` records ~77 changes; rewriting the whole file each
// time (write a temporary file, rename it over the ledger) cost 0.15-0.4 ms per change on a quiet
// machine and 0.7-1 ms during a bring-up (ext4 flushes a file renamed over another), 50-80 ms of
// pelab's main thread per `up`, which is what starts every command: most of what pelab took beyond
// the bare command sequence (bench: pelab ÷ baseline). An append costs ~0.01 ms. A kill mid-append
// leaves a partial last line, which reading skips: the state before that change, as before.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** One journal line: a whole state, or one change to the lists the teardown reads. */
type JournalEntry =
  | { readonly op: 'state'; readonly data: LedgerData }
  | { readonly op: 'add'; readonly list: 'namespaces' | 'mounts' | 'paths'; readonly values: readonly string[] }
  | { readonly op: 'addProcess'; readonly process: RecordedProcess }
  | { readonly op: 'removeProcesses'; readonly pids: readonly number[] };

/** Past this size the next change rewrites the journal as one state line. */
const COMPACT_AT_BYTES = 256 * 1024;

function applyEntry(data: LedgerData, e: JournalEntry): LedgerData {
  switch (e.op) {
    case 'state':
      return e.data;
    case 'add':
      for (const v of e.values) if (!data[e.list].includes(v)) data[e.list].push(v);
      return data;
    case 'addProcess':
      data.processes.push(e.process);
      return data;
    case 'removeProcesses':
      data.processes = data.processes.filter((p) => !e.pids.includes(p.pid));
      return data;
  }
}

/**
 * The state a journal describes; undefined when it does not start with a state or a line other
 * than the last is not valid JSON. A last line cut short (a kill mid-append) is skipped. Pure.
 */
export function replayJournal(text: string): LedgerData | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let data: LedgerData | undefined;
  for (const [i, line] of lines.entries()) {
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      if (i === lines.length - 1 && data) break;
      return undefined;
    }
    if (entry.op === 'state') data = entry.data;
    else if (data) data = applyEntry(data, entry);
    else return undefined;
  }
  return data;
}

export class Ledger {
  readonly file: string;
  data: LedgerData;
  /** Whether the file holds this object's state, so a change can be appended to it. */
  private journaled: boolean;
  private journalBytes = 0;

  constructor(file: string, data: LedgerData) {
    this.file = file;
    this.data = data;
    this.journaled = false;
  }

  static read(file: string): Ledger | undefined {
    if (!existsSync(file)) return undefined;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const data = replayJournal(text);
    if (!data) return undefined;
    const ledger = new Ledger(file, data);
    // After a line cut short, the next change rewrites the whole state: appended, it would run on
    // from the cut line and be skipped with it.
    ledger.journaled = text.endsWith('\n');
    ledger.journalBytes = Buffer.byteLength(text);
    return ledger;
  }

  /**
   * The whole state as a new journal, written atomically (temporary file, then rename): a crash
   * mid-write leaves the previous complete journal.
   */
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const text = `${JSON.stringify({ op: 'state', data: this.data } satisfies JournalEntry)}\n`;
    writeFileSync(tmp, text);
    renameSync(tmp, this.file);
    this.journaled = true;
    this.journalBytes = Buffer.byteLength(text);
  }

  /** Records one change: appended to this object's journal, or the whole state where there is none yet. */
  private record(entry: JournalEntry): void {
    if (!this.journaled || this.journalBytes > COMPACT_AT_BYTES || !existsSync(this.file)) {
      this.save();
      return;
    }
    const line = `${JSON.stringify(entry)}\n`;
    appendFileSync(this.file, line);
    this.journalBytes += Buffer.byteLength(line);
  }

  addNamespaces(names: readonly string[]): void {
    this.addTo('namespaces', names);
  }

  addMounts(paths: readonly string[]): void {
    this.addTo('mounts', paths);
  }

  addPaths(paths: readonly string[]): void {
    this.addTo('paths', paths);
  }

  private addTo(list: 'namespaces' | 'mounts' | 'paths', values: readonly string[]): void {
    const entry: JournalEntry = { op: 'add', list, values: [...values] };
    applyEntry(this.data, entry);
    this.record(entry);
  }

  addProcess(proc: RecordedProcess): void {
    const entry: JournalEntry = { op: 'addProcess', process: proc };
    applyEntry(this.data, entry);
    this.record(entry);
  }

  removeProcesses(pids: readonly number[]): void {
    const entry: JournalEntry = { op: 'removeProcesses', pids: [...pids] };
    applyEntry(this.data, entry);
    this.record(entry);
  }

  update(mutate: (data: LedgerData) => void): void {
    mutate(this.data);
    this.record({ op: 'state', data: this.data });
  }
}

export function isSameProcess(proc: RecordedProcess): boolean {
  return processStartTime(proc.pid) === proc.startTime;
}
