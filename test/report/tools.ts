// External tools some report tests use (Debian: graphviz, libxml2-utils). Outside CI a missing
// tool skips those tests; in CI (CI=true) it fails them, so a runner without the package is seen.
import { execaSync } from 'execa';

function hasTool(cmd: string): boolean {
  try {
    return execaSync('sh', ['-c', `command -v ${cmd}`], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
}

const inCI = process.env['CI'] === 'true';

/** Run the test when the tool exists, or in CI (where its absence must fail loudly). */
export function needsTool(cmd: string): boolean {
  return hasTool(cmd) || inCI;
}
