// pelab up | down | status | exec | apply | delete: the lab as a thing you keep around to poke at.
// The runtime (--runtime or PELAB_RUNTIME, default netns) finds and attaches instances; with
// --dry-run (where the runtime can) every command prints what it would do instead.
import { ExitCode, InputError, LabNotUpError } from '../../errors.ts';
import { loadManifestFiles } from '../../k8s/load.ts';
import { createRuntime, dryRunKinds, providerOf } from '../../runtime/registry.ts';
import type { LabStatus, ProgressEvent, Runtime, RuntimeKind } from '../../runtime/runtime.ts';
import { instanceOption, labFromOption, runtimeKind } from '../args.ts';
import type { GlobalOptions, OutputFormat } from '../options.ts';
import { formatOutput } from '../output.ts';
import { attachInstance, runningInstance } from '../instance.ts';
import { parseTarget } from '../../runtime/roles.ts';
import { withInterruptCleanup } from '../interrupt.ts';
import { withInstance } from '../../runtime/claim.ts';
import { createConsoleReporter, isLiveTerminal } from '../../report/console.ts';

/** Which instance a command is about. */
export interface InstanceOptions extends GlobalOptions {
  readonly name?: string | undefined;
  readonly lab?: string | undefined;
}

/** The runtime kind of a command line, and whether it is a dry run (which only kind can do). */
async function runtimeAndDryRun(values: GlobalOptions): Promise<{ kind: RuntimeKind; dryRun: boolean }> {
  const kind = runtimeKind(values.runtime);
  const dryRun = values.dryRun ?? false;
  if (dryRun && !(await providerOf(kind)).canDryRun) {
    throw new InputError('command line', '--dry-run', `only with --runtime ${(await dryRunKinds()).join(' or ')}: the ${kind} runtime has no dry run`);
  }
  return { kind, dryRun };
}

/** The lab instance a command is about, attached on its runtime. */
export async function attach(values: InstanceOptions, out?: NodeJS.WritableStream): Promise<Runtime> {
  const { kind, dryRun } = await runtimeAndDryRun(values);
  return attachInstance({ name: values.name, lab: values.lab, runtime: kind, dryRun }, out);
}

/** Runs `work` holding the runtime's instance (src/runtime/claim.ts); a dry run changes nothing and holds nothing. */
function holding<T>(rt: Runtime, command: string, work: () => Promise<T>): Promise<T> {
  return rt.dryRun ? work() : withInstance(rt.instance, command, work);
}

function dryRunNote(rt: Runtime, what: string): void {
  if (rt.dryRun) process.stdout.write(`dry run: nothing was ${what}; the above is what pelab would do for instance ${rt.instance} of lab ${rt.lab.name} on ${rt.kind}\n`);
}

export async function up(values: InstanceOptions & { readonly artifact?: readonly string[] | undefined }): Promise<number> {
  const { kind, dryRun } = await runtimeAndDryRun(values);
  const name = instanceOption(values.name);
  const lab = await labFromOption(values.lab);
  const rt = await createRuntime(kind, lab, { ...(name ? { instance: name } : {}), dryRun, artifacts: [...(values.artifact ?? [])] });
  const started = performance.now();
  // On a terminal the bring-up is live (phases as they end, the long step in progress); in logs
  // and pipes, one line per phase as before.
  const live = !rt.dryRun && isLiveTerminal(process.stderr, process.env) ? createConsoleReporter({ stream: process.stderr }) : undefined;
  const options = live
    ? { onPhase: (name: string, ms: number) => live.phaseEnd(name, ms), onProgress: (e: ProgressEvent) => live.progress?.(e) }
    : { onPhase: (name: string, ms: number) => void process.stderr.write(`  ${name.padEnd(28)} ${ms} ms\n`) };
  live?.phaseStart(`up ${rt.instance}`);
  try {
    await holding(rt, 'up', () => withInterruptCleanup(rt, (signal) => rt.up({ signal, ...options })));
  } finally {
    live?.close();
  }
  if (rt.dryRun) dryRunNote(rt, 'built');
  else process.stdout.write(`lab ${rt.instance} (${lab.name}) is up on ${rt.kind} in ${Math.round(performance.now() - started)} ms\n`);
  return 0;
}

