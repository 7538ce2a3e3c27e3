// What the report writers say about a failed check. One-line summaries of values have one home,
// src/text/summary.ts, and durations theirs, src/units/duration.ts.
import { condense } from '../text/summary.ts';

/** The one-line failure message a check gave, or one built from its parts when it gave none. */
export function failureMessage(check: { name: string; expected: string; observed: unknown; message?: string | undefined }): string {
  return check.message ?? `${check.name}: expected ${check.expected}, observed ${condense(check.observed, 200)}`;
}
