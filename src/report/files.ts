// The edge where reports become files: `--json` and `--junit` paths, parent directories created.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RunResult } from './result.ts';
import { stringifyReport, toJsonDocument } from './json.ts';
import { toJUnit } from './junit.ts';

export interface ReportPaths {
  readonly json?: string | undefined;
  readonly junit?: string | undefined;
}

/** Writes the requested reports; returns the absolute paths written. */
export async function writeReports(results: RunResult | readonly RunResult[], paths: ReportPaths): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string, content: string) => {
    const abs = resolve(path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
    written.push(abs);
  };
  if (paths.json) await put(paths.json, stringifyReport(toJsonDocument(results)));
  if (paths.junit) await put(paths.junit, toJUnit(results));
  return written;
}
