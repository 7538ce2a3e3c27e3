// frr-json: the escape hatch, topotests style. Any vtysh command ending in `json`, compared as a
// subset with the common matcher ("<absent>"/null: key must not exist, "<any>": must exist).
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { formatMismatches, jsonMatch } from '../match.ts';
import { parseJsonOutput } from '../parse/json.ts';
import { nodeRefLabel, nodeRefSchema, type NodeRef, type Resolver } from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { brief, vtyshText } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const frrJsonParams = z.strictObject({
  on: nodeRefSchema,
  command: z.string().regex(/^show .*\bjson$/, { message: 'expected a `show ... json` command' }),
  expect: z.unknown().refine((v) => v !== undefined, { message: 'expected the JSON subset to find' }),
  /** Match arrays element by element (otherwise: each expected element matches some element). */
  ordered: z.boolean().default(false),
});
type FrrJsonParams = z.infer<typeof frrJsonParams>;

interface FrrJsonPlan {
  readonly target: Target;
  readonly on: string;
  readonly command: string;
  readonly expect: unknown;
  readonly ordered: boolean;
}

export function evaluateFrrJson(plan: FrrJsonPlan, observed: unknown): Evaluation {
  const expected = `${plan.on} \`${plan.command}\` contains ${brief(plan.expect, 160)}`;
  const mismatches = jsonMatch(plan.expect, observed, { ordered: plan.ordered });
  // Show only what was asked about, not the whole table.
  const shown = mismatches.length === 0 ? 'matches' : mismatches.slice(0, 5).map((m) => ({ path: m.path, observed: m.observed ?? null }));
  return mismatches.length === 0
    ? { ok: true, expected, observed: shown, message: 'matches' }
    : { ok: false, expected, observed: shown, message: formatMismatches(mismatches) };
}

export const frrJson: CheckKind<FrrJsonParams, FrrJsonPlan, unknown> = {
  kind: 'frr-json',
  params: frrJsonParams,
  defaultMode: () => 'eventually',
  defaults: () => CHECK_DEFAULTS['frr-json'],
  describe: (p) => `${nodeRefLabel(p.on)} \`${p.command}\` contains ${brief(p.expect, 160)}`,
  plan: (p, resolver: Resolver) => ({
    target: resolver.target(p.on as NodeRef),
    on: nodeRefLabel(p.on as NodeRef),
    command: p.command,
    expect: p.expect,
    ordered: p.ordered,
  }),
  async probe(plan, env: ProbeEnv) {
    return parseJsonOutput(await vtyshText(env.runtime, plan.target, plan.command), plan.command);
  },
  evaluate: evaluateFrrJson,
};
