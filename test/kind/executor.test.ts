// The real executor: files, probes, stdout capture and failures. It runs harmless local
// commands (echo, true, false) through proc/run.ts, the same path the lab's commands take, and the
// plan's own Docker steps through real dockerode against the engine stand-in (docker-engine.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LabBuildError } from '../../src/errors.ts';
import type { ProgressEvent } from '../../src/runtime/runtime.ts';
import { dockerodeClient } from '../../src/runtime/kind/docker.ts';
import { DryRunExecutor, RealExecutor } from '../../src/runtime/kind/executor.ts';
import { planUp, type Step } from '../../src/runtime/kind/plan.ts';
import { FakeClock } from '../proc/fake-clock.ts';
import { repoLab } from '../lab/helpers.ts';
import { engineState, startEngine, type EngineState } from './docker-engine.ts';
import { captureStream } from './helpers.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pelab-kind-exec-'));
  dirs.push(d);
  return d;
};
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const stop of stops.splice(0)) await stop();
});

async function withEngine(state: EngineState): Promise<RealExecutor> {
  const { docker, stop } = await startEngine(state);
  stops.push(stop);
  const client = dockerodeClient(docker);
  return new RealExecutor({ docker: () => client });
}

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

describe('RealExecutor: the plan\'s Docker steps through the Docker API', () => {
  const dockerSteps = async (workDir: string): Promise<Step[]> => planUp(await repoLab('singlecluster'), { workDir, platform: 'linux/amd64' }).filter((s) => s.docker);

  it('runs the plan\'s version, exec, pull and save steps as engine requests, no docker CLI', async () => {
    const work = tmp();
    const state = engineState({ pullStream: () => 'docker/pull-hello-world-progress.jsonl' });
    const ex = await withEngine(state);
    const steps = await dockerSteps(work);
    const events: ProgressEvent[] = [];
    for (const step of steps) await ex.step(step, undefined, (e) => events.push(e));
    expect(state.requests.filter((r) => r === 'GET /version')).toHaveLength(1);
    // Every exec step: created in its container with its argv, then started and inspected.
    const execs = steps.flatMap((s) => (s.docker!.op === 'exec' ? [{ container: s.docker!.container, Cmd: [...s.docker!.argv] }] : []));
    expect(execs.length).toBeGreaterThan(4);
    expect(state.created.map((c) => ({ container: c.container, Cmd: c.Cmd }))).toEqual(execs);
    // Each preloaded image: pulled, then saved to the archive `kind load image-archive` reads.
    const pulls = steps.filter((s) => s.docker!.op === 'pull');
    expect(pulls.length).toBeGreaterThan(0);
    expect(state.requests.filter((r) => r === 'POST /images/create')).toHaveLength(pulls.length);
    for (const s of steps) if (s.docker!.op === 'save') expect(readFileSync(s.docker!.path)).toEqual(state.archive(s.docker!.ref));
    // Progress: every long step starts, may progress, and ends; short ones send nothing.
    const long = steps.filter((s) => s.long).map((s) => s.description);
    expect([...new Set(events.map((e) => e.step))]).toEqual(long);
    for (const d of long) {
      const mine = events.filter((e) => e.step === d).map((e) => e.state);
      expect(mine[0]).toBe('start');
      expect(mine.at(-1)).toBe('end');
    }
    const pullEvents = events.filter((e) => e.step === pulls[0]!.description && e.state === 'progress');
    expect(pullEvents.at(-1)).toMatchObject({ phase: 'images', current: 2457, total: 2457, detail: '1/1 layers; Status: Downloaded newer image for hello-world:latest' });
  });

  it('fails an exec step that exits non-zero with the docker exec line and the command\'s words', async () => {
    const work = tmp();
    const state = engineState({ exec: (_c, argv) => (argv.includes('replace') ? { exitCode: 2, stderr: 'Error: ipv4: Address already assigned.\n' } : { exitCode: 0 }) });
    const ex = await withEngine(state);
    const step = (await dockerSteps(work)).find((s) => s.docker!.op === 'exec' && s.docker!.argv.includes('replace'))!;
    const err = (await ex.step(step).catch((e: unknown) => e)) as LabBuildError;
    expect(err).toBeInstanceOf(LabBuildError);
    expect(err.message).toMatch(/^fabric address on pe-kind-control-plane: `docker exec pe-kind-control-plane ip address replace .*` \(through the Docker API\) failed: exited with 2\nError: ipv4: Address already assigned\.$/);
  });

  it('fails a pull the registry refuses with its words and the step\'s hint, reporting the end as failed', async () => {
    const work = tmp();
    const steps = await dockerSteps(work);
    const pull = steps.find((s) => s.docker!.op === 'pull')!;
    const ref = (pull.docker as { ref: string }).ref;
    const ex = await withEngine(engineState({ missing: new Set([ref]) }));
    const events: ProgressEvent[] = [];
    const err = (await ex.step(pull, undefined, (e) => events.push(e)).catch((e: unknown) => e)) as LabBuildError;
    expect(err.message).toContain(`manifest for ${ref} not found`);
    expect(events.map((e) => [e.state, e.failed])).toEqual([['start', undefined], ['end', true]]);
    const noEngine = new RealExecutor({ docker: () => dockerodeClient(new Docker({ socketPath: join(work, 'none.sock') })) });
    const version = steps.find((s) => s.docker!.op === 'version')!;
    const e2 = (await noEngine.step(version).catch((e: unknown) => e)) as LabBuildError;
    expect(e2.message).toMatch(/^check that docker is available \(its engine answers\): `docker version --format '\{\{\.Server\.Version\}\}'` \(through the Docker API\) failed: .*ENOENT/);
    expect(e2.hint).toMatch(/install Docker/);
  });

  it('gives up a stalled pull at the step\'s timeout and closes its connection', async () => {
    const work = tmp();
    const pull = (await dockerSteps(work)).find((s) => s.docker!.op === 'pull')!;
    const ref = (pull.docker as { ref: string }).ref;
    const state = engineState({ stalls: new Set([ref]) });
    const ex = await withEngine(state);
    const err = (await ex.step({ ...pull, timeoutMs: 300 }).catch((e: unknown) => e)) as LabBuildError;
    expect(err).toBeInstanceOf(LabBuildError);
    expect(err.message).toMatch(/failed: timed out after 300 ms$/);
    await vi.waitFor(() => expect(state.stalledClosed).toEqual([ref]));
  });

  it('times a long step on its clock', async () => {
    const clock = new FakeClock();
    const ex = new RealExecutor({ clock, runner: async () => (await clock.sleep(4_000), { exitCode: 0, stdout: '', stderr: '', ms: 4_000 }) });
    const events: ProgressEvent[] = [];
    await clock.run(ex.step({ phase: 'metallb', description: 'install MetalLB', argv: ['helm', 'upgrade'], long: true }, undefined, (e) => events.push(e)));
    expect(events).toEqual([
      { phase: 'metallb', step: 'install MetalLB', state: 'start', ms: 0 },
      { phase: 'metallb', step: 'install MetalLB', state: 'end', ms: 4_000 },
    ]);
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
