// The GitHub Actions job matrix: one job per (scenario, runtime) that the filters select.
// `bin/pelab matrix` prints it on one line for `$GITHUB_OUTPUT`, and the workflow expands it with
// `fromJSON`. Values are flat strings so that `${{ matrix.tags }}` reads well in job names.

export interface ScenarioEntry {
  readonly name: string;
  readonly tags: readonly string[];
  readonly runtimes: readonly string[];
  /** Path of the scenario file, relative to the repository root (what the job passes to pelab run). */
  readonly file: string;
}

interface MatrixEntry {
  /** `<scenario>-<runtime>` reduced to characters safe in artifact and check names; unique. */
  readonly id: string;
  readonly scenario: string;
  readonly file: string;
  readonly runtime: string;
  /** Comma-separated, sorted. */
  readonly tags: string;
}

interface ActionsMatrix {
  readonly include: readonly MatrixEntry[];
}

interface MatrixFilter {
  /** Every tag must be present; `!tag` excludes scenarios that have it. */
  readonly tags?: readonly string[];
  readonly runtime?: string;
}

/** GitHub's limit on jobs generated from one matrix. */
export const MAX_MATRIX_JOBS = 256;

export class MatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatrixError';
  }
}

/** Artifact names reject `"` `:` `<` `>` `|` `*` `?` `\\` `/`; keep to a safe alphabet. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
}

function selectScenario(s: Pick<ScenarioEntry, 'tags'>, tags: readonly string[] = []): boolean {
  return tags.every((t) => (t.startsWith('!') ? !s.tags.includes(t.slice(1)) : s.tags.includes(t)));
}

/**
 * Throws MatrixError when nothing is selected or too much is: GitHub rejects an empty include
 * with a message that does not name the filter, and the run would show no jobs at all.
 */
export function toActionsMatrix(scenarios: readonly ScenarioEntry[], filter: MatrixFilter = {}): ActionsMatrix {
  const include: MatrixEntry[] = [];
  for (const s of scenarios) {
    if (!selectScenario(s, filter.tags)) continue;
    for (const runtime of [...new Set(s.runtimes)].sort()) {
      if (filter.runtime !== undefined && runtime !== filter.runtime) continue;
      if (/[\r\n]/.test(s.file) || /[\r\n]/.test(s.name)) throw new MatrixError(`scenario ${JSON.stringify(s.name)}: name and file must be one line`);
      include.push({ id: slug(`${s.name}-${runtime}`), scenario: s.name, file: s.file.replace(/\\/g, '/'), runtime, tags: [...s.tags].sort().join(',') });
    }
  }
  include.sort((a, b) => a.file.localeCompare(b.file) || a.runtime.localeCompare(b.runtime));
  const described = [filter.tags?.length ? `tags ${filter.tags.join(',')}` : '', filter.runtime ? `runtime ${filter.runtime}` : ''].filter(Boolean).join(' and ') || 'no filter';
  if (include.length === 0) throw new MatrixError(`no scenario matches ${described} (out of ${scenarios.length})`);
  if (include.length > MAX_MATRIX_JOBS) throw new MatrixError(`${include.length} jobs match ${described}; GitHub allows at most ${MAX_MATRIX_JOBS} per matrix`);
  const seen = new Map<string, string>();
  for (const e of include) {
    const other = seen.get(e.id);
    // Two jobs with one id would overwrite each other's artifacts.
    if (other !== undefined) throw new MatrixError(`scenarios in ${other} and ${e.file} both give job id ${e.id} (runtime ${e.runtime}); rename one`);
    seen.set(e.id, e.file);
  }
  return { include };
}

/** One line, as `echo "matrix=$(pelab matrix)" >> "$GITHUB_OUTPUT"` needs. */
export function formatActionsMatrix(m: ActionsMatrix): string {
  return JSON.stringify(m);
}
