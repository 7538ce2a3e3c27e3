// The scenario file format. A scenario names its lab and mode, the manifests to apply, and an
// ordered list of steps: apply, delete, fault, wait, check (or a group of checks run together).
import { z } from 'zod';
import { checkEntrySchema, type CheckEntry } from '../checks/run-check.ts';

const relativeFile = z.string().min(1).regex(/\.ya?ml$/, 'a .yaml file (relative to the scenario file)');
const files = z.union([relativeFile, z.array(relativeFile).min(1)]).transform((f) => (Array.isArray(f) ? f : [f]));

/** A check in the flat form `{check: <kind>, name?, within?, for?, every?, ...params}`. */
export { checkEntrySchema, type CheckEntry };

const nodeRef = z.union([
  z.strictObject({ router: z.string().min(1) }),
  z.strictObject({ pe: z.string().min(1) }),
  z.strictObject({ speaker: z.string().min(1) }),
]);

export const faultSchema = z.union([
  z.strictObject({ linkDown: z.strictObject({ node: z.string().min(1), interface: z.string().min(1).max(15) }) }),
  z.strictObject({ linkUp: z.strictObject({ node: z.string().min(1), interface: z.string().min(1).max(15) }) }),
  z.strictObject({ restartFrr: nodeRef }),
]);
export type FaultEntry = z.infer<typeof faultSchema>;

const stepName = z.string().min(1).optional();

export const stepSchema = z.union([
  checkEntrySchema,
  z.strictObject({ name: stepName, checks: z.array(checkEntrySchema).min(1) }),
  z.strictObject({ name: stepName, apply: files }),
  z.strictObject({ name: stepName, delete: files }),
  z.strictObject({ name: stepName, fault: faultSchema }),
  // A gate: waits until the check holds, but is reported as a phase, not as an assertion.
  z.strictObject({ name: stepName, wait: checkEntrySchema }),
]);
export type StepEntry = z.infer<typeof stepSchema>;

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
    mode: z.enum(['evpn', 'passthrough']),
    runtimes: z.array(z.enum(['netns', 'kind'])).min(1).default(['netns', 'kind']),
    /** Applied, in order, before the first step. */
    manifests: z.array(relativeFile).default([]),
    steps: z.array(step).min(1),
  }),
});
}

/** The whole format, steps included: what the published JSON Schema describes. */
export const scenarioFileSchema = scenarioSchema(stepSchema);
export type ScenarioFile = z.infer<typeof scenarioFileSchema>;

/** The file with steps left raw: the loader parses each step by its key, for precise messages. */
export const scenarioHeaderSchema = scenarioSchema(z.unknown());
