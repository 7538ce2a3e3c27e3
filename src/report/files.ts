// The edge where reports become files: `--json`, `--junit` and `--html` paths, parent directories
// created. The HTML report's pictures are drawn here (Graphviz in WebAssembly); the page itself is
// a pure rendering of the JSON report (html.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Lab } from '../lab/model.ts';
import type { RunResult } from './result.ts';
import { stringifyReport, toJsonDocument } from './json.ts';
import { toJUnit } from './junit.ts';
import { toDot } from './graph.ts';
import { nodeMarks, renderHtmlReport, runsOf, type HtmlRunExtras } from './html.ts';
import { dotToSvg } from './svg.ts';

interface ReportPaths {
  readonly json?: string | undefined;
  readonly junit?: string | undefined;
  readonly html?: string | undefined;
}

interface ReportContext {
  /** The lab each run used, by scenario name: the HTML report draws it. */
  readonly labs?: ReadonlyMap<string, Lab>;
}

/** Writes the requested reports; returns the absolute paths written. */
export async function writeReports(results: RunResult | readonly RunResult[], paths: ReportPaths, context: ReportContext = {}): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string, content: string) => {
    const abs = resolve(path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
    written.push(abs);
  };
  if (paths.json) await put(paths.json, stringifyReport(toJsonDocument(results)));
  if (paths.junit) await put(paths.junit, toJUnit(results));
  if (paths.html) await put(paths.html, await htmlReport(results, resolve(paths.html), context));
  return written;
}

/** The HTML page for `file`: pictures drawn per run, bundle links relative to where the page lies. */
export async function htmlReport(results: RunResult | readonly RunResult[], file: string, context: ReportContext = {}): Promise<string> {
  const doc = toJsonDocument(results);
  const extras: HtmlRunExtras[] = [];
  for (const run of runsOf(doc)) {
    const lab = context.labs?.get(run.scenario);
    const picture = lab ? await dotToSvg(toDot(lab, { marks: nodeMarks(run) })) : undefined;
    const bundleHref = run.bundle === null ? undefined : relative(dirname(file), resolve(run.bundle)).split(sep).join('/') || '.';
    extras.push({ ...(picture === undefined ? {} : { picture }), ...(bundleHref === undefined ? {} : { bundleHref }) });
  }
  return renderHtmlReport(doc, { runs: extras });
}
