// pelab matrix | list: the shipped scenarios, as a GitHub Actions matrix or a table.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatActionsMatrix, toActionsMatrix } from '../../report/matrix.ts';
import { loadScenario, type Scenario } from '../../scenario/load.ts';
import { REPO_ROOT, parse, runtimeKind } from '../args.ts';

export async function shippedScenarios(): Promise<Scenario[]> {
  const dir = join(REPO_ROOT, 'scenarios');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const out: Scenario[] = [];
  for (const f of files) out.push(await loadScenario(join(dir, f)));
  return out;
}

export async function matrix(argv: string[]): Promise<number> {
  const { values } = parse(argv, { tags: { type: 'string' }, runtime: { type: 'string' } }, false);
  // Absent means every runtime (not PELAB_RUNTIME's default): the matrix lists them all.
  const runtime = values.runtime === undefined ? undefined : runtimeKind(values.runtime);
  const scenarios = (await shippedScenarios()).map((s) => ({ name: s.name, tags: [...s.tags], runtimes: [...s.runtimes], file: relative(REPO_ROOT, s.file) }));
  const m = toActionsMatrix(scenarios, { ...(values.tags ? { tags: values.tags.split(',').map((t) => t.trim()).filter(Boolean) } : {}), ...(runtime ? { runtime } : {}) });
  process.stdout.write(`${formatActionsMatrix(m)}\n`);
  return 0;
}

export async function list(argv: string[]): Promise<number> {
  parse(argv, {}, false);
  for (const s of await shippedScenarios()) {
    process.stdout.write(`${s.name.padEnd(28)} ${s.lab.name.padEnd(14)} ${s.mode.padEnd(12)} [${s.tags.join(', ')}] ${s.runtimes.join('/')}\n  ${s.description}\n`);
  }
  return 0;
}
