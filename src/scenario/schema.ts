// The scenario file format. A scenario names its lab and mode, the manifests to apply, and an
// ordered list of steps: apply, delete, fault, relabel, wait, check (or a group of checks run together).
// STEP_SCHEMAS is the one source of the step model: the loader parses each step with the branch
// its action key selects (precise messages), and schemas/scenario.schema.json is generated from
// the same branches (src/scenario/json-schema.ts).
import { z } from 'zod';
import { checkEntrySchema, checkSpecOf, type CheckSpec } from '../checks/run-check.ts';
import { labelKey, labelValue } from '../k8s/schemas/common.ts';

const relativeFile = z.string().min(1).regex(/\.ya?ml$/, 'a .yaml file (relative to the scenario file)');
const files = z.union([relativeFile, z.array(relativeFile).min(1)]).transform((f) => (Array.isArray(f) ? f : [f]));

const nodeName = z.string().min(1);
const nodeRef = z.union([
  z.strictObject({ router: nodeName }),
  z.strictObject({ pe: nodeName }),
  z.strictObject({ speaker: nodeName }),
]);
const linkRef = z.strictObject({ node: nodeName, interface: z.string().min(1).max(15) });

export const faultSchema = z.union([
  z.strictObject({ linkDown: linkRef }),
  z.strictObject({ linkUp: linkRef }),
  // The link stays up but carries nothing: BFD, not carrier loss, has to notice.
  z.strictObject({ dropTraffic: linkRef }),
  z.strictObject({ restoreTraffic: linkRef }),
  z.strictObject({ restartFrr: nodeRef }),
  // MetalLB's speaker on a node stops (speakerDown) or comes back (speakerUp).
  z.strictObject({ speakerDown: z.strictObject({ node: nodeName }) }),
  z.strictObject({ speakerUp: z.strictObject({ node: nodeName }) }),
]);
export type FaultEntry = z.infer<typeof faultSchema>;

/** `kubectl label node`: a value sets a key, null removes it. */
const relabelSchema = z.strictObject({
  node: nodeName,
  labels: z
    .record(z.string(), labelValue.nullable())
    .refine((l) => Object.keys(l).length > 0, 'at least one label to set (key: value) or remove (key: null)')
    // Keys checked here rather than by the record: zod would only say "Invalid key in record".
    .superRefine((l, ctx) => {
      for (const k of Object.keys(l)) {
        const r = labelKey.safeParse(k);
        if (!r.success) ctx.addIssue({ code: 'custom', path: [k], message: `${r.error.issues[0]?.message ?? 'a label key'} ("${k}" is not)` });
      }
    }),
});
export type RelabelEntry = z.infer<typeof relabelSchema>;

const name = z.string().min(1).optional();

/**
 * A step as the file states it, tagged by its action; check params are still the kind's to
 * validate and names are still the lab's to resolve (src/scenario/load.ts does both).
 */
export type StepEntry =
  | { readonly kind: 'checks'; readonly name?: string; readonly checks: readonly CheckSpec[]; readonly grouped: boolean }
  | { readonly kind: 'apply' | 'delete'; readonly name?: string; readonly files: readonly string[] }
  | { readonly kind: 'fault'; readonly name?: string; readonly fault: FaultEntry }
  | { readonly kind: 'relabel'; readonly name?: string; readonly relabel: RelabelEntry }
  | { readonly kind: 'wait'; readonly name?: string; readonly check: CheckSpec };

const withName = <T extends object>(n: string | undefined, rest: T) => ({ ...(n !== undefined ? { name: n } : {}), ...rest });

/** One branch per action key: a step has exactly one of them. */
export const STEP_SCHEMAS = {
  check: checkEntrySchema.transform((e): StepEntry => withName(e.name, { kind: 'checks', checks: [checkSpecOf(e)], grouped: false })),
  checks: z
    .strictObject({ name, checks: z.array(checkEntrySchema).min(1) })
    .transform((s): StepEntry => withName(s.name, { kind: 'checks', checks: s.checks.map((c) => checkSpecOf(c)), grouped: true })),
  apply: z.strictObject({ name, apply: files }).transform((s): StepEntry => withName(s.name, { kind: 'apply', files: s.apply })),
  delete: z.strictObject({ name, delete: files }).transform((s): StepEntry => withName(s.name, { kind: 'delete', files: s.delete })),
  fault: z.strictObject({ name, fault: faultSchema }).transform((s): StepEntry => withName(s.name, { kind: 'fault', fault: s.fault })),
  // A cluster node's labels change while the lab runs; node selectors follow.
  relabel: z.strictObject({ name, relabel: relabelSchema }).transform((s): StepEntry => withName(s.name, { kind: 'relabel', relabel: s.relabel })),
  // A gate: waits until the check holds, but is reported as a phase, not as an assertion.
  wait: z.strictObject({ name, wait: checkEntrySchema }).transform((s): StepEntry => withName(s.name, { kind: 'wait', check: checkSpecOf(s.wait) })),
} as const;
type StepKey = keyof typeof STEP_SCHEMAS;
export const STEP_KEYS = Object.keys(STEP_SCHEMAS) as StepKey[];

const stepSchema = z.union(Object.values(STEP_SCHEMAS));

function scenarioSchema<S extends z.ZodType>(step: S) {
  return z.strictObject({
    apiVersion: z.literal('pelab.dev/v1alpha1'),
    kind: z.literal('Scenario'),
    metadata: z.strictObject({
      name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lowercase scenario name (letters, digits, "-")'),
      description: z.string().optional(),
      tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lowercase tag')).default([]),
    }),
    spec: z.strictObject({
      lab: z.string().min(1),
      // l2: MetalLB's L2 mode, Service IPs announced by ARP on the nodes' own network (no BGP).
      mode: z.enum(['evpn', 'passthrough', 'l2']),
      runtimes: z.array(z.enum(['netns', 'kind'])).min(1).default(['netns', 'kind']),
      /** Applied, in order, before the first step. */
      manifests: z.array(relativeFile).default([]),
      steps: z.array(step).min(1).describe('Ordered steps: check, checks (run together), apply, delete, fault, relabel, wait.'),
    }),
  });
}

/** The whole format, steps included: what the published JSON Schema describes. */
export const scenarioFileSchema = scenarioSchema(stepSchema);

/** The file with steps left raw: the loader parses each step by its key, for precise messages. */
export const scenarioHeaderSchema = scenarioSchema(z.unknown());
