// pelab matrix | list: the shipped scenarios, as a GitHub Actions matrix or a table.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatActionsMatrix, MatrixError, MAX_MATRIX_JOBS, toActionsMatrix } from '../../report/matrix.ts';
import { loadScenario, type Scenario } from '../../scenario/load.ts';
import { InputError } from '../../errors.ts';
import { REPO_ROOT, runtimeKind } from '../args.ts';
import { formatOutput } from '../output.ts';
import type { GlobalOptions, OutputFormat } from '../options.ts';

async function shippedScenarios(): Promise<Scenario[]> {
  const dir = join(REPO_ROOT, 'scenarios');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const out: Scenario[] = [];
  for (const f of files) out.push(await loadScenario(join(dir, f)));
  return out;
}

export async function matrix(values: GlobalOptions & { readonly tags?: string | undefined }): Promise<number> {
  // Absent means every runtime (not PELAB_RUNTIME's default): the matrix lists them all.
  const runtime = values.runtime === undefined ? undefined : runtimeKind(values.runtime);
  const scenarios = (await shippedScenarios()).map((s) => ({ name: s.name, tags: [...s.tags], runtimes: [...s.runtimes], file: relative(REPO_ROOT, s.file) }));
  let m;
  try {
    m = toActionsMatrix(scenarios, { ...(values.tags ? { tags: values.tags.split(',').map((t) => t.trim()).filter(Boolean) } : {}), ...(runtime ? { runtime } : {}) });
  } catch (e) {
    // An empty or oversized selection is the filter's fault: bad input, not a crash.
    if (e instanceof MatrixError) throw new InputError('command line', values.tags ? '--tags' : '--runtime', `a filter that selects 1 to ${MAX_MATRIX_JOBS} jobs: ${e.message}`);
    throw e;
  }
  process.stdout.write(`${formatActionsMatrix(m)}\n`);
  return 0;
}

export async function list(values: { readonly output: OutputFormat }): Promise<number> {
  const scenarios = await shippedScenarios();
  if (values.output !== 'text') {
    const rows = scenarios.map((s) => ({ name: s.name, file: relative(REPO_ROOT, s.file), lab: s.lab.name, mode: s.mode, tags: [...s.tags], runtimes: [...s.runtimes], description: s.description }));
    process.stdout.write(formatOutput(rows, values.output));
    return 0;
  }
  for (const s of scenarios) {
    process.stdout.write(`${s.name.padEnd(28)} ${s.lab.name.padEnd(14)} ${s.mode.padEnd(12)} [${s.tags.join(', ')}] ${s.runtimes.join('/')}\n  ${s.description}\n`);
  }
  return 0;
}
