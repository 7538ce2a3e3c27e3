// What every check kind provides. Resolution and probing have side effects (through the Resolver
// and the Runtime only); describe and evaluate are pure so they can be tested on recorded output.
import type { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.ts';
import type { Resolver } from '../resolver.ts';
import type { CheckDefaults } from '../defaults.ts';

export type CheckMode = 'eventually' | 'consistently';

export interface Evaluation {
  readonly ok: boolean;
  /** What was expected, in words (resolved addresses included). */
  readonly expected: string;
  /** The observation, condensed to what matters for this check (JSON-able). */
  readonly observed: unknown;
  /** One line: why it passed or failed. */
  readonly message: string;
}

export interface ProbeEnv {
  readonly runtime: Runtime;
  readonly signal: AbortSignal;
  /** Time this attempt may take. */
  readonly budgetMs: number;
  /** consistently: the attempts' schedule (src/proc/wait.ts), for a probe that plans a series. */
  readonly hold?: {
    /** From this attempt's start to the hold's end, when the last attempt starts. */
    readonly endsInMs: number;
    /** Start to start. */
    readonly intervalMs: number;
  };
  /** What may outlive one attempt (a process reused by the next ones); ended with the check. */
  readonly scope?: CheckScope;
}

/** Lives as long as one check run: the runner closes what it holds when the check ends. */
export interface CheckScope {
  /** The value kept under `key`, made on first use. */
  reuse<T extends { close(): void }>(key: string, make: () => T): T;
}

/**
 * P: the params as validated from YAML. Plan: P with every name resolved (addresses, target,
 * command). O: the parsed observation one probe returns.
 */
export interface CheckKind<P, Plan, O> {
  readonly kind: string;
  readonly params: z.ZodType<P>;
  /** Mode when the scenario does not say (http `isolated` is consistently). */
  defaultMode(params: P): CheckMode;
  /**
   * Whether the check asserts an absence (no answer, no route): such a check passes trivially
   * before the fabric has converged, so its step starts it once its other checks have passed.
   */
  negative?(params: P): boolean;
  /** Which row of the defaults table applies. */
  defaults(params: P): CheckDefaults;
  /** The expectation in words, from the names in the scenario (no resolution needed). */
  describe(params: P): string;
  /** Resolves names; may throw ResolveError (for example: no service IP yet), which fails the attempt. */
  plan(params: P, resolver: Resolver): Plan;
  probe(plan: Plan, env: ProbeEnv): Promise<O>;
  evaluate(plan: Plan, observed: O): Evaluation;
}

export type AnyCheckKind = CheckKind<any, any, any>;
