// Loads a config into a real, throwaway FRR the way the netns runtime does: the runtime's own
// FrrRouter starts zebra and bgpd (bfdd when the config needs it) in a namespace of a test
// instance, loadConfig pushes the file as `-c` lines with neighbors held until the last line,
// and teardownInstance removes everything again. So a renderer test covers the production load
// path, including how it recognises FRR's refusals. `vtysh -C` only checks syntax: it accepts
// `neighbor X activate` for a neighbor that does not exist, which a running bgpd rejects.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabBuildError } from '../../src/errors.ts';
import { FrrRouter } from '../../src/runtime/netns/frr.ts';
import { FRR_BIN } from '../../src/runtime/netns/frr-build.ts';
import { emptyLedger, Ledger } from '../../src/runtime/netns/ledger.ts';
import { instanceNames } from '../../src/runtime/netns/names.ts';
import { createNamespaces, ipBatch } from '../../src/runtime/netns/netops.ts';
import { teardownInstance } from '../../src/runtime/netns/teardown.ts';

interface RunResult {
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
  for (const d of ['zebra', 'bgpd']) if (!existsSync(join(FRR_BIN, d))) return `${FRR_BIN}/${d} is not installed`;
  return undefined;
}

let counter = 0;

interface Loaded {
  /** FRR's refusal as the runtime reports it (LabBuildError message), or undefined when it took every line. */
  readonly rejected: string | undefined;
  /** `show running-config` afterwards. */
  readonly running: string;
}

/** Loads `config` through the runtime's FrrRouter in a test instance of its own (`frrt-<pid>-<n>`); always torn down. */
export async function loadIntoFrr(config: string): Promise<Loaded> {
  const instance = `frrt-${process.pid}-${counter++}`;
  const names = instanceNames(instance);
  const ledger = new Ledger(names.stateFile, emptyLedger(instance, 'test/render/frr-harness.ts', 'frr-harness'));
  const ns = names.ns('r');
  try {
    ledger.addNamespaces([ns]);
    await createNamespaces([ns]);
    await ipBatch(ns, ['link set lo up']);
    const router = new FrrRouter(names, ledger, { hostname: 'r', ns, netnsVrf: false, vrfs: new Map() });
    await router.start();
    await mkdir(names.dir, { recursive: true });
    const file = join(names.dir, 'frr.conf');
    await writeFile(file, config);
    let rejected: string | undefined;
    try {
      await router.loadConfig(file);
    } catch (e) {
      if (!(e instanceof LabBuildError)) throw e;
      rejected = e.message;
    }
    const running = await router.vtysh(['show running-config']);
    return { rejected, running: running.stdout };
  } finally {
    await teardownInstance(instance);
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
