// FAKE RUNTIME for unit tests of the report writers. It runs nothing: vtysh and exec answer
// from canned text, and chosen targets fail, hang forever or report a non-zero exit, so the
// bundle writer's timeouts and error handling can be tested in milliseconds. The real writer is
// exercised against real FRR by the e2e tests.
import type { ExecOptions, ExecResult, LabStatus, Runtime, Target } from '../../src/runtime/runtime.ts';
import type { Lab } from '../../src/lab/model.ts';
import { targetDir } from '../../src/runtime/roles.ts';

interface FakeBehaviour {
  /** Targets (by bundle directory name) whose vtysh never answers. */
  readonly hangVtysh?: readonly string[];
  /** Targets whose vtysh throws. */
  readonly failVtysh?: readonly string[];
  /** Exec calls whose argv joined with spaces matches exit with code 1. */
  readonly failExec?: RegExp;
  /** Targets that are not there (a lab never built): every exec fails as `ip netns exec` would. */
  readonly absent?: readonly string[];
  /** Targets whose vtysh answers JSON commands with text, as FRR does for an unknown command. */
  readonly textVtysh?: readonly string[];
}

interface Call {
  readonly target: string;
  readonly what: string;
  readonly vrf?: string;
}

export class FakeRuntime implements Runtime {
  readonly kind = 'netns' as const;
  readonly instance = 'pelab-test';
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** While set, every vtysh/exec call waits for it: lets a test see how many calls are pending. */
  gate: Promise<void> | undefined;
  readonly lab: Lab;
  private readonly targets: readonly Target[];
  private readonly behaviour: FakeBehaviour;
  constructor(lab: Lab, targets: readonly Target[], behaviour: FakeBehaviour = {}) {
    this.lab = lab;
    this.targets = targets;
    this.behaviour = behaviour;
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // A turn of the event loop, so that concurrent calls overlap as real ones would.
      await new Promise((r) => setImmediate(r));
      if (this.gate) await this.gate;
      return await fn();
    } finally {
      this.inFlight--;
    }
  }

  dumpTargets(): readonly Target[] {
    return this.targets;
  }

  async vtysh(target: Target, command: string): Promise<string> {
    const name = targetDir(target);
    this.calls.push({ target: name, what: `vtysh ${command}` });
    if (this.behaviour.hangVtysh?.includes(name)) return new Promise<string>(() => {});
    return this.track(async () => {
      if (this.behaviour.failVtysh?.includes(name) || this.behaviour.absent?.includes(name)) throw new Error(`vtysh: cannot connect to bgpd on ${name}`);
      if (this.behaviour.textVtysh?.includes(name) && command.endsWith('json')) return '% Unknown command: ' + command + '\n';
      return command.endsWith('json') ? JSON.stringify({ target: name, command }) : `! ${command} on ${name}\n`;
    });
  }

  async exec(target: Target, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const name = targetDir(target);
    const line = argv.join(' ');
    this.calls.push(options.vrf === undefined ? { target: name, what: line } : { target: name, what: line, vrf: options.vrf });
    return this.track(async () => {
      if (this.behaviour.absent?.includes(name)) return { exitCode: 1, stdout: '', stderr: `Cannot open network namespace "pelab.test.${name}": No such file or directory`, ms: 2 };
      if (this.behaviour.failExec?.test(line)) return { exitCode: 1, stdout: '', stderr: `Cannot open network namespace "${options.vrf}"`, ms: 3 };
      const stdout = argv.includes('-j') ? JSON.stringify([{ target: name, vrf: options.vrf ?? null }]) : `${line} on ${name}\n`;
      return { exitCode: 0, stdout, stderr: '', ms: 1 };
    });
  }

  async readFile(target: Target, path: string): Promise<string> {
    this.calls.push({ target: targetDir(target), what: `read ${path}` });
    if (path.includes('missing')) throw new Error(`ENOENT: ${path}`);
    return `log of ${targetDir(target)} from ${path}\n`;
  }

  async status(): Promise<LabStatus> {
    return { lab: this.lab.name, runtime: 'netns', up: true, nodes: [{ name: 'leafA', kind: 'router', state: 'up' }], applied: [], notes: [] };
  }

  async up(): Promise<void> {}
  async down(): Promise<void> {}
  async apply(): Promise<never> {
    throw new Error('fake runtime: apply is not used by reports');
  }
  async delete(): Promise<never> {
    throw new Error('fake runtime: delete is not used by reports');
  }

  async relabelNode(): Promise<never> {
    throw new Error('fake runtime: relabelNode is not used by reports');
  }
  async fault(): Promise<void> {}
  appliedManifests(): readonly Record<string, unknown>[] {
    return [];
  }
  async sessionStates() {
    return [];
  }
  async services() {
    return [];
  }
}
