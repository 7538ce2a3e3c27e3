// pelab run: scenarios end to end, with console, JSON and JUnit results and failure bundles.
import { InputError, ExitCode } from '../../errors.ts';
import { createConsoleReporter, formatDemo } from '../../report/console.ts';
import { writeReports } from '../../report/files.ts';
import type { RunResult } from '../../report/result.ts';
import { loadScenario } from '../../scenario/load.ts';
import { runScenario } from '../../scenario/run.ts';
import { parse, runtimeKind } from '../args.ts';
import { claimInstance, type Claim } from '../../runtime/claim.ts';

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    runtime: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'string' },
    junit: { type: 'string' },
    'bundle-dir': { type: 'string' },
    name: { type: 'string' },
    demo: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    artifact: { type: 'string', multiple: true },
  });
  if (positionals.length === 0) throw new InputError('command line', 'run', 'pelab run <scenario files...>');
  const kind = runtimeKind(values.runtime);
  // Load everything first: bad input anywhere stops the run before any lab is built.
  const scenarios = [];
  for (const file of positionals) scenarios.push(await loadScenario(file));
  for (const s of scenarios) {
    if (!s.runtimes.includes(kind)) throw new InputError(s.file, 'spec.runtimes', `a list that includes ${kind} (this scenario runs on ${s.runtimes.join(', ')})`);
  }

  // One pelab at a time per lab instance: held for the whole command (a dry run changes nothing).
  const claims: Claim[] = [];
  if (!values['dry-run']) {
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
      const reporter = createConsoleReporter({ stream: process.stdout });
      try {
        const outcome = await runScenario(s, {
          runtime: kind,
          ...(values.name ? { instance: values.name } : {}),
          keep: values.keep ?? false,
          reporter,
          bundleDir: values['bundle-dir'] ?? 'out/bundles',
          dryRun: values['dry-run'] ?? false,
          artifacts: values.artifact ?? [],
          signal: controller.signal,
        });
        // A dry run checked nothing: it has no results to report and no demo view.
        if (!values['dry-run']) {
          results.push(outcome.result);
          if (values.demo) process.stdout.write(`\n${formatDemo(outcome.result.checks, { sessions: outcome.sessions, services: outcome.services }, { color: process.stdout.isTTY === true && !process.env.NO_COLOR })}\n`);
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
    if (values['dry-run'] && (values.json || values.junit)) process.stderr.write('dry run: no --json/--junit report written\n');
    else if (values.json || values.junit) {
      const written = await writeReports(results, { ...(values.json ? { json: values.json } : {}), ...(values.junit ? { junit: values.junit } : {}) });
      for (const f of written) process.stderr.write(`wrote ${f}\n`);
    }
  }
  return controller.signal.aborted ? 130 : exitCode;
}
