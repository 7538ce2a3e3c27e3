// The machine-readable report: what CI, dashboards and `jq` read. Its shape is published as
// schemas/report.schema.json; change both together and bump REPORT_SCHEMA_VERSION when a
// field changes meaning or goes away (adding a field is not a breaking change).
import type { CheckResult, RunResult } from './result.ts';
import { toJsonValue, type JsonValue } from '../text/summary.ts';
import { failureMessage } from './text.ts';

const REPORT_SCHEMA_VERSION = 1;

export interface JsonCheck {
  readonly name: string;
  readonly kind: string;
  readonly step: number;
  readonly mode: 'eventually' | 'consistently';
  readonly status: 'passed' | 'failed';
  readonly ms: number;
  readonly attempts: number;
  /** What was expected, in words; and the last observed value, condensed. */
  readonly expected: string;
  readonly observed: JsonValue;
  /** The lab node it ran on and that target's folder in the failure bundle, when it runs on one. */
  readonly node?: string;
  readonly target?: string;
  /** Start, in milliseconds since the run started. */
  readonly at?: number;
}

export interface JsonPhase {
  readonly name: string;
  readonly ms: number;
  /** Start, in milliseconds since the run started. */
  readonly at?: number;
}

export interface JsonFailure {
  readonly name: string;
  readonly kind: string;
  readonly step: number;
  readonly expected: string;
  readonly observed: JsonValue;
  readonly message: string;
}

export interface JsonReport {
  readonly schemaVersion: number;
  readonly passed: boolean;
  readonly scenario: string;
  readonly runtime: 'netns' | 'kind';
  readonly lab: string;
  readonly startedAt: string;
  readonly ms: number;
  readonly phases: readonly JsonPhase[];
  readonly checks: readonly JsonCheck[];
  readonly failures: readonly JsonFailure[];
  readonly timeline: readonly { readonly at: number; readonly what: string }[];
  readonly warnings: readonly string[];
  /** Path of the failure bundle, or null when none was written. */
  readonly bundle: string | null;
  /** The FRR the lab's routers ran and where it came from; null where the runtime does not say. */
  readonly frr: { readonly version: string; readonly source: string } | null;
}

export interface JsonMultiReport {
  readonly schemaVersion: number;
  readonly passed: boolean;
  readonly runs: readonly JsonReport[];
}

const ms = (n: number) => (Number.isFinite(n) && n >= 0 ? Math.round(n) : 0);

function failureOf(c: CheckResult): JsonFailure {
  return {
    name: c.name,
    kind: c.kind,
    step: c.step,
    expected: c.expected,
    observed: toJsonValue(c.observed),
    message: failureMessage(c),
  };
}

function checkOf(c: CheckResult): JsonCheck {
  return {
    name: c.name,
    kind: c.kind,
    step: c.step,
    mode: c.mode,
    status: c.status,
    ms: ms(c.ms),
    attempts: c.attempts,
    expected: c.expected,
    observed: toJsonValue(c.observed),
    ...(c.node === undefined ? {} : { node: c.node }),
    ...(c.target === undefined ? {} : { target: c.target }),
    ...(c.at === undefined ? {} : { at: ms(c.at) }),
  };
}

export function toJsonReport(r: RunResult): JsonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    passed: r.passed,
    scenario: r.scenario,
    runtime: r.runtime,
    lab: r.lab,
    startedAt: r.startedAt,
    ms: ms(r.ms),
    phases: r.phases.map((p) => ({ name: p.name, ms: ms(p.ms), ...(p.at === undefined ? {} : { at: ms(p.at) }) })),
    checks: r.checks.map(checkOf),
    failures: r.failures.map(failureOf),
    timeline: r.timeline.map((e) => ({ at: ms(e.at), what: e.what })),
    warnings: [...r.warnings],
    bundle: r.bundle ?? null,
    frr: r.frr ? { version: r.frr.version, source: r.frr.source } : null,
  };
}

/** Several scenarios in one invocation: passed only when every run passed (and at least one ran). */
export function toJsonMultiReport(results: readonly RunResult[]): JsonMultiReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    passed: results.length > 0 && results.every((r) => r.passed),
    runs: results.map(toJsonReport),
  };
}

/** The document `--json` writes: a single report for one run, the wrapper for several. */
export function toJsonDocument(results: RunResult | readonly RunResult[]): JsonReport | JsonMultiReport {
  if (!isRunList(results)) return toJsonReport(results);
  return results.length === 1 && results[0] ? toJsonReport(results[0]) : toJsonMultiReport(results);
}

function isRunList(x: RunResult | readonly RunResult[]): x is readonly RunResult[] {
  return Array.isArray(x);
}

export function stringifyReport(doc: JsonReport | JsonMultiReport): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
