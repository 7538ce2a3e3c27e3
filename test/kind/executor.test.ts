// The real executor: files, probes, stdout capture and failures. It runs harmless local
// commands (echo, true, false) through proc/run.ts, the same path the lab's commands take.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabBuildError } from '../../src/errors.ts';
import { DryRunExecutor, RealExecutor } from '../../src/runtime/kind/executor.ts';
import { captureStream } from './helpers.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pelab-kind-exec-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('RealExecutor', () => {
  it('writes files (creating directories) before the command, and captures stdout into a file', async () => {
    const d = tmp();
    const ex = new RealExecutor();
    const out = await ex.step({
      phase: 'kubeconfig',
      description: 'echo',
      writes: [{ path: join(d, 'a', 'b', 'file.txt'), content: 'x\n' }],
      argv: ['echo', 'apiVersion: v1'],
      stdoutTo: join(d, 'kc', 'kubeconfig'),
    });
    expect(out.skipped).toBe(false);
    expect(readFileSync(join(d, 'a', 'b', 'file.txt'), 'utf8')).toBe('x\n');
    expect(readFileSync(join(d, 'kc', 'kubeconfig'), 'utf8')).toBe('apiVersion: v1\n');
    expect(statSync(join(d, 'kc', 'kubeconfig')).mode & 0o777).toBe(0o600);
  });

  it('adds a step\'s env to the command\'s environment, keeping the rest', async () => {
    const d = tmp();
    await new RealExecutor().step({
      phase: 'containerlab',
      description: 'env',
      argv: ['sh', '-c', 'echo "$KUBECONFIG:${PATH:+path}"'],
      env: { KUBECONFIG: '/lab/kubeconfig' },
      stdoutTo: join(d, 'out'),
    });
    expect(readFileSync(join(d, 'out'), 'utf8')).toBe('/lab/kubeconfig:path\n');
  });

  it('runs an `onlyIfSilent` step only when its probe succeeds without output', async () => {
    const d = tmp();
    const ex = new RealExecutor();
    const marker = join(d, 'ran');
    expect((await ex.step({ phase: 'teardown', description: 'x', onlyIfSilent: ['echo', 'port1'], argv: ['true'], stdoutTo: marker })).skipped).toBe(true);
    expect((await ex.step({ phase: 'teardown', description: 'x', onlyIfSilent: ['false'], argv: ['true'], stdoutTo: marker })).skipped).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect((await ex.step({ phase: 'teardown', description: 'x', onlyIfSilent: ['true'], argv: ['true'], stdoutTo: marker })).skipped).toBe(false);
    expect(existsSync(marker)).toBe(true);
  });

  it('skips a step whose `unless` probe succeeds, or whose `onlyIf` probe fails', async () => {
    const d = tmp();
    const ex = new RealExecutor();
    const marker = join(d, 'never');
    expect((await ex.step({ phase: 'bridges', description: 'x', unless: ['true'], argv: ['false'], stdoutTo: marker })).skipped).toBe(true);
    expect((await ex.step({ phase: 'teardown', description: 'x', onlyIf: ['false'], argv: ['false'], stdoutTo: marker })).skipped).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect((await ex.step({ phase: 'bridges', description: 'x', unless: ['false'], argv: ['true'] })).skipped).toBe(false);
  });

  it('turns a failing command into a LabBuildError naming the step, the argv and the hint', async () => {
    const ex = new RealExecutor();
    const err = await ex.step({ phase: 'preflight', description: 'check that nothing is available', argv: ['false'], hint: 'install nothing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabBuildError);
    expect((err as LabBuildError).message).toMatch(/check that nothing is available: `false` exited with 1/);
    expect((err as LabBuildError).hint).toBe('install nothing');
  });

  it('reports a missing tool as a failed step, not a crash', async () => {
    const ex = new RealExecutor();
    await expect(ex.step({ phase: 'preflight', description: 'check that containerlab-missing is available', argv: ['pelab-no-such-tool-xyz', 'version'] })).rejects.toBeInstanceOf(LabBuildError);
  });

  it('returns command results whatever the exit code', async () => {
    const ex = new RealExecutor();
    expect((await ex.command('false', ['false'])).exitCode).toBe(1);
    expect((await ex.command('echo', ['echo', 'hi'])).stdout).toBe('hi\n');
  });
});

describe('DryRunExecutor', () => {
  it('prints and succeeds without running', async () => {
    const out = captureStream();
    const ex = new DryRunExecutor(out);
    const r = await ex.step({ phase: 'teardown', description: 'delete host bridge sw', argv: ['ip', 'link', 'del', 'dev', 'sw'], onlyIf: ['ip', 'link', 'show', 'dev', 'sw'] });
    expect(r.result?.exitCode).toBe(0);
    expect((await ex.command('run on host h', ['docker', 'exec', 'c', 'sh', '-c', 'echo $HOME'])).exitCode).toBe(0);
    expect(out.text()).toBe(
      '#  1. [teardown] delete host bridge sw\n  only if `ip link show dev sw` succeeds:\n  $ ip link del dev sw\n' +
        "# run on host h\n  $ docker exec c sh -c 'echo $HOME'\n",
    );
  });
});
