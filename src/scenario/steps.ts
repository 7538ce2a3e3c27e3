// The one walk through a scenario, shared by `run` and `--dry-run`: the scenario's manifests,
// then each step in order, each handed to the handler of its kind. What a handler does (act and
// poll, or print what it would do) is the caller's.
import type { Scenario, Step } from './load.ts';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

/** One handler per step kind; `label` is how the step is named in phases and dry-run output. */
export type StepHandlers = {
  readonly [K in Step['kind']]: (step: StepOf<K>, label: string) => Promise<void>;
};

/** Index of the pseudo-step that applies `spec.manifests` before the first step. */
export const MANIFESTS_STEP = -1;

function describeStep(step: Step): string {
  if (step.name) return step.name;
  switch (step.kind) {
    case 'apply':
    case 'delete':
      return `${step.kind} ${step.files.map((f) => f.split('/').slice(-2).join('/')).join(', ')}`;
    case 'fault':
      return `fault ${JSON.stringify(step.fault)}`;
    case 'wait':
      return `wait for ${step.check.name}`;
    case 'relabel':
      return `relabel ${step.node}: ${Object.entries(step.labels).map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`)).join(' ')}`;
    case 'checks':
      return `checks of step ${step.index + 1}`;
  }
}

/** The steps as run: `spec.manifests` (when any) as an apply named "apply manifests", then the file's steps. */
function stepsOf(scenario: Scenario): readonly Step[] {
  const manifests: Step[] = scenario.manifests.length > 0 ? [{ kind: 'apply', index: MANIFESTS_STEP, name: 'apply manifests', files: scenario.manifests }] : [];
  return [...manifests, ...scenario.steps];
}

export async function walkSteps(scenario: Scenario, handlers: StepHandlers, signal?: AbortSignal): Promise<void> {
  for (const step of stepsOf(scenario)) {
    signal?.throwIfAborted();
    const label = describeStep(step);
    // A switch keeps each handler's step type exact without a cast.
    switch (step.kind) {
      case 'apply':
        await handlers.apply(step, label);
        break;
      case 'delete':
        await handlers.delete(step, label);
        break;
      case 'fault':
        await handlers.fault(step, label);
        break;
      case 'wait':
        await handlers.wait(step, label);
        break;
      case 'relabel':
        await handlers.relabel(step, label);
        break;
      case 'checks':
        await handlers.checks(step, label);
        break;
    }
  }
}
