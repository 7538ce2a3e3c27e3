// The command line's shape: every command, argument and option with its help and examples, built
// on commander (help, --version, "did you mean" and option parsing come from it). Actions only
// translate parsed options into calls of the command modules, which are loaded on demand so
// that `pelab --help` does not load FRR, Kubernetes or Docker code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { REPO_ROOT } from '../paths.ts';
import { OUTPUT_FORMATS, type GlobalOptions, type OutputFormat } from './options.ts';


/** Commands that take --runtime / --dry-run; the others reject them instead of ignoring them. */
const RUNTIME_COMMANDS = new Set(['up', 'down', 'status', 'exec', 'apply', 'delete', 'run', 'dump', 'matrix']);
const DRY_RUN_COMMANDS = new Set(['up', 'down', 'status', 'exec', 'apply', 'delete', 'run', 'dump']);

function version(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const outputOption = (): Option => new Option('-o, --output <format>', 'stdout format: text for people, json or yaml for scripts').choices(OUTPUT_FORMATS).default('text');

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** The exit code a command's action produced; commander's own parse result carries none. */
export interface ProgramResult {
  code: number;
}

export function buildProgram(result: ProgramResult): Command {
  const set = (code: number): void => {
    result.code = code;
  };
  const program = new Command('pelab')
    .description('Lab and end-to-end test harness for OpenPERouter and MetalLB on a leaf/spine EVPN fabric.')
    .version(version(), '-V, --version', 'print pelab\'s version')
    .addOption(new Option('--runtime <runtime>', 'where the lab runs (default netns, or $PELAB_RUNTIME)').choices(['netns', 'kind']))
    .option('--dry-run', 'kind only: print every command and API call instead of running it')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run pelab --help, or pelab <command> --help)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      `
LAB is a name under labs/ (default singlecluster) or a path. NAME is a lab instance (default: the
lab's name, or the one lab that is up). A kind lab is found by its work directory .pelab/kind/NAME/.
Exit codes: 0 passed, 1 a check failed, 2 bad input, 3 the lab could not be built.
${examples(['pelab run scenarios/metallb-evpn.yaml --demo', 'pelab up --lab mini && pelab status -o yaml', 'pelab --runtime kind up --dry-run', 'source <(pelab completion bash)'])}`,
    );

  program.hook('preAction', (_root, action) => {
    const g = program.opts<GlobalOptions>();
    const name = action.name();
    if (g.runtime !== undefined && !RUNTIME_COMMANDS.has(name)) action.error(`error: pelab ${name} takes no --runtime`, { exitCode: 2, code: 'pelab.runtimeOption' });
    if (g.dryRun && !DRY_RUN_COMMANDS.has(name)) action.error(`error: pelab ${name} has no --dry-run`, { exitCode: 2, code: 'pelab.dryRunOption' });
  });
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('up')
    .summary('build a lab and leave it up')
    .description('Build a lab and leave it up, to poke at with exec, apply and status.')
    .argument('[lab]', 'same as --lab')
    .option('--lab <lab>', 'lab name under labs/ or a lab file', undefined)
    .option('--name <name>', 'instance name (default: the lab\'s name); several instances run side by side')
    .option('--artifact <key=value>', 'kind: override a pinned artifact (image, chart, version); repeatable', collect)
    .addHelpText('after', examples(['pelab up', 'pelab up --lab mini --name mini2', 'pelab up --runtime kind --dry-run --lab mini']))
    .action(async (lab: string | undefined, o: { lab?: string; name?: string; artifact?: string[] }) => {
      const { up } = await import('./commands/lifecycle.ts');
      set(await up({ ...globals(), lab: o.lab ?? lab, name: o.name, artifact: o.artifact }));
    });

  program
    .command('down')
    .summary('remove a lab: namespaces, daemons, mounts and files (also after a crash)')
    .argument('[name]', 'same as --name')
    .option('--name <name>', 'the instance to remove (default: the one that is up)')
    .option('--lab <lab>', 'the instance named like this lab')
    .option('--all', 'every pelab lab on this machine (netns) or under .pelab/kind/ (kind)')
    .addHelpText('after', examples(['pelab down', 'pelab down --name mini2', 'pelab down --runtime kind --dry-run']))
    .action(async (name: string | undefined, o: { name?: string; lab?: string; all?: boolean }) => {
      const { down } = await import('./commands/lifecycle.ts');
      set(await down({ ...globals(), name: o.name ?? name, lab: o.lab, all: o.all ?? false }));
    });

  program
    .command('status')
    .summary('what is up, what is applied, and the emulation\'s deviations')
    .option('--name <name>', 'the instance (default: the one that is up)')
    .option('--lab <lab>', 'the instance named like this lab')
    .addOption(outputOption())
    .addOption(new Option('--json', 'same as -o json').hideHelp())
    .addHelpText('after', examples(['pelab status', 'pelab status --name mini2 -o json | jq .nodes']))
    .action(async (o: { name?: string; lab?: string; output: OutputFormat; json?: boolean }) => {
      const { status } = await import('./commands/lifecycle.ts');
      set(await status({ ...globals(), name: o.name, lab: o.lab, output: o.json ? 'json' : o.output }));
    });

  program
    .command('exec')
    .summary('run a command on a node; `vtysh` means that node\'s FRR')
    .description('Run a command on a node of a lab that is up. NODE is a router, a host, a cluster node (its\nhost side and speaker) or NODE:pe (that node\'s PE router). `vtysh` reaches that node\'s FRR.')
    .argument('<node>', 'router, host, cluster node, or cluster-node:pe')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--vrf <vrf>', 'run inside this VRF')
    .option('--name <name>', 'the instance (default: the one that is up)')
    .option('--lab <lab>', 'the instance named like this lab')
    .addHelpText('after', examples(["pelab exec leafA -- vtysh -c 'show bgp l2vpn evpn route type prefix'", 'pelab exec pe-kind-worker:pe --vrf red -- ip route', 'pelab exec hostA_red -- curl -s 172.30.0.10']))
    .action(async (node: string, command: string[], o: { vrf?: string; name?: string; lab?: string }) => {
      const { exec } = await import('./commands/lifecycle.ts');
      set(await exec(node, command, { ...globals(), vrf: o.vrf, name: o.name, lab: o.lab }));
    });

  for (const mode of ['apply', 'delete'] as const) {
    program
      .command(mode)
      .summary(`${mode} Kubernetes manifests on a running lab`)
      .argument('[manifests...]', 'manifest files')
      .option('-f, --filename <file>', 'a manifest file (repeatable, like kubectl)', collect)
      .option('--name <name>', 'the instance (default: the one that is up)')
      .option('--lab <lab>', 'the instance named like this lab')
      .addHelpText('after', examples([`pelab ${mode} scenarios/metallb-evpn/manifests/*.yaml`, `pelab ${mode} -f l3vni.yaml --name mini2`]))
      .action(async (files: string[], o: { filename?: string[]; name?: string; lab?: string }) => {
        const { applyOrDelete } = await import('./commands/lifecycle.ts');
        set(await applyOrDelete(mode, [...(o.filename ?? []), ...files], { ...globals(), name: o.name, lab: o.lab }));
      });
  }

  program
    .command('run')
    .summary('bring up (or reuse) a lab, apply, check, tear down')
    .description('Run scenarios end to end: bring up (or reuse) the lab, apply the manifests, run the steps and\nchecks, write reports and a failure bundle, and tear the lab down (unless --keep).')
    .argument('<scenarios...>', 'scenario files')
    .option('--keep', 'leave the lab up afterwards')
    .option('--name <name>', 'instance name (default: the lab\'s name)')
    .option('--json <file>', 'write the JSON report to this file')
    .option('--junit <file>', 'write the JUnit report to this file')
    .option('--html <file>', 'write a self-contained HTML report to this file (fabric picture, checks, timeline, bundle links)')
    .option('--bundle-dir <dir>', 'where failure bundles go', 'out/bundles')
    .option('--demo', 'end with what a person would check by hand')
    .option('--artifact <key=value>', 'kind: override a pinned artifact (image, chart, version); repeatable', collect)
    .addOption(outputOption())
    .addHelpText('after', examples(['pelab run scenarios/metallb-evpn.yaml', 'pelab run scenarios/*.yaml --junit out/junit.xml --html out/report.html', 'pelab run scenarios/mini-evpn.yaml -o json > result.json', 'pelab run scenarios/metallb-evpn.yaml --runtime kind --dry-run']))
    .action(async (files: string[], o: { keep?: boolean; name?: string; json?: string; junit?: string; html?: string; artifact?: string[]; bundleDir: string; demo?: boolean; output: OutputFormat }) => {
      const { runCommand } = await import('./commands/run.ts');
      set(await runCommand(files, { ...globals(), ...o }));
    });

  program
    .command('validate')
    .summary('check scenarios, manifests and lab files without running anything')
    .argument('<files...>', 'scenario, manifest or lab files')
    .addOption(outputOption())
    .addHelpText('after', examples(['pelab validate scenarios/*.yaml labs/*.yaml', 'pelab validate my-l3vni.yaml -o json']))
    .action(async (files: string[], o: { output: OutputFormat }) => {
      const { validate } = await import('./commands/validate.ts');
      set(await validate(files, o));
    });

  program
    .command('dump')
    .summary('write the failure bundle of a running lab on demand')
    .option('--name <name>', 'the instance (default: the one that is up)')
    .option('--lab <lab>', 'the instance named like this lab')
    .option('--out <dir>', 'bundle directory (default out/dumps/NAME-TIME)')
    .addHelpText('after', examples(['pelab dump', 'pelab dump --name mini2 --out /tmp/bundle']))
    .action(async (o: { name?: string; lab?: string; out?: string }) => {
      const { dump } = await import('./commands/dump.ts');
      set(await dump({ ...globals(), ...o }));
    });

  program
    .command('graph')
    .summary('draw the fabric (Mermaid, DOT, SVG or a self-contained HTML page)')
    .argument('[lab]', 'same as --lab')
    .option('--lab <lab>', 'lab name under labs/ or a lab file (default singlecluster)')
    .addOption(new Option('--format <format>', 'mermaid and dot are text; svg and html are rendered in-process').choices(['mermaid', 'dot', 'svg', 'html']).default('mermaid'))
    .addHelpText('after', examples(['pelab graph --lab mini', 'pelab graph --format svg > fabric.svg', 'pelab graph --format html > fabric.html']))
    .action(async (lab: string | undefined, o: { lab?: string; format: 'mermaid' | 'dot' | 'svg' | 'html' }) => {
      const { graph } = await import('./commands/graph.ts');
      set(await graph({ lab: o.lab ?? lab, format: o.format }));
    });

  program
    .command('matrix')
    .summary('the shipped scenarios as a GitHub Actions matrix (one line of JSON)')
    .option('--tags <tags>', 'comma-separated tags that must all be present; !tag excludes')
    .addHelpText('after', examples(['pelab matrix --runtime kind', 'pelab matrix --tags evpn,!slow']))
    .action(async (o: { tags?: string }) => {
      const { matrix } = await import('./commands/matrix.ts');
      set(await matrix({ ...globals(), ...o }));
    });

  program
    .command('list')
    .summary('the shipped scenarios')
    .addOption(outputOption())
    .addHelpText('after', examples(['pelab list', 'pelab list -o json']))
    .action(async (o: { output: OutputFormat }) => {
      const { list } = await import('./commands/matrix.ts');
      set(await list(o));
    });

  program
    .command('doctor')
    .summary('kind: what pelab up --runtime kind would trip over, before anything is created')
    .option('--lab <lab>', 'lab name under labs/ or a lab file (default singlecluster)')
    .option('--artifact <key=value>', 'override a pinned artifact (image, chart, version); repeatable', collect)
    .option('--json', 'print the checks as JSON')
    .addHelpText('after', examples(['pelab doctor', 'pelab doctor --lab mini --json']))
    .action(async (o: { lab?: string; artifact?: string[]; json?: boolean }) => {
      const { doctor } = await import('./commands/doctor.ts');
      set(await doctor(o));
    });

  program
    .command('completion')
    .summary('print a shell completion script')
    .description('Print a completion script for bash or zsh: commands, options, scenario files, lab names,\ninstance names and node names.')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .addHelpText('after', examples(['source <(pelab completion bash)', 'pelab completion zsh > "${fpath[1]}/_pelab"']))
    .action(async (shell: 'bash' | 'zsh') => {
      const { completionScript } = await import('./completion.ts');
      process.stdout.write(completionScript(shell));
      set(0);
    });

  // What the completion scripts call: candidates for the word under the cursor, one a line.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { complete } = await import('./completion.ts');
      const candidates = await complete(program, words);
      if (candidates.length > 0) process.stdout.write(`${candidates.join('\n')}\n`);
      set(0);
    });

  return program;
}
