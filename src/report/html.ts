// `pelab run --html FILE`: one self-contained page per invocation, rendered from the JSON report
// alone (plus the fabric pictures, already drawn). Per run: the fabric with the nodes checks ran
// on marked (red: a check failed there), every check with expected and observed values, a
// timeline of phases and of each check's time to hold, and relative links into the failure
// bundle. No script and no external resource: a Content-Security-Policy forbids every fetch, so
// the page reads the same from a CI artifact, a mail attachment or a laptop without network.
import type { JsonMultiReport, JsonReport } from './json.ts';
import type { NodeMark } from './graph.ts';
import { escapeHtml } from './svg.ts';
import { formatDuration } from '../units/duration.ts';

export interface HtmlRunExtras {
  /** The fabric picture as inline SVG, drawn with nodeMarks(run); absent when there is none. */
  readonly picture?: string;
  /** The failure bundle's folder as a link from the page (relative to the HTML file). */
  readonly bundleHref?: string;
}

interface HtmlReportOptions {
  /** Per run, in the order of the report's runs. */
  readonly runs: readonly HtmlRunExtras[];
}

/** The runs of a `--json` document: one report, or several under {passed, runs}. */
export function runsOf(doc: JsonReport | JsonMultiReport): readonly JsonReport[] {
  return 'runs' in doc ? doc.runs : [doc];
}

/** How each node fared: failed when any check on it failed, passed when all checks on it passed. */
export function nodeMarks(run: JsonReport): Map<string, NodeMark> {
  const marks = new Map<string, NodeMark>();
  for (const c of run.checks) {
    if (c.node === undefined) continue;
    if (c.status === 'failed') marks.set(c.node, 'failed');
    else if (!marks.has(c.node)) marks.set(c.node, 'passed');
  }
  return marks;
}

const CSS = `
body{font-family:Helvetica,Arial,sans-serif;margin:1rem 2rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem;margin-top:1.5rem}
.verdict{display:inline-block;padding:.1rem .6rem;border-radius:.3rem;color:#fff;font-weight:bold}
.verdict.passed{background:#1b5e20}.verdict.failed{background:#b71c1c}
.picture svg{max-width:100%;height:auto}
.legend span{display:inline-block;margin-right:1.5rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;vertical-align:middle;margin-right:.3rem;border:2px solid}
.swatch.failed{background:#d50000;border-color:#7f0000}.swatch.passed{background:#fff;border-color:#1b5e20}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
tr.failed td{background:#ffebee}
td.status{font-weight:bold}tr.failed td.status{color:#b71c1c}tr.passed td.status{color:#1b5e20}
pre{margin:0;white-space:pre-wrap;word-break:break-word;max-width:40rem;max-height:16rem;overflow:auto;font-size:.8rem}
.timeline{font-size:.8rem;margin:.5rem 0}
.row{display:flex;align-items:center;height:1.3rem}
.row .label{width:26rem;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding-right:.5rem}
.row .track{position:relative;flex:1;height:.9rem;background:#f5f5f5}
.bar{position:absolute;top:0;height:100%;min-width:2px}
.bar.phase{background:#90a4ae}.bar.passed{background:#43a047}.bar.failed{background:#e53935}
.row .time{width:5rem;flex:none;text-align:right}
.warnings li{color:#8a6d00}
`;

const pct = (n: number, total: number) => `${((100 * Math.max(0, n)) / Math.max(1, total)).toFixed(3)}%`;