export async function down(values: InstanceOptions & { readonly all: boolean }): Promise<number> {
  const { kind, dryRun } = await runtimeAndDryRun(values);
  const provider = await providerOf(kind);
  const names = values.all ? await provider.list() : [await runningInstance({ name: values.name, lab: values.lab, runtime: kind, dryRun })];
  const lab = values.lab !== undefined ? await labFromOption(values.lab) : undefined;
  for (const instance of names) {
    const destroy = () => provider.destroy(instance, { dryRun, ...(lab ? { lab } : {}) });
    const r = dryRun ? await destroy() : await withInstance(instance, 'down', destroy);
    if (r.dryRun) process.stdout.write(`dry run: nothing was removed; the above is what pelab would do for instance ${instance} on ${kind}\n`);
    else process.stdout.write(`lab ${instance} removed from ${kind}: ${r.detail} in ${r.ms} ms\n`);
  }
  return 0;
}

function formatStatus(rt: Runtime, s: LabStatus): string {
  const lines = [`lab ${rt.instance} (${s.lab}) on ${s.runtime}: ${rt.dryRun ? 'unknown (dry run)' : s.up ? 'up' : 'NOT fully up'}`];
  if (s.frr) lines.push(`FRR ${s.frr.version}: ${s.frr.source}`);
  for (const n of s.nodes) lines.push(`  ${n.state.padEnd(5)} ${n.kind.padEnd(8)} ${n.name.padEnd(24)} ${n.detail ?? ''}`);
  if (s.applied.length > 0) lines.push('applied:', ...s.applied.map((a) => `  ${a}`));
  for (const note of s.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

export async function status(values: InstanceOptions & { readonly output: OutputFormat }): Promise<number> {
  const machine = values.output !== 'text';
  // With -o json|yaml, stdout is the document alone: a dry run prints its commands on stderr.
  let rt: Runtime;
  try {
    rt = await attach(values, machine ? process.stderr : undefined);
  } catch (e) {
    if (!(e instanceof LabNotUpError)) throw e;
    // Not an error of pelab's: answer the question with what is up instead.
    const { kind } = await runtimeAndDryRun(values);
    const upNow = await (await providerOf(kind)).list();
    const what = upNow.length === 0 ? `no lab is up on ${kind}` : `up on ${kind}: ${upNow.join(', ')}`;
    if (machine) process.stdout.write(formatOutput({ up: false, runtime: kind, instances: upNow }, values.output));
    process.stderr.write(`pelab: ${e.message.split('\n')[0]}; ${what}\n`);
    return ExitCode.checkFailed;
  }
  const s = await rt.status();
  process.stdout.write(machine ? formatOutput(s, values.output) : formatStatus(rt, s));
  if (rt.dryRun) return 0;
  return s.up ? 0 : 1;
}

export async function exec(node: string, command: readonly string[], values: InstanceOptions & { readonly vrf?: string | undefined }): Promise<number> {
  const rt = await attach(values);
  const target = parseTarget(rt.lab, node);
  const argvFinal = rt.userCommand?.(target, command) ?? command;
  const r = await rt.exec(target, argvFinal, values.vrf ? { vrf: values.vrf } : {});
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (rt.dryRun) dryRunNote(rt, 'run');
  return r.exitCode;
}

export async function applyOrDelete(mode: 'apply' | 'delete', files: readonly string[], values: InstanceOptions): Promise<number> {
  if (files.length === 0) throw new InputError('command line', mode, `pelab ${mode} <manifest files...>`);
  const manifests = await loadManifestFiles(files);
  const rt = await attach(values);
  const r = await holding(rt, mode, () => (mode === 'apply' ? rt.apply(manifests) : rt.delete(manifests)));
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const [svc, ips] of Object.entries(r.serviceIPs)) process.stdout.write(`service ${svc}: ${ips.join(', ')}\n`);
  if (rt.dryRun) dryRunNote(rt, mode === 'apply' ? 'applied' : 'deleted');
  return 0;
}

