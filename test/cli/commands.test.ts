// The command line's user interface, in-process: help for every command, --version, "did you
// mean", options before the command, completion, and -o json|yaml.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { complete, completionScript, type CompletionSources } from '../../src/cli/completion.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { repoRoot } from '../lab/helpers.ts';
import { pelab } from './in-process.ts';

const COMMANDS = ['up', 'down', 'status', 'exec', 'apply', 'delete', 'run', 'validate', 'dump', 'graph', 'matrix', 'list', 'doctor', 'completion'];

describe('help and version', () => {
  it('lists every command in pelab --help (exit 0) and prints help with no command (exit 2)', async () => {
    const r = await pelab(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).not.toContain('__complete');
    const bare = await pelab([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: pelab');
  });

  it.each(COMMANDS)('pelab %s --help: usage, options and examples, exit 0', async (command) => {
    const r = await pelab([command, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage: pelab ${command}`);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('  $ ');
    const viaHelp = await pelab(['help', command]);
    expect(viaHelp.stdout).toBe(r.stdout);
  });

  it('--version prints package.json\'s version', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await pelab(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

describe('usage errors: exit 2 with a suggestion', () => {
  it('suggests the command meant', async () => {
    const r = await pelab(['stauts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(Did you mean status?)');
  });

  it('suggests the option meant', async () => {
    const r = await pelab(['run', 'scenarios/mini-evpn.yaml', '--jnuit', 'x.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(Did you mean --junit?)');
  });

  it('rejects --runtime and --dry-run on commands that have no use for them', async () => {
    const g = await pelab(['graph', '--runtime', 'kind']);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('pelab graph takes no --runtime');
    const v = await pelab(['validate', '--dry-run', 'scenarios/mini-evpn.yaml']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('pelab validate has no --dry-run');
  });

  it('rejects an -o format it does not know', async () => {
    const r = await pelab(['list', '-o', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are text, json, yaml');
  });
});

describe('options before the command', () => {
  it('pelab --runtime kind --dry-run up equals pelab up --runtime kind --dry-run', async () => {
    const before = await pelab(['--runtime', 'kind', '--dry-run', 'up', '--lab', 'mini', '--name', 'cli-order']);
    const after = await pelab(['up', '--lab', 'mini', '--name', 'cli-order', '--runtime', 'kind', '--dry-run']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain('containerlab deploy');
    expect(before.stdout).toBe(after.stdout);
  });
});

describe('-o json|yaml', () => {
  it('list: the shipped scenarios as JSON and as the same YAML', async () => {
    const j = await pelab(['list', '-o', 'json']);
    expect(j.code).toBe(0);
    const rows = JSON.parse(j.stdout) as { name: string; file: string; lab: string; runtimes: string[] }[];
    expect(rows.map((r) => r.name)).toContain('mini-evpn');
    expect(rows.find((r) => r.name === 'mini-evpn')).toMatchObject({ file: 'scenarios/mini-evpn.yaml', lab: 'mini' });
    const y = await pelab(['list', '-o', 'yaml']);
    expect(parseYaml(y.stdout)).toEqual(rows);
  });

  it('validate: one entry per file; bad files carry file, line, path and expectation (exit 2)', async () => {
    const r = await pelab(['validate', 'scenarios/mini-evpn.yaml', 'labs/mini.yaml', '/dev/null', '-o', 'json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { file: string; ok: boolean; kind: string; errors: { expected: string }[] }[];
    expect(doc.map((d) => [d.file, d.ok, d.kind])).toEqual([
      ['scenarios/mini-evpn.yaml', true, 'Scenario'],
      ['labs/mini.yaml', true, 'Lab'],
      ['/dev/null', false, 'unknown'],
    ]);
    expect(doc[2]!.errors[0]!.expected).toContain('this file is empty');
  });

  it('status on kind (dry run): JSON alone on stdout, the commands on stderr', async () => {
    const r = await pelab(['status', '--runtime', 'kind', '--dry-run', '--lab', 'mini', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { lab: string; runtime: string };
    expect(s).toMatchObject({ lab: 'mini', runtime: 'kind' });
    expect(r.stderr).toContain('$ containerlab inspect');
  });
});

describe('completion', () => {
  const sources: CompletionSources = {
    labs: () => ['mini', 'singlecluster'],
    instances: async () => ['mini', 'team-a'],
    nodes: async (lab) => (lab === 'mini' ? ['edge1', 'tor1', 'client_red', 'mini-control-plane', 'mini-control-plane:pe'] : ['leafA', 'leafB']),
    entries: (dir) =>
      dir === '' ? [{ name: 'scenarios', dir: true }, { name: 'README.md', dir: false }, { name: 'x.yaml', dir: false }] : dir === 'scenarios/' ? [{ name: 'mini-evpn.yaml', dir: false }, { name: 'mini-evpn', dir: true }, { name: 'notes.txt', dir: false }] : [],
  };
  const program = buildProgram({ code: 0 });
  const c = (...words: string[]) => complete(program, words, sources);

  it('completes commands, options and option values', async () => {
    expect(await c('st')).toEqual(['status']);
    expect(await c('--runtime', 'kind', 'd')).toEqual(['down', 'delete', 'dump', 'doctor']);
    expect(await c('run', '--ju')).toEqual(['--junit']);
    expect(await c('--runtime', '')).toEqual(['netns', 'kind']);
    expect(await c('graph', '--format', 's')).toEqual(['svg']);
    expect(await c('status', '-o', '')).toEqual(['text', 'json', 'yaml']);
  });

  it('completes scenario files, lab names, instances and node names', async () => {
    expect(await c('run', '')).toEqual(['scenarios/', 'x.yaml']);
    expect(await c('validate', 'scenarios/mi')).toEqual(['scenarios/mini-evpn.yaml', 'scenarios/mini-evpn/'].sort());
    expect(await c('up', '--lab', 'm')).toEqual(['mini']);
    expect(await c('graph', 's')).toEqual(['singlecluster']);
    expect(await c('down', '--name', 't')).toEqual(['team-a']);
    expect(await c('exec', '--lab', 'mini', 'mini-')).toEqual(['mini-control-plane', 'mini-control-plane:pe']);
    expect(await c('exec', 'leafA', 'v')).toEqual([]);
  });

  it('against this machine: lab names from labs/ and node names of a real lab', async () => {
    const labs = await complete(program, ['up', '--lab', '']);
    expect(labs).toContain('singlecluster');
    expect(labs).toContain('mini');
    expect(await complete(program, ['exec', '--lab', 'singlecluster', 'leafA'])).toEqual(['leafA']);
  });

  it('the scripts call pelab __complete, which answers in-process', async () => {
    expect(completionScript('bash')).toContain('complete -o default -F _pelab pelab');
    expect(completionScript('bash')).toContain('pelab __complete');
    expect(completionScript('zsh')).toContain('compdef _pelab pelab');
    const r = await pelab(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(completionScript('bash'));
    const words = await pelab(['__complete', 'gr']);
    expect(words.stdout).toBe('graph\n');
    expect((await pelab(['completion', 'fish'])).code).toBe(2);
  });
});

describe('graph formats', () => {
  it('svg: rendered in-process, every node labelled, VRF colours present', async () => {
    const r = await pelab(['graph', '--lab', resolve(repoRoot, 'labs', 'mini.yaml'), '--format', 'svg']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<!-- Generated by graphviz/);
    expect(r.stdout).toContain('<svg');
    // Graphviz writes "-" as &#45; in text.
    const text = r.stdout.replace(/&#45;/g, '-');
    for (const n of ['edge1', 'tor1', 'client_red', 'mini-control-plane', 'router-id 10.91.0.1']) expect(text).toContain(`>${n}</text>`);
    expect(r.stdout).toContain('#d62728'); // red VRF
  });

  it('html: a self-contained page around the same picture', async () => {
    const r = await pelab(['graph', 'mini', '--format', 'html']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/);
    expect(r.stdout).toContain('<svg');
    expect(r.stdout).not.toMatch(/<script|<link|src="http/);
  });
});
