#!/usr/bin/env node
// pelab's command line. Exit codes: 0 passed, 1 a check failed, 2 bad input, 3 the lab could
// not be built.
import { ExitCode, InputError, InputErrors, LabBuildError } from '../errors.ts';

const USAGE = `pelab: lab and e2e harness for OpenPERouter + MetalLB on a leaf/spine EVPN fabric

usage:
  pelab up [--lab LAB] [--name NAME] [--artifact KEY=VALUE...] [RUNTIME]
  pelab down [--name NAME | --all] [RUNTIME]
  pelab status [--name NAME] [--json] [RUNTIME]
  pelab exec <node>[:pe] [--vrf VRF] [--name NAME] [RUNTIME] -- <command...>
  pelab apply|delete [--name NAME] [RUNTIME] <manifest files...>
  pelab run <scenario...> [--runtime netns|kind] [--keep] [--json FILE] [--junit FILE]
            [--bundle-dir DIR] [--name NAME] [--demo] [--dry-run] [--artifact KEY=VALUE...]
  pelab validate <scenario or manifest files...>
  pelab dump [--name NAME] [--out DIR] [RUNTIME]
  pelab graph [--lab LAB] [--format mermaid|dot]
  pelab matrix [--tags a,b] [--runtime netns|kind]
  pelab list
  pelab doctor [--lab LAB] [--artifact KEY=VALUE...] [--json]   (kind: what up would fail on)

LAB is a name under labs/ (default singlecluster) or a path. NAME defaults to the lab's name.
RUNTIME is [--runtime netns|kind] [--dry-run] (default netns, or $PELAB_RUNTIME). A kind lab
is found by its work directory .pelab/kind/<NAME>/ under the current directory; --dry-run
(kind only) prints every command and API call instead of running it.
Exit codes: 0 passed, 1 a check failed, 2 bad input, 3 the lab could not be built.`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  up: async () => (await import('./commands/lifecycle.ts')).up,
  down: async () => (await import('./commands/lifecycle.ts')).down,
  status: async () => (await import('./commands/lifecycle.ts')).status,
  exec: async () => (await import('./commands/lifecycle.ts')).exec,
  apply: async () => (await import('./commands/lifecycle.ts')).apply,
  delete: async () => (await import('./commands/lifecycle.ts')).remove,
  run: async () => (await import('./commands/run.ts')).runCommand,
  validate: async () => (await import('./commands/validate.ts')).validate,
  dump: async () => (await import('./commands/dump.ts')).dump,
  graph: async () => (await import('./commands/graph.ts')).graph,
  matrix: async () => (await import('./commands/matrix.ts')).matrix,
  list: async () => (await import('./commands/matrix.ts')).list,
  doctor: async () => (await import('./commands/doctor.ts')).doctor,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? ExitCode.ok : ExitCode.badInput;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`pelab: unknown command "${name}"\n\n${USAGE}\n`);
    return ExitCode.badInput;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (e instanceof InputError || e instanceof InputErrors) {
      process.stderr.write(`pelab: bad input:\n${e.message.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
      return ExitCode.badInput;
    }
    if (e instanceof LabBuildError) {
      process.stderr.write(`pelab: the lab could not be built: ${e.message}\n`);
      return ExitCode.labBuildFailed;
    }
    process.stderr.write(`pelab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.labBuildFailed;
  }
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('/src/cli/main.ts')) {
  // `pelab graph | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}
