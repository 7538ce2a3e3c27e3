// The lab a run brought up goes again on every way out of runScenario unless --keep: bad input the
// runtime finds only mid-run (exit 2, InputErrors from apply), an interrupt during a check, and a
// plain pass. FAKE RUNTIME (test/report/fake-runtime.ts) behind a mocked registry: the question is
// the runner's control flow, which a real lab would answer in minutes instead of milliseconds.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError, InputErrors } from '../../src/errors.ts';
import type { ApplyResult } from '../../src/runtime/runtime.ts';
import { FakeRuntime } from '../report/fake-runtime.ts';
import { silentReporter, tempDirs } from '../cli/in-process.ts';

/** What the runner did to the fake lab, in order. */
const events: string[] = [];
let applyBehaviour: () => Promise<ApplyResult> = async () => ({ warnings: [], serviceIPs: {} });

class RecordingRuntime extends FakeRuntime {
  override async up(): Promise<void> {
    events.push('up');
  }
  override async down(): Promise<void> {
    events.push('down');
  }
  override async apply(): Promise<never> {
    events.push('apply');
    return (await applyBehaviour()) as never;
  }
}

vi.mock('../../src/runtime/registry.ts', () => ({
  createRuntime: async (_kind: string, lab: import('../../src/lab/model.ts').Lab) => new RecordingRuntime(lab, []),
}));

const { runScenario } = await import('../../src/scenario/run.ts');
const { loadScenario } = await import('../../src/scenario/load.ts');
const scenario = await loadScenario(resolve(import.meta.dirname, '..', '..', 'scenarios', 'metallb-evpn.yaml'));

const silent = silentReporter;
const bundleDir = tempDirs('pelab-teardown-');
afterEach(() => {
  events.length = 0;
  applyBehaviour = async () => ({ warnings: [], serviceIPs: {} });
});

const badInput = () => new InputErrors([new InputError('scenarios/metallb-evpn/manifests/l3vni.yaml', 'spec.vni', 'a VNI the lab can carry')]);

describe('runScenario tears down the lab it ran on', () => {
  it('bad input found mid-run (exit 2): the error reaches the CLI and the lab is down', async () => {
    applyBehaviour = async () => {
      throw badInput();
    };
    await expect(runScenario(scenario, { runtime: 'netns', reporter: silent, bundleDir: bundleDir() })).rejects.toBeInstanceOf(InputErrors);
    expect(events).toEqual(['up', 'apply', 'down']);
  });

  it('--keep leaves it up even then', async () => {
    applyBehaviour = async () => {
      throw badInput();
    };
    await expect(runScenario(scenario, { runtime: 'netns', reporter: silent, bundleDir: bundleDir(), keep: true })).rejects.toBeInstanceOf(InputErrors);
    expect(events).toEqual(['up', 'apply']);
  });

  it('an interrupt mid-run (aborted signal) still runs the teardown phase', async () => {
    const controller = new AbortController();
    applyBehaviour = async () => {
      controller.abort(new Error('interrupted by SIGINT'));
      throw controller.signal.reason;
    };
    const outcome = await runScenario(scenario, { runtime: 'netns', reporter: silent, bundleDir: bundleDir(), signal: controller.signal });
    expect(outcome.exitCode).toBe(3);
    expect(events).toEqual(['up', 'apply', 'down']);
    expect(outcome.result.phases.map((p) => p.name)).toContain('down');
    expect(outcome.result.warnings.join('\n')).not.toMatch(/teardown failed/);
  });
});
