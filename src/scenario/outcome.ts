// What running a scenario takes and gives, shared by the live runner (run.ts) and the dry run
// (dry-run.ts) without either importing the other.
import type { Reporter } from '../report/console.ts';
import type { RunResult } from '../report/result.ts';
import type { RuntimeKind, ServiceState, SessionState } from '../runtime/runtime.ts';

export interface RunScenarioOptions {
  readonly runtime: RuntimeKind;
  readonly instance?: string;
  /** Leave the lab up afterwards, for debugging. */
  readonly keep?: boolean;
  readonly reporter: Reporter;
  /** Parent directory of failure bundles. */
  readonly bundleDir: string;
  readonly dryRun?: boolean;
  /** `--artifact KEY=VALUE` for runtimes that pull charts and images (see CreateOptions). */
  readonly artifacts?: readonly string[];
  readonly signal?: AbortSignal;
  /** How many checks of a group run at once. */
  readonly checkConcurrency?: number;
  /** Where a dry run prints (default stdout). */
  readonly out?: NodeJS.WritableStream;
}

export interface ScenarioOutcome {
  readonly result: RunResult;
  /** 0 passed, 1 a check failed, 3 the lab could not be built. */
  readonly exitCode: number;
  /** What the demo view shows next to the checks (read before teardown). */
  readonly sessions: readonly SessionState[];
  readonly services: readonly ServiceState[];
}
