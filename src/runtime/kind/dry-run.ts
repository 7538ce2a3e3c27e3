// What `--dry-run` prints: per step its phase and description, then the exact argv, shell-quoted
// only so a person can read (and paste) it. pelab itself never runs a shell string.
import { shellJoin } from '../../render/host-setup.ts';
import { dockerApiRequest, dockerCliArgv, type DockerCall } from './docker-call.ts';
import type { Step } from './plan.ts';

export function quoteArgv(argv: readonly string[]): string {
  return shellJoin(argv);
}

export function formatStep(step: Step, index?: number): string {
  const n = index === undefined ? '' : `${String(index + 1).padStart(2)}. `;
  const lines = [`# ${n}[${step.phase}] ${step.description}`];
  for (const w of step.writes ?? []) lines.push(`  write ${w.path} (${Buffer.byteLength(w.content)} bytes)`);
  if (step.onlyIf) lines.push(`  only if \`${quoteArgv(step.onlyIf)}\` succeeds:`);
  if (step.onlyIfSilent) lines.push(`  only if \`${quoteArgv(step.onlyIfSilent)}\` succeeds and prints nothing:`);
  if (step.unless) lines.push(`  unless \`${quoteArgv(step.unless)}\` succeeds:`);
  for (const [k, v] of Object.entries(step.env ?? {})) lines.push(`  with ${k}=${quoteArgv([v])}`);
  if (step.argv) lines.push(`  $ ${quoteArgv(step.argv)}${step.stdoutTo ? ` > ${quoteArgv([step.stdoutTo])}` : ''}`);
  // The CLI line a person can paste; pelab sends the request after the # itself (dockerode).
  if (step.docker) lines.push(dockerCallLine(step.docker));
  return lines.join('\n');
}

export function formatPlan(title: string, steps: readonly Step[]): string {
  return `${[`# ${title}`, ...steps.map((s, i) => formatStep(s, i))].join('\n')}\n`;
}

/** One command the runtime would run outside a plan (exec, vtysh, a fault), in the same style. */
export function formatCommand(description: string, argv: readonly string[]): string {
  return `# ${description}\n  $ ${quoteArgv(argv)}\n`;
}

/** A Kubernetes API call the runtime would make (apply, delete, list). */
export function formatApiCall(description: string, detail: readonly string[] = []): string {
  return `# ${description}\n${detail.map((d) => `  ${d}\n`).join('')}`;
}

/** A wait the runtime would poll for. */
export function formatWait(what: string, timeoutMs: number, intervalMs: number): string {
  return `# then poll every ${intervalMs} ms for ${what} (up to ${timeoutMs} ms)\n`;
}

/** A Docker call: the docker CLI line a person can paste, then (after #) the Engine API request pelab sends itself. */
function dockerCallLine(call: DockerCall): string {
  return `  $ ${quoteArgv(dockerCliArgv(call))}  # Docker API: ${dockerApiRequest(call)}`;
}

export function formatDockerCall(description: string, call: DockerCall): string {
  return `# ${description}\n${dockerCallLine(call)}\n`;
}
