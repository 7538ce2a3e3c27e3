// The bring-up's progress events reach the reporter (the CLI's live view shows them), and each
// long step's duration lands in the run's timeline. FAKE RUNTIME (test/report/fake-runtime.ts)
// behind a mocked registry, sending the events a kind bring-up sends: a real kind lab cannot run here.
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LabBuildError } from '../../src/errors.ts';
import type { ProgressEvent, UpOptions } from '../../src/runtime/runtime.ts';
import { FakeRuntime } from '../report/fake-runtime.ts';
import { silentReporter, tempDirs } from '../cli/in-process.ts';

const SENT: ProgressEvent[] = [
  { phase: 'images', step: 'pull quay.io/frrouting/frr:10.6.0 (linux/amd64)', state: 'start', ms: 0 },
  { phase: 'images', step: 'pull quay.io/frrouting/frr:10.6.0 (linux/amd64)', state: 'progress', ms: 800, current: 719, total: 2457, detail: '0/1 layers; 719385e32844: Downloading' },
  { phase: 'images', step: 'pull quay.io/frrouting/frr:10.6.0 (linux/amd64)', state: 'end', ms: 1_900 },
  { phase: 'metallb', step: 'install MetalLB', state: 'start', ms: 0 },
  { phase: 'metallb', step: 'install MetalLB', state: 'end', ms: 41_000, failed: true },
];

class ProgressRuntime extends FakeRuntime {
  override async up(options: UpOptions = {}): Promise<void> {
    for (const e of SENT) options.onProgress?.(e);
  }
  override async apply(): Promise<never> {
    // Ends the run right after the bring-up: what matters here happened before.
    throw new LabBuildError('stop here');
  }
}

vi.mock('../../src/runtime/registry.ts', () => ({
  createRuntime: async (_kind: string, lab: import('../../src/lab/model.ts').Lab) => new ProgressRuntime(lab, []),
}));

const { runScenario } = await import('../../src/scenario/run.ts');
const { loadScenario } = await import('../../src/scenario/load.ts');
const scenario = await loadScenario(resolve(import.meta.dirname, '..', '..', 'scenarios', 'metallb-evpn.yaml'));
const silent = silentReporter;
const bundleDir = tempDirs('pelab-progress-');

describe('runScenario passes the bring-up\'s progress on', () => {
  it('to the reporter, every event in order, and each long step\'s duration into the timeline', async () => {
    const seen: ProgressEvent[] = [];
    const outcome = await runScenario(scenario, { runtime: 'kind', reporter: { ...silent, progress: (e: ProgressEvent) => seen.push(e) }, bundleDir: bundleDir() });
    expect(outcome.exitCode).toBe(3);
    expect(seen).toEqual(SENT);
    const timeline = outcome.result.timeline.map((t) => t.what);
    expect(timeline).toContain('up: pull quay.io/frrouting/frr:10.6.0 (linux/amd64) took 1900 ms');
    expect(timeline).toContain('up: install MetalLB failed after 41000 ms');
    expect(timeline.filter((w) => w.includes('layers'))).toEqual([]);
  });
});
