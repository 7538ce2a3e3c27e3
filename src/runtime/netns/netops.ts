// Namespace and link operations, batched: one `ip -batch` per namespace and phase instead of one
// process per command, because process start-up dominates bring-up time on two cores.
import { run, type RunResult } from '../../proc/run.ts';
import type { Batches } from './plan.ts';
import { mapLimit } from '../../proc/limit.ts';

export const NETNS_DIR = '/run/netns';

export function nsPath(ns: string): string {
  return `${NETNS_DIR}/${ns}`;
}

/** argv that runs `argv` inside network namespace `ns` (without ip-netns-exec's /sys remount). */
export function inNs(ns: string, argv: readonly string[]): string[] {
  return ['nsenter', `--net=${nsPath(ns)}`, '--', ...argv];
}

export async function ipBatch(ns: string | undefined, lines: readonly string[], options: { force?: boolean } = {}): Promise<RunResult> {
  const argv = ['ip', ...(options.force ? ['-force'] : []), ...(ns ? ['-n', ns] : []), '-batch', '-'];
  return run(argv, { input: `${lines.join('\n')}\n`, allowFailure: options.force ?? false });
}

export async function createNamespaces(names: readonly string[]): Promise<void> {
  if (names.length > 0) await ipBatch(undefined, names.map((n) => `netns add ${n}`));
}

/** Deletes namespaces, ignoring ones already gone. */
export async function deleteNamespaces(names: readonly string[]): Promise<void> {
  if (names.length > 0) await ipBatch(undefined, names.map((n) => `netns del ${n}`), { force: true });
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run(['ip', '-j', 'netns', 'list'], { allowFailure: true });
  if (r.exitCode !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name);
}

export async function runBatches(batches: Batches, concurrency = 4): Promise<void> {
  await mapLimit([...batches.entries()], concurrency, ([ns, lines]) => ipBatch(ns, lines));
}
