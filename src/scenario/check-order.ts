// The order the checks of one step start in. A check that asserts an absence (isolation, a
// withdrawn route, a session that must be down) passes trivially before the fabric has
// converged: "hostA_blue gets no answer from the red service" says nothing while the red service
// answers nobody. So a step runs its other checks first, and starts its absence checks once those
// have all passed. If one of them failed, the absence checks are not started at all: their pass
// would prove nothing, and the failure already says what is wrong.
import { mapLimit } from '../proc/limit.ts';

interface Ordered {
  readonly negative: boolean;
}

interface Outcome {
  readonly name: string;
  readonly status: 'passed' | 'failed';
}

/**
 * Runs `checks` (at most `limit` at once) and returns their results in the given order. `blocked`
 * makes the result of an absence check that was not started because `failed` did not hold.
 */
export async function runInDependencyOrder<C extends Ordered, R extends Outcome>(
  checks: readonly C[],
  limit: number,
  run: (check: C) => Promise<R>,
  blocked: (check: C, failed: readonly R[]) => R,
): Promise<R[]> {
  const positives = checks.filter((c) => !c.negative);
  const negatives = checks.filter((c) => c.negative);
  const first = await mapLimit(positives, limit, run);
  const failed = first.filter((r) => r.status !== 'passed');
  const then = failed.length > 0 ? negatives.map((c) => blocked(c, failed)) : await mapLimit(negatives, limit, run);
  const byCheck = new Map<C, R>([...positives.map((c, i) => [c, first[i]!] as const), ...negatives.map((c, i) => [c, then[i]!] as const)]);
  return checks.map((c) => byCheck.get(c)!);
}