/** A path that is already relative, made safe for an href (segments encoded, separators kept). */
function href(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function link(base: string | undefined, path: string, text: string): string {
  return base === undefined ? escapeHtml(text) : `<a href="${escapeHtml(href(`${base}/${path}`))}">${escapeHtml(text)}</a>`;
}

function observedText(observed: unknown): string {
  return typeof observed === 'string' ? observed : JSON.stringify(observed, null, 2);
}

function checksTable(run: JsonReport, runIndex: number, bundle: string | undefined): string {
  const rows = run.checks.map((c, i) => {
    const where = c.target !== undefined && bundle !== undefined ? link(bundle, `${c.target}/`, `${c.target}/`) : '';
    return `<tr class="check ${c.status}" id="run${runIndex}-check${i}" data-node="${escapeHtml(c.node ?? '')}">`
      + `<td class="status">${c.status === 'passed' ? 'PASS' : 'FAIL'}</td>`
      + `<td class="name">${escapeHtml(c.name)}</td><td>${escapeHtml(c.kind)}</td><td class="node">${escapeHtml(c.node ?? '')}</td>`
      + `<td>${c.mode}</td><td class="ms">${formatDuration(c.ms)}</td><td>${c.attempts}</td>`
      + `<td class="expected">${escapeHtml(c.expected)}</td><td class="observed"><pre>${escapeHtml(observedText(c.observed))}</pre></td>`
      + `<td class="bundle">${where}</td></tr>`;
  });
  return `<table class="checks"><thead><tr><th>status</th><th>check</th><th>kind</th><th>node</th><th>mode</th><th>time to hold</th><th>attempts</th><th>expected</th><th>observed</th><th>in the bundle</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function timelineRow(kind: string, label: string, at: number, ms: number, total: number): string {
  return `<div class="row ${kind}"><div class="label" title="${escapeHtml(label)}">${escapeHtml(label)}</div>`
    + `<div class="track"><div class="bar ${kind}" style="left:${pct(at, total)};width:${pct(ms, total)}" title="${escapeHtml(`${label}: ${formatDuration(ms)} from ${formatDuration(at)}`)}"></div></div>`
    + `<div class="time">${formatDuration(ms)}</div></div>`;
}

function timeline(run: JsonReport): string {
  // The axis spans the run, or whatever ended last if a time was measured past it.
  const ends = [run.ms, ...run.phases.map((p) => (p.at ?? 0) + p.ms), ...run.checks.map((c) => (c.at ?? 0) + c.ms)];
  const total = Math.max(1, ...ends);
  const phases = run.phases.filter((p) => p.at !== undefined).map((p) => timelineRow('phase', `phase ${p.name}`, p.at ?? 0, p.ms, total));
  const checks = run.checks.filter((c) => c.at !== undefined).map((c) => timelineRow(c.status, c.name, c.at ?? 0, c.ms, total));
  if (phases.length + checks.length === 0) return '<p>No timings were recorded.</p>';
  return `<div class="timeline" data-total-ms="${total}">
<h4>Phases</h4>
${phases.join('\n')}
<h4>Checks: time to hold (eventually) or held (consistently)</h4>
${checks.join('\n')}
</div>`;
}

function runSection(run: JsonReport, i: number, extras: HtmlRunExtras): string {
  const failed = run.checks.filter((c) => c.status === 'failed');
  const bundle = run.bundle === null ? undefined : extras.bundleHref;
  const out: string[] = [];
  out.push(`<section class="run" id="run${i}">`);
  out.push(`<h2>${escapeHtml(run.scenario)} <span class="verdict ${run.passed ? 'passed' : 'failed'}">${run.passed ? 'PASSED' : 'FAILED'}</span></h2>`);
  out.push(`<p>Runtime ${escapeHtml(run.runtime)}, lab ${escapeHtml(run.lab)}, started ${escapeHtml(run.startedAt)}, ${formatDuration(run.ms)}. `
    + `${run.checks.length} checks, ${run.checks.length - failed.length} passed, ${failed.length} failed.</p>`);
  if (run.bundle !== null) {
    out.push(`<p class="bundle-links">Failure bundle: ${link(bundle, 'index.md', 'index.md')} (why it exists and what it holds), ${link(bundle, 'result.json', 'result.json')}, ${link(bundle, 'timeline.txt', 'timeline.txt')}</p>`);
  }
  if (run.warnings.length > 0) out.push(`<ul class="warnings">${run.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`);
  if (extras.picture !== undefined) {
    out.push('<h3>Fabric</h3>');
    out.push('<p class="legend"><span><i class="swatch failed"></i>a check failed on this node</span><span><i class="swatch passed"></i>every check on this node passed</span></p>');
    out.push(`<div class="picture">${extras.picture}</div>`);
  }
  if (failed.length > 0) {
    out.push('<h3>Failures</h3><ul class="failures">');
    for (const f of run.failures) out.push(`<li><b>${escapeHtml(f.name)}</b>: ${escapeHtml(f.message)}</li>`);
    out.push('</ul>');
  }
  out.push('<h3>Checks</h3>', checksTable(run, i, bundle));
  out.push('<h3>Timeline</h3>', timeline(run));
  out.push('</section>');
  return out.join('\n');
}

export function renderHtmlReport(doc: JsonReport | JsonMultiReport, options: HtmlReportOptions): string {
  const runs = runsOf(doc);
  const passed = doc.passed;
  const title = runs.length === 1 && runs[0] ? `pelab run ${runs[0].scenario}` : `pelab run: ${runs.length} scenarios`;
  const toc = runs.length > 1
    ? `<ul class="toc">${runs.map((r, i) => `<li><a href="#run${i}">${escapeHtml(r.scenario)}</a> ${r.passed ? 'passed' : 'failed'}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head><body>
<h1>${escapeHtml(title)} <span class="verdict ${passed ? 'passed' : 'failed'}">${passed ? 'PASSED' : 'FAILED'}</span></h1>
${toc}
${runs.map((r, i) => runSection(r, i, options.runs[i] ?? {})).join('\n')}
</body></html>
`;
}
