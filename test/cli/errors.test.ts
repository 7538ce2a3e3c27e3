// Bad input is the user's mistake, never a crash: exit 2 naming the file and the place, no stack
// trace (issue 10 part 3). Runs the CLI in-process; one case spawns bin/pelab to prove the same
// of the real process.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/main.ts';
import { repoRoot } from '../lab/helpers.ts';
import { pelab, tempDirs } from './in-process.ts';

const tmp = tempDirs('pelab-errors-');

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);

/** A copy of the metallb-evpn scenario with its manifests, one line replaced. */
function scenarioCopy(edit: (text: string) => string, file = 'metallb-evpn.yaml'): string {
  const dir = tmp();
  cpSync(resolve(repoRoot, 'scenarios', 'metallb-evpn'), join(dir, 'metallb-evpn'), { recursive: true });
  const text = readFileSync(resolve(repoRoot, 'scenarios', 'metallb-evpn.yaml'), 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  writeFileSync(join(dir, file), edited);
  return join(dir, file);
}

describe('exit 2 with the file and the place', () => {
  it('a YAML alias bomb', async () => {
    const file = join(tmp(), 'bomb.yaml');
    const level = (n: number) => `l${n}: &l${n} [${Array(9).fill(`*l${n - 1}`).join(', ')}]`;
    writeFileSync(file, ['l0: &l0 ["lol"]', ...[1, 2, 3, 4, 5, 6, 7, 8].map(level), 'kind: Scenario', ''].join('\n'));
    for (const args of [['validate', file], ['run', file]]) {
      const r = await pelab(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`${file}:1: (document): YAML whose aliases expand to at most 100 nodes`);
      noStack(r.stderr);
    }
  });

  it('an instance name that is not one, before anything is printed or built', async () => {
    const r = await pelab(['up', '--runtime', 'kind', '--dry-run', '--name', 'Bad Name']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('command line: --name: a lab instance name');
    expect(r.stderr).toContain('"Bad Name"');
    expect(r.stdout).toBe('');
    const run = await pelab(['run', 'scenarios/mini-evpn.yaml', '--name', 'Bad_Name']);
    expect(run.code).toBe(2);
  });

  it('matrix --tags that match nothing', async () => {
    const r = await pelab(['matrix', '--tags', 'no-such-tag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tags: a filter that selects 1 to 256 jobs: no scenario matches tags no-such-tag');
    noStack(r.stderr);
  });

  it('an empty file and /dev/null given to validate', async () => {
    const empty = join(tmp(), 'empty.yaml');
    writeFileSync(empty, '\n\n');
    for (const f of [empty, '/dev/null']) {
      const r = await pelab(['validate', f]);
      expect(r.code, f).toBe(2);
      expect(r.stderr).toContain(`${f}: (document): a scenario, lab or Kubernetes manifest file (this file is empty)`);
    }
    const docs = join(tmp(), 'separators.yaml');
    writeFileSync(docs, '---\n---\n');
    const r = await pelab(['validate', docs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at least one Kubernetes object');
  });

  it('a file that is not UTF-8, with the line of the first bad byte', async () => {
    const dir = tmp();
    const lab = join(dir, 'latin1.yaml');
    const text = readFileSync(resolve(repoRoot, 'labs', 'mini.yaml'));
    // "é" in Latin-1 on line 2: a silent decode would turn it into U+FFFD.
    const lines = text.toString('utf8').split('\n');
    lines.splice(1, 0, '# caf\u00e9');
    writeFileSync(lab, Buffer.from(lines.join('\n'), 'latin1'));
    const manifest = join(dir, 'm.yaml');
    copyFileSync(lab, manifest);
    for (const args of [['validate', lab], ['apply', manifest]]) {
      const r = await pelab(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(':2: (document): UTF-8 text');
    }
  });

  it('checks naming a Service or VRF nothing defines: validate and run reject them before building', async () => {
    const service = scenarioCopy((t) => t.replace('to: { service: red/nginx-service-red }, expect', 'to: { service: red/nginx-servce-red }, expect'));
    const vrf = scenarioCopy((t) => t.replace('vrf: red, peer: { speaker', 'vrf: rde, peer: { speaker'));
    for (const [file, message] of [
      [service, 'to.service: a Service defined by the scenario\'s manifests (no Service "red/nginx-servce-red"; defined: blue/nginx-service-blue, red/nginx-service-red)'],
      [vrf, '.vrf: a VRF of the lab or of an L3VNI in the scenario\'s manifests (no VRF "rde"'],
    ] as const) {
      for (const args of [['validate', file], ['run', file], ['run', file, '--runtime', 'kind', '--dry-run']]) {
        const r = await pelab(args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: spec\\.steps\\[\\d\\]\\.checks\\[\\d+\\]`));
        expect(r.stderr).toContain(message);
        expect(r.stdout).not.toContain('containerlab');
      }
    }
  });

  it('two scenarios with the same name in one run', async () => {
    const copy = scenarioCopy((t) => t.replace('# ', '#  '), 'copy.yaml');
    const r = await pelab(['run', resolve(repoRoot, 'scenarios', 'metallb-evpn.yaml'), copy, '--runtime', 'kind', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${copy}: metadata.name: a scenario name not used by another scenario of this run ("metallb-evpn" is also the name of ${resolve(repoRoot, 'scenarios', 'metallb-evpn.yaml')})`);
    expect(r.stdout).toBe('');
  });
});

describe('status of a lab that is not up', () => {
  it('says what is up instead, not that a lab could not be built', async () => {
    const r = await pelab(['status', '--name', 'cli-never-up']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lab instance "cli-never-up" is not up; (no lab is up on netns|up on netns: [a-z0-9, -]+)\n/);
    expect(r.stderr).not.toContain('could not be built');
  });
});

describe('an error pelab did not foresee', () => {
  function captured(fn: () => number): { code: number; stderr: string } {
    const real = process.stderr.write;
    let stderr = '';
    process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
    try {
      return { code: fn(), stderr };
    } finally {
      process.stderr.write = real;
    }
  }

  it('prints one line, and the stack trace only with PELAB_DEBUG=1', () => {
    const saved = process.env.PELAB_DEBUG;
    try {
      delete process.env.PELAB_DEBUG;
      const plain = captured(() => reportError(new TypeError('cannot read x\nof undefined')));
      expect(plain.code).toBe(3);
      expect(plain.stderr).toBe('pelab: unexpected error: TypeError: cannot read x\n  (run again with PELAB_DEBUG=1 for the stack trace)\n');
      process.env.PELAB_DEBUG = '1';
      const debug = captured(() => reportError(new TypeError('cannot read x')));
      expect(debug.stderr).toMatch(/^pelab: unexpected error: TypeError: cannot read x\nTypeError: cannot read x\n\s+at /);
    } finally {
      if (saved === undefined) delete process.env.PELAB_DEBUG;
      else process.env.PELAB_DEBUG = saved;
    }
  });

  it('bin/pelab as a process: usage error exit 2, bad input exit 2, no stack trace', () => {
    const run = (args: string[]) => spawnSync(resolve(repoRoot, 'bin', 'pelab'), args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const usage = run(['frobnicate']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("unknown command 'frobnicate'");
    const bad = run(['validate', '/dev/null']);
    expect(bad.status).toBe(2);
    noStack(bad.stderr);
  });
});
