#!/usr/bin/env node
// pelab's command line. Exit codes: 0 passed, 1 a check failed, 2 bad input (usage errors too),
// 3 the lab could not be built. An error pelab did not foresee prints one line; its stack trace
// only with PELAB_DEBUG=1.
import { CommanderError } from 'commander';
import { ExitCode, InputError, InputErrors, LabBuildError, LabNotUpError } from '../errors.ts';
import { buildProgram, type ProgramResult } from './program.ts';

/** Commander's "errors" that are a successful answer (help or version printed). */
const ANSWERED = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

export async function main(argv: readonly string[]): Promise<number> {
  const result: ProgramResult = { code: ExitCode.ok };
  const program = buildProgram(result);
  program.exitOverride();
  // Every subcommand reports usage errors through the same override instead of process.exit.
  for (const c of program.commands) c.exitOverride();
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return ExitCode.badInput;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (e) {
    return reportError(e);
  }
}

/** Prints what went wrong for the user and returns the exit code it stands for. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander has already printed the message (and a suggestion) on stderr.
    return ANSWERED.has(e.code) ? ExitCode.ok : ExitCode.badInput;
  }
  if (e instanceof InputError || e instanceof InputErrors) {
    process.stderr.write(`pelab: bad input:\n${e.message.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
    return ExitCode.badInput;
  }
  if (e instanceof LabNotUpError) {
    process.stderr.write(`pelab: ${e.message}\n`);
    return ExitCode.labBuildFailed;
  }
  if (e instanceof LabBuildError) {
    process.stderr.write(`pelab: the lab could not be built: ${e.message}\n`);
    return ExitCode.labBuildFailed;
  }
  const line = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
  process.stderr.write(`pelab: unexpected error: ${line}\n`);
  if (process.env.PELAB_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('  (run again with PELAB_DEBUG=1 for the stack trace)\n');
  return ExitCode.labBuildFailed;
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('/src/cli/main.ts')) {
  // `pelab graph | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}
