// pelab run: scenarios end to end, with console, JSON and JUnit results and failure bundles.
import { InputError, ExitCode } from '../../errors.ts';
import { createConsoleReporter, formatDemo } from '../../report/console.ts';
import { writeReports } from '../../report/files.ts';
import type { RunResult } from '../../report/result.ts';
import { loadScenario } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';
import { stringifyReport, toJsonDocument } from '../../report/json.ts';
import { instanceOption, runtimeKind } from '../args.ts';
import { formatOutput } from '../output.ts';
import type { GlobalOptions, OutputFormat } from '../options.ts';
import { claimInstance, type Claim } from '../../runtime/claim.ts';

interface RunOptions extends GlobalOptions {
  readonly keep?: boolean | undefined;
  readonly name?: string | undefined;
  /** Report files. */
  readonly json?: string | undefined;
  readonly junit?: string | undefined;
  readonly html?: string | undefined;
  readonly bundleDir: string;
  readonly demo?: boolean | undefined;
  readonly artifact?: readonly string[] | undefined;
  /** stdout: the console view (text) or the JSON report as JSON or YAML. */
  readonly output: OutputFormat;
}

export async function runCommand(files: readonly string[], values: RunOptions): Promise<number> {
  if (files.length === 0) throw new InputError('command line', 'run', 'pelab run <scenario files...>');
  const kind = runtimeKind(values.runtime);
  instanceOption(values.name);
  // Load everything first: bad input anywhere stops the run before any lab is built.
  const scenarios = [];
  for (const file of files) scenarios.push(await loadScenario(file));
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    if (!s.runtimes.includes(kind)) throw new InputError(s.file, 'spec.runtimes', `a list that includes ${kind} (this scenario runs on ${s.runtimes.join(', ')})`);
    // Reports, JUnit cases and bundle folders are keyed by scenario name: two would collide.
    const other = seen.get(s.name);
    if (other !== undefined) throw new InputError(s.file, 'metadata.name', `a scenario name not used by another scenario of this run ("${s.name}" is also the name of ${other})`);
    seen.set(s.name, s.file);
  }
  const machine = values.output !== 'text';
  // With -o json|yaml, stdout carries the document alone; the console view moves to stderr.
  const consoleStream = machine ? process.stderr : process.stdout;

  // One pelab at a time per lab instance: held for the whole command (a dry run changes nothing).
  const claims: Claim[] = [];
  if (!values.dryRun) {
    try {
      for (const instance of [...new Set(scenarios.map((s) => values.name ?? s.lab.name))].sort()) claims.push(claimInstance(instance, 'run'));
    } catch (e) {
      for (const c of claims) c.release();
      throw e;
    }
  }

  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\n${sig}: stopping; the lab is being removed...\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results: RunResult[] = [];
  let exitCode: number = ExitCode.ok;
  try {
    for (const s of scenarios) {
      const reporter = createConsoleReporter({ stream: consoleStream });
      try {
        const outcome = await runScenario(s, {
          runtime: kind,
          ...(values.name ? { instance: values.name } : {}),
          keep: values.keep ?? false,
          reporter,
          bundleDir: values.bundleDir,
          dryRun: values.dryRun ?? false,
          artifacts: [...(values.artifact ?? [])],
          signal: controller.signal,
        });
        // A dry run checked nothing: it has no results to report and no demo view.
        if (!values.dryRun) {
          results.push(outcome.result);
          if (values.demo) consoleStream.write(`\n${formatDemo(outcome.result.checks, { sessions: outcome.sessions, services: outcome.services }, { color: consoleStream.isTTY === true && !process.env.NO_COLOR })}\n`);
        }
        exitCode = Math.max(exitCode, outcome.exitCode);
      } finally {
        reporter.close();
      }
      if (controller.signal.aborted) break;
    }
  } finally {
    for (const c of claims) c.release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (values.dryRun && (values.json || values.junit || values.html)) process.stderr.write('dry run: no --json/--junit/--html report written\n');
    else if (values.json || values.junit || values.html) {
      const labs = new Map(scenarios.map((s) => [s.name, s.lab]));
      const written = await writeReports(results, { json: values.json, junit: values.junit, html: values.html }, { labs });
      for (const f of written) process.stderr.write(`wrote ${f}\n`);
    }
  }
  if (machine && !values.dryRun) {
    const doc = toJsonDocument(results);
    process.stdout.write(values.output === 'json' ? stringifyReport(doc) : formatOutput(doc, 'yaml'));
  }
  return controller.signal.aborted ? 130 : exitCode;
}
