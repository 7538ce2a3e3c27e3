// The result of running one scenario: what the console, JSON, JUnit and bundle writers consume.
import type { FrrInfo } from '../runtime/runtime.ts';

export type CheckStatus = 'passed' | 'failed';

export interface PhaseResult {
  readonly name: string;
  readonly ms: number;
  /** When it started, in milliseconds since the run started (for the HTML report's timeline). */
  readonly at?: number;
}

export interface CheckResult {
  /** Human name, unique within the scenario (e.g. "leafA sees red service type-5"). */
  readonly name: string;
  /** Check kind from the vocabulary: bgp-session, bgp-route, evpn-route, kernel-route, http, k8s-status. */
  readonly kind: string;
  /** Step index in the scenario (0-based) the check belongs to. */
  readonly step: number;
  readonly mode: 'eventually' | 'consistently';
  readonly status: CheckStatus;
  /** Time the check took to hold (eventually) or to be held for its duration (consistently), or to give up. */
  readonly ms: number;
  readonly attempts: number;
  /** What was expected, in words a person can read. */
  readonly expected: string;
  /** The last observed value, condensed (JSON-able). */
  readonly observed: unknown;
  /** On failure: one line that names the check, the expected and the observed value. */
  readonly message?: string;
  /** The lab node the check ran on (a router, host or cluster node), when its kind runs on one. */
  readonly node?: string;
  /** That target's folder in the failure bundle (`leafA`, `pe-kind-worker.pe`, ...). */
  readonly target?: string;
  /** When it started, in milliseconds since the run started. */
  readonly at?: number;
}

export interface TimelineEvent {
  /** Milliseconds since the run started. */
  readonly at: number;
  readonly what: string;
}

export interface RunResult {
  readonly passed: boolean;
  readonly scenario: string;
  readonly runtime: 'netns' | 'kind';
  readonly lab: string;
  readonly startedAt: string;
  readonly ms: number;
  readonly phases: readonly PhaseResult[];
  readonly checks: readonly CheckResult[];
  readonly failures: readonly CheckResult[];
  readonly timeline: readonly TimelineEvent[];
  /** Path of the failure bundle, when one was written. */
  readonly bundle?: string;
  /** The FRR build the lab's routers ran and where it came from, where the runtime knows it. */
  readonly frr?: FrrInfo;
  /** Warnings raised while loading or applying (e.g. legacy API conversions). */
  readonly warnings: readonly string[];
}
