// Medians and the result table: pure functions, so the JSON and the printed table agree.

export interface Target {
  readonly op: '<=';
  readonly value: number;
}

export interface Metric {
  readonly id: string;
  readonly section: string;
  readonly label: string;
  readonly unit: 's' | 'MiB' | 'x' | 'count';
  readonly target?: Target;
  readonly samples: number[];
  readonly failures: string[];
  /** What the number includes, for the JSON reader. */
  readonly note?: string;
}

interface Summary {
  readonly median?: number;
  readonly min?: number;
  readonly max?: number;
  readonly n: number;
  readonly verdict: 'PASS' | 'MISS' | 'FAIL' | '-';
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The least-squares slope of y over x: what one more unit of x costs (memory or time per leaf).
 * Undefined with fewer than two distinct x values.
 */
export function slope(points: readonly { x: number; y: number }[]): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  if (sxx === 0) return undefined;
  return points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
}

/** PASS/MISS against the target by the median; FAIL when a run failed; '-' without a target. */
export function summarize(m: Pick<Metric, 'samples' | 'failures' | 'target'>): Summary {
  const med = median(m.samples);
  const base = { n: m.samples.length, ...(med !== undefined ? { median: med, min: Math.min(...m.samples), max: Math.max(...m.samples) } : {}) };
  if (m.failures.length > 0) return { ...base, verdict: 'FAIL' };
  if (!m.target || med === undefined) return { ...base, verdict: '-' };
  return { ...base, verdict: med <= m.target.value ? 'PASS' : 'MISS' };
}

function formatValue(v: number | undefined, unit: Metric['unit']): string {
  if (v === undefined) return '-';
  switch (unit) {
    case 's':
      return `${v.toFixed(2)} s`;
    case 'MiB':
      return `${Math.round(v)} MiB`;
    case 'x':
      return `${v.toFixed(2)}x`;
    case 'count':
      return String(Math.round(v));
  }
}

function formatTarget(t: Target | undefined, unit: Metric['unit']): string {
  return t ? `${t.op === '<=' ? '≤' : t.op} ${formatValue(t.value, unit).replace('.00 s', ' s')}` : '';
}

/** Metrics grouped by section, sections in order of first appearance, metrics in their order. */
export function groupBySection(metrics: readonly Metric[]): Metric[] {
  const order: string[] = [];
  for (const m of metrics) if (!order.includes(m.section)) order.push(m.section);
  return order.flatMap((sec) => metrics.filter((m) => m.section === sec));
}

export function formatTable(metrics: readonly Metric[]): string {
  const header = ['metric', 'target', 'median', 'min', 'max', 'n', 'verdict'];
  const rows: string[][] = [];
  let section = '';
  for (const m of groupBySection(metrics)) {
    if (m.section !== section) {
      section = m.section;
      rows.push([`[${section}]`, '', '', '', '', '', '']);
    }
    const s = summarize(m);
    rows.push([
      `  ${m.label}`,
      formatTarget(m.target, m.unit),
      formatValue(s.median, m.unit),
      formatValue(s.min, m.unit),
      formatValue(s.max, m.unit),
      m.failures.length > 0 ? `${s.n}/${s.n + m.failures.length}` : String(s.n),
      s.verdict,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const right = new Set([2, 3, 4, 5]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => {
        const pad = widths[i]! - [...c].length;
        return right.has(i) ? ' '.repeat(pad) + c : c + (i === cells.length - 1 ? '' : ' '.repeat(pad));
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One cell of a side-by-side table: a metric's median (min–max), or why there is no value. */
export type Cell = Metric | { readonly skipped: string } | undefined;

function cellText(c: Cell): string {
  if (c === undefined) return '-';
  if ('skipped' in c) return c.skipped ? `skipped: ${c.skipped}` : 'skipped';
  const s = summarize(c);
  if (s.median === undefined) return c.failures.length > 0 ? `failed (${c.failures.length})` : '-';
  const range = s.min !== s.max ? ` (${formatValue(s.min, c.unit)}–${formatValue(s.max, c.unit)})` : '';
  return `${formatValue(s.median, c.unit)}${range.replace(/ s–/, '–')}`;
}

/**
 * The same measurements side by side (pelab next to the baseline, FRR 8.4 next to FRR 10):
 * median (min–max) per column, so a reader compares along a row instead of across sections.
 */
export function formatSideBySide(title: string, columns: readonly string[], rows: readonly { readonly label: string; readonly cells: readonly Cell[] }[]): string {
  const header = ['', ...columns];
  const body = rows.map((r) => [r.label, ...columns.map((_, i) => cellText(r.cells[i]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => [...(b[i] ?? '')].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
