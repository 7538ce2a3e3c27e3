// Files from ../shared (the upstream CRDs, schemas and charts, and the seed documents) are other
// projects' data that a plain clone lacks. Tests that need them skip and print why.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../lab/helpers.ts';

/** The reason to skip when `relative` (under ../shared) is absent, else undefined. */
export function missingShared(relative: string, what: string): string | undefined {
  const path = resolve(repoRoot, '..', 'shared', relative);
  if (existsSync(path)) return undefined;
  const reason = `${what} skipped: ${path} is absent (a plain clone has no ../shared; CI fetches it, see .github/workflows)`;
  console.log(`SKIP ${reason}`);
  return reason;
}
