// Shared by the kind runtime tests: fixtures (see test/fixtures/kind/README.md for where each came
// from), a recording executor, and a stand-in for the Kubernetes API that answers with those
// fixtures. No cluster can run here; the stand-in only returns recorded or schema-assembled
// shapes, and records what the runtime sent.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunOptions, RunResult } from '../../src/proc/run.ts';
import type { Clock } from '../../src/proc/clock.ts';
import { RealExecutor, type Executor, type StepOutcome, type WaitUntilOptions } from '../../src/runtime/kind/executor.ts';
import type { ClusterApi } from '../../src/runtime/kind/kube.ts';
import { dockerExecArgv, type DockerClient, type DockerExecOptions, type NetworkSpec, type RunSpec } from '../../src/runtime/kind/docker.ts';
import { dockerCliArgv } from '../../src/runtime/kind/docker-call.ts';
import type { Step } from '../../src/runtime/kind/plan.ts';
import { repoRoot } from '../lab/helpers.ts';

const fixtureDir = resolve(repoRoot, 'test', 'fixtures', 'kind');

export function fixtureText(name: string): string {
  return readFileSync(resolve(fixtureDir, name), 'utf8');
}

export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

export const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', ms: 1 });
export const failed = (exitCode: number, stderr: string): RunResult => ({ exitCode, stdout: '', stderr, ms: 1 });

interface RecordedCommand {
  readonly description: string;
  readonly argv: readonly string[];
  readonly options: RunOptions;
}

/**
 * Records plan steps and commands; answers commands with `respond` (default: success, no output).
 * Waits are the real executor's (the one wait primitive) on the clock given, so a test on
 * test/proc/fake-clock.ts drives them in fake time.
 */
export class RecordingExecutor implements Executor {
  readonly dryRun = false;
  readonly steps: Step[] = [];
  readonly commands: RecordedCommand[] = [];
  readonly notes: string[] = [];
  readonly waits: string[] = [];
  private readonly waiter: RealExecutor;

  constructor(clock?: Clock) {
    this.waiter = new RealExecutor(clock ? { clock } : {});
  }
  respond: (argv: readonly string[]) => RunResult = () => ok();
  failStep: ((step: Step) => boolean) | undefined;

  async step(step: Step): Promise<StepOutcome> {
    this.steps.push(step);
    if (this.failStep?.(step)) throw new Error(`step failed: ${step.description}`);
    return { step, skipped: false, result: ok() };
  }

  async command(description: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.commands.push({ description, argv, options });
    return this.respond(argv);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  waitUntil(what: string, probe: () => Promise<boolean>, options: WaitUntilOptions): Promise<void> {
    this.waits.push(what);
    return this.waiter.waitUntil(what, probe, options);
  }
}

/**
 * The Docker client stand-in: records each exec as the equivalent `docker exec` argv on the
 * recording executor and answers with its `respond`, so tests read engine calls and commands alike.
 */
export class RecordingDocker implements DockerClient {
  private readonly executor: RecordingExecutor;

  constructor(executor: RecordingExecutor) {
    this.executor = executor;
  }

  async exec(container: string, argv: readonly string[], options: DockerExecOptions = {}): Promise<RunResult> {
    const full = dockerExecArgv(container, argv, options.input !== undefined);
    return this.executor.command(options.description ?? 'docker exec', full, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.input !== undefined ? { input: options.input } : {}),
    });
  }

  async logs(): Promise<{ stdout: string; stderr: string }> {
    return { stdout: '', stderr: '' };
  }

  async version(): Promise<string> {
    await this.executor.command('docker version', dockerCliArgv({ op: 'version' }));
    return '29.0.1';
  }

  async pull(ref: string, platform: string): Promise<void> {
    await this.executor.command('docker pull', dockerCliArgv({ op: 'pull', ref, platform }));
  }

  async save(ref: string, platform: string, path: string): Promise<void> {
    await this.executor.command('docker save', dockerCliArgv({ op: 'save', ref, platform, path }));
  }

  async ensureNetwork(spec: NetworkSpec): Promise<void> {
    await this.executor.command('docker network create', dockerCliArgv({ op: 'network', ...spec }));
  }

  async run(spec: RunSpec): Promise<void> {
    await this.executor.command('docker run', dockerCliArgv({ op: 'run', ...spec }));
  }

  async remove(container: string): Promise<void> {
    await this.executor.command('docker rm', dockerCliArgv({ op: 'remove', container }));
  }
}

/** A Kubernetes API stand-in that serves fixture lists and records writes. */
export class FakeCluster implements ClusterApi {
  readonly applied: Record<string, unknown>[] = [];
  readonly removed: Record<string, unknown>[] = [];
  readonly deletedPods: string[] = [];
  readonly podQueries: { namespace: string; labelSelector?: string; node?: string }[] = [];
  pods: Record<string, unknown> = {
    'openperouter-system': fixture('router-pods.json'),
    'frr-k8s-system': fixture('frrk8s-pods.json'),
  };
  sessions: unknown = fixture('bgpsessionstates.json');
  serviceList: unknown = fixture('services-demo.json');
  nodeList: unknown = fixture('nodes.json');
  /** Errors thrown by the next apply calls, in order. */
  applyErrors: unknown[] = [];
  onDeletePod: ((namespace: string, name: string) => void) | undefined;

  async apply(body: Record<string, unknown>): Promise<void> {
    const e = this.applyErrors.shift();
    if (e !== undefined) throw e;
    this.applied.push(body);
  }

  async remove(body: Record<string, unknown>): Promise<boolean> {
    this.removed.push(body);
    return true;
  }

  async listBgpSessionStates(): Promise<unknown> {
    return this.sessions;
  }

  /** How often Services were listed. */
  serviceQueries = 0;

  async listServices(): Promise<unknown> {
    this.serviceQueries += 1;
    return this.serviceList;
  }

  async listPods(namespace: string, labelSelector?: string, node?: string): Promise<unknown> {
    this.podQueries.push({ namespace, ...(labelSelector ? { labelSelector } : {}), ...(node ? { node } : {}) });
    const list = (this.pods[namespace] ?? { items: [] }) as { items: { spec?: { nodeName?: string } }[] };
    // What the API server does with fieldSelector spec.nodeName.
    return node ? { ...list, items: list.items.filter((p) => p.spec?.nodeName === node) } : list;
  }

  async listNodes(): Promise<unknown> {
    return this.nodeList;
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    this.deletedPods.push(`${namespace}/${name}`);
    this.onDeletePod?.(namespace, name);
  }
}

/** A writable stream that keeps what was written. */
export function captureStream(): NodeJS.WritableStream & { text(): string } {
  const chunks: string[] = [];
  const stream = {
    write(chunk: string | Uint8Array): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
    text: () => chunks.join(''),
  };
  return stream as unknown as NodeJS.WritableStream & { text(): string };
}
