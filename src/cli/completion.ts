// Shell completion: the scripts bash and zsh load, and the candidates they ask pelab for
// (`pelab __complete WORDS...`): commands, options and their choices, scenario and manifest
// files, lab names, lab instances that are up, and node names.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command, Option } from 'commander';
import { REPO_ROOT } from '../paths.ts';

export function completionScript(shell: 'bash' | 'zsh'): string {
  if (shell === 'bash') {
    return `# pelab bash completion: source <(pelab completion bash)
_pelab() {
  local IFS=$'\\n'
  COMPREPLY=( $(pelab __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
  # A directory is a step on the way to a file: no space after it.
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]]; then compopt -o nospace; fi
}
complete -o default -F _pelab pelab
`;
  }
  return `#compdef pelab
# pelab zsh completion: pelab completion zsh > "\${fpath[1]}/_pelab"
_pelab() {
  local -a candidates
  candidates=("\${(@f)$(pelab __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if (( \${#candidates[@]} )) && [[ -n \${candidates[1]} ]]; then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
compdef _pelab pelab
`;
}

/** What a completion needs to know about the machine; injectable so tests need no labs. */
export interface CompletionSources {
  labs(): string[];
  instances(): Promise<string[]>;
  nodes(lab: string | undefined): Promise<string[]>;
  entries(dir: string): { name: string; dir: boolean }[];
}

function listDir(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir || '.', { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  } catch {
    return [];
  }
}

const machineSources: CompletionSources = {
  labs: () => listDir(join(REPO_ROOT, 'labs')).filter((e) => !e.dir && e.name.endsWith('.yaml')).map((e) => e.name.slice(0, -'.yaml'.length)).sort(),
  async instances() {
    const { providerOf, RUNTIME_KINDS } = await import('../runtime/registry.ts');
    const names: string[] = [];
    for (const kind of RUNTIME_KINDS) names.push(...(await (await providerOf(kind)).list().catch(() => [])));
    return [...new Set(names)].sort();
  },
  async nodes(lab) {
    const { labFromOption } = await import('./args.ts');
    const { cliTargetNames } = await import('../runtime/roles.ts');
    return cliTargetNames(await labFromOption(lab));
  },
  entries: listDir,
};

/** Files ending in .yaml/.yml and directories under the typed prefix. */
function yamlFiles(cur: string, sources: CompletionSources): string[] {
  const dir = cur.endsWith('/') ? cur : dirname(cur) === '.' && !cur.startsWith('./') ? '' : `${dirname(cur)}/`;
  return sources
    .entries(dir)
    .filter((e) => !e.name.startsWith('.') && (e.dir || /\.ya?ml$/.test(e.name)))
    .map((e) => `${dir}${e.name}${e.dir ? '/' : ''}`)
    .sort();
}

const longName = (o: Option): string | undefined => o.long ?? undefined;
const takesValue = (o: Option): boolean => o.required || o.optional;

function findOption(cmds: readonly Command[], flag: string): Option | undefined {
  for (const c of cmds) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/**
 * Candidates for the last word of `words` (the words after `pelab`, the last one being typed).
 * Pure given its sources.
 */
export async function complete(program: Command, words: readonly string[], sources: CompletionSources = machineSources): Promise<string[]> {
  const cur = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const visible = program.commands.filter((c) => !c.name().startsWith('__'));
  // Walk the typed words: the command, the options with their values, the positionals.
  let command: Command | undefined;
  const positionals: string[] = [];
  const given = new Map<string, string>();
  let pending: Option | undefined;
  for (const w of before) {
    const scope = command ? [command, program] : [program];
    if (pending) {
      given.set(pending.long ?? '', w);
      pending = undefined;
    } else if (w.startsWith('-')) {
      const o = findOption(scope, w.split('=')[0]!);
      if (o && takesValue(o) && !w.includes('=')) pending = o;
    } else if (!command) {
      command = visible.find((c) => c.name() === w);
    } else positionals.push(w);
  }
  const prefixed = (xs: readonly string[]): string[] => xs.filter((x) => x.startsWith(cur));
  if (pending) return prefixed(await valuesOf(pending, sources));
  if (cur.startsWith('-')) {
    const scope = command ? [command, program] : [program];
    return prefixed(scope.flatMap((c) => c.options.filter((o) => !o.hidden).map(longName)).filter((x): x is string => x !== undefined).concat(['--help']));
  }
  if (!command) return prefixed(visible.map((c) => c.name()));
  switch (command.name()) {
    case 'run':
    case 'validate':
    case 'apply':
    case 'delete':
      return prefixed(yamlFiles(cur, sources));
    case 'up':
    case 'graph':
      return positionals.length === 0 ? prefixed(sources.labs()) : [];
    case 'down':
      return positionals.length === 0 ? prefixed(await sources.instances()) : [];
    case 'exec':
      return positionals.length === 0 ? prefixed(await sources.nodes(given.get('--lab'))) : [];
    case 'completion':
      return prefixed(['bash', 'zsh']);
    default:
      return [];
  }
}

async function valuesOf(option: Option, sources: CompletionSources): Promise<string[]> {
  if (option.argChoices) return [...option.argChoices];
  switch (option.long) {
    case '--lab':
      return sources.labs();
    case '--name':
      return sources.instances();
    default:
      // Files, directories and free text: the shell's own completion takes over.
      return [];
  }
}

