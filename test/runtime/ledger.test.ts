// The ledger's journal on a real file: what `down` after a crash reads back is exactly what was
// recorded before each object was created, including after a kill mid-append.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyLedger, Ledger, replayJournal } from '../../src/runtime/netns/ledger.ts';

const dirs: string[] = [];
function ledgerFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pelab-ledger-'));
  dirs.push(dir);
  return join(dir, 'inst', 'state.jsonl');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function recorded(file: string): Ledger {
  const l = new Ledger(file, emptyLedger('inst', 'labs/x.yaml', 'x'));
  l.addPaths(['/run/pelab/inst']);
  l.addNamespaces(['pelab.inst.a', 'pelab.inst.b']);
  l.addProcess({ pid: 101, startTime: '5', label: 'inst zebra' });
  l.addProcess({ pid: 102, startTime: '6', label: 'inst bgpd' });
  l.addMounts(['/run/pelab/inst/view']);
  l.removeProcesses([101]);
  l.update((d) => {
    d.complete = true;
    d.serviceIPs = { 'red/svc': ['172.30.0.10'] };
  });
  l.addNamespaces(['pelab.inst.c', 'pelab.inst.a']);
  return l;
}

describe('ledger journal', () => {
  it('reads back every change in order, as one state line plus one line per change', () => {
    const file = ledgerFile();
    const l = recorded(file);
    const back = Ledger.read(file)!;
    expect(back.data).toEqual(l.data);
    expect(back.data.namespaces).toEqual(['pelab.inst.a', 'pelab.inst.b', 'pelab.inst.c']);
    expect(back.data.processes.map((p) => p.pid)).toEqual([102]);
    expect(back.data.complete).toBe(true);
    // Appended, not rewritten: the first line is the state when the ledger was first written.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(JSON.parse(lines[0]!).data.paths).toEqual(['/run/pelab/inst']);
  });

  it('skips a last line cut short by a kill: the state before that change', () => {
    const file = ledgerFile();
    recorded(file);
    const before = Ledger.read(file)!.data;
    appendFileSync(file, '{"op":"addProcess","process":{"pid":103,"sta');
    expect(Ledger.read(file)!.data).toEqual(before);
    // The next pelab (a `down`, an `apply`) that records a change after it loses nothing.
    const again = Ledger.read(file)!;
    again.addProcess({ pid: 104, startTime: '7', label: 'inst staticd' });
    expect(Ledger.read(file)!.data.processes.map((p) => p.pid)).toEqual([102, 104]);
  });

  it('refuses a journal that is corrupt before its end or does not start with a state', () => {
    expect(replayJournal('{"op":"add","list":"namespaces","values":["a"]}\n')).toBeUndefined();
    const state = JSON.stringify({ op: 'state', data: emptyLedger('i', 'f', 'n') });
    expect(replayJournal(`${state}\nnot json\n{"op":"add","list":"paths","values":["/x"]}\n`)).toBeUndefined();
    expect(replayJournal(`${state}\n{"op":"add","list":"paths","values":["/x"]}\n`)?.paths).toEqual(['/x']);
    expect(replayJournal('')).toBeUndefined();
  });

  it('a new ledger for the same file starts a new journal instead of appending to the old one', () => {
    const file = ledgerFile();
    recorded(file);
    const fresh = new Ledger(file, emptyLedger('inst', 'labs/x.yaml', 'x'));
    fresh.addNamespaces(['pelab.inst.z']);
    expect(Ledger.read(file)!.data.namespaces).toEqual(['pelab.inst.z']);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(1);
  });

  it('rewrites the journal as one state once it has grown large', () => {
    const file = ledgerFile();
    const l = new Ledger(file, emptyLedger('inst', 'labs/x.yaml', 'x'));
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 40; i++) l.update((d) => (d.notes = [`${i}${big}`]));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeLessThan(40);
    expect(Ledger.read(file)!.data.notes[0]!.startsWith('39')).toBe(true);
  });

  it('starts over with the whole state when the file went away underneath it', () => {
    const file = ledgerFile();
    const l = recorded(file);
    rmSync(file);
    l.addNamespaces(['pelab.inst.d']);
    expect(Ledger.read(file)!.data.namespaces).toEqual(['pelab.inst.a', 'pelab.inst.b', 'pelab.inst.c', 'pelab.inst.d']);
  });

  it('an unreadable or truncated-to-nothing file is no ledger', () => {
    const file = ledgerFile();
    recorded(file);
    truncateSync(file, 0);
    expect(Ledger.read(file)).toBeUndefined();
    writeFileSync(file, '{"op":"state","data":');
    expect(Ledger.read(file)).toBeUndefined();
  });
});
