// Loads a config into a real, throwaway FRR (zebra + bgpd in their own network namespace).
// `vtysh -C` only checks syntax: it accepts `neighbor X activate` for a neighbor that does not
// exist, which a running bgpd rejects. So the render tests push configs into live daemons.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FRR_DIR = '/usr/lib/frr';
const PREFIX = 'pelabt-rnd-';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolveRun) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** Why real-FRR tests cannot run here, or undefined when they can. */
export function frrUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, FRR daemons)';
  for (const d of ['zebra', 'bgpd']) if (!existsSync(join(FRR_DIR, d))) return `${FRR_DIR}/${d} is not installed`;
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited daemon that nobody has reaped yet still answers signal 0.
  return !/^\d+ \(.*\) Z/.test(safeStat(pid));
}

function safeStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * These daemons only ever held a config check: a short grace period, then SIGKILL (FRR takes
 * about 2 s to exit on SIGTERM, which would dominate the test's run time).
 */
async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 10 && alive(pid); i++) await new Promise((r) => setTimeout(r, 30));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
}

let counter = 0;

export interface Loaded {
  /** vtysh's exit code and output when loading the file. */
  readonly load: RunResult;
  /** `show running-config` afterwards. */
  readonly running: string;
}

/** Starts zebra + bgpd (+ bfdd when the config uses BFD) in a fresh netns, pushes `config` with `vtysh -f`, always cleans up. */
export async function loadIntoFrr(config: string): Promise<Loaded> {
  const inst = `${PREFIX}${process.pid}-${counter++}`;
  const work = await mkdtemp(join(tmpdir(), `${inst}-`));
  const runDir = `/var/run/frr/${inst}`;
  const pids: number[] = [];
  let netnsCreated = false;
  try {
    await mkdir(runDir, { recursive: true });
    // vtysh looks for <config_dir>/<inst>/vtysh.conf; an empty one keeps its output clean.
    await mkdir(join(work, 'etc', inst), { recursive: true });
    await writeFile(join(work, 'etc', inst, 'vtysh.conf'), '');
    for (const dir of [runDir, work]) {
      const r = await run('chown', ['frr:frr', dir]);
      if (r.code !== 0) throw new Error(`chown ${dir}: ${r.stderr}`);
    }
    const add = await run('ip', ['netns', 'add', inst]);
    if (add.code !== 0) throw new Error(`ip netns add ${inst}: ${add.stderr}`);
    netnsCreated = true;
    await run('ip', ['-n', inst, 'link', 'set', 'lo', 'up']);
    // bfdd only where the config uses BFD, as the runtime does.
    const daemons = /^bfd$/m.test(config) ? ['zebra', 'bgpd', 'bfdd'] : ['zebra', 'bgpd'];
    for (const daemon of daemons) {
      const pidFile = join(work, `${daemon}.pid`);
      const r = await run('ip', [
        'netns', 'exec', inst, join(FRR_DIR, daemon),
        '-d', '-N', inst, '-F', 'traditional', '-u', 'frr', '-g', 'frr', '-P', '0',
        '-i', pidFile, '--log', `file:${join(work, `${daemon}.log`)}`,
      ]);
      if (r.code !== 0) throw new Error(`${daemon} did not start: ${r.stderr}`);
      for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 20));
      pids.push(Number((await readFile(pidFile, 'utf8')).trim()));
    }
    for (let i = 0; i < 150; i++) {
      if (daemons.every((d) => existsSync(join(runDir, `${d}.vty`)))) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const file = join(work, 'frr.conf');
    await writeFile(file, config);
    const vtysh = ['-N', inst, '--config_dir', join(work, 'etc')];
    const load = await run('vtysh', [...vtysh, '-f', file]);
    const running = await run('vtysh', [...vtysh, '-c', 'show running-config']);
    return { load, running: running.stdout };
  } finally {
    // Deleting a namespace does not stop the daemons inside it: stop them by pid first.
    await Promise.all(pids.map(stopPid));
    if (netnsCreated) await run('ip', ['netns', 'del', inst]);
    await rm(runDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Top-level blocks of an FRR config keyed by their first line (`router bgp 1 vrf red`,
 * `route-map x permit 10`, ...), each with the set of its trimmed lines. FRR reorders lines
 * inside a block and blocks inside the file, so comparisons go block by block.
 */
export function configBlocks(text: string): Map<string, Set<string>> {
  const blocks = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.trim().startsWith('!')) continue;
    if (!raw.startsWith(' ')) {
      const key = raw.trim();
      if (['exit', 'exit-vrf', 'end'].includes(key)) {
        current = undefined;
        continue;
      }
      current = blocks.get(key) ?? new Set<string>();
      blocks.set(key, current);
      continue;
    }
    current?.add(raw.trim());
  }
  return blocks;
}
