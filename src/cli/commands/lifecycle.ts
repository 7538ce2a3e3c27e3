// pelab up | down | status | exec | apply | delete: the lab as a thing you keep around to poke at.
import { InputError } from '../../errors.ts';
import { loadManifestFiles } from '../../k8s/load.ts';
import { createRuntime } from '../../runtime/create.ts';
import { leftoverInstances, teardownInstance } from '../../runtime/netns/teardown.ts';
import { labFromOption, parse, runtimeKind } from '../args.ts';
import { attachNetns, parseTarget, runningInstance } from '../instance.ts';
import { withInterruptCleanup } from '../interrupt.ts';

export async function up(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    lab: { type: 'string' },
    name: { type: 'string' },
    runtime: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const lab = await labFromOption(values.lab ?? positionals[0]);
  const rt = await createRuntime(runtimeKind(values.runtime), lab, { ...(values.name ? { instance: values.name } : {}), dryRun: values['dry-run'] ?? false });
  const started = performance.now();
  await withInterruptCleanup(rt, (signal) =>
    rt.up({ signal, onPhase: (name, ms) => process.stderr.write(`  ${name.padEnd(28)} ${ms} ms\n`) }),
  );
  process.stdout.write(`lab ${rt.instance} (${lab.name}) is up on ${rt.kind} in ${Math.round(performance.now() - started)} ms\n`);
  return 0;
}

export async function down(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { name: { type: 'string' }, lab: { type: 'string' }, all: { type: 'boolean' } });
  const names = values.all ? await leftoverInstances() : [await runningInstance(values.name ?? positionals[0], values.lab)];
  for (const name of names) {
    const r = await teardownInstance(name);
    process.stdout.write(`lab ${name} removed: ${r.namespaces} namespaces, ${r.killed} processes, ${r.mounts} mounts in ${r.ms} ms\n`);
  }
  return 0;
}

export async function status(argv: string[]): Promise<number> {
  const { values } = parse(argv, { name: { type: 'string' }, lab: { type: 'string' }, json: { type: 'boolean' } });
  const rt = await attachNetns(await runningInstance(values.name, values.lab));
  const s = await rt.status();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  } else {
    process.stdout.write(`lab ${rt.instance} (${s.lab}) on ${s.runtime}: ${s.up ? 'up' : 'NOT fully up'}\n`);
    for (const n of s.nodes) process.stdout.write(`  ${n.state.padEnd(5)} ${n.kind.padEnd(8)} ${n.name.padEnd(24)} ${n.detail ?? ''}\n`);
    if (s.applied.length > 0) process.stdout.write(`applied:\n${s.applied.map((a) => `  ${a}`).join('\n')}\n`);
    for (const note of s.notes) process.stdout.write(`note: ${note}\n`);
  }
  return s.up ? 0 : 1;
}

export async function exec(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  if (dash < 0) throw new InputError('command line', 'exec', 'pelab exec <node> [--vrf VRF] -- <command...>');
  const { values, positionals } = parse(argv.slice(0, dash), { name: { type: 'string' }, vrf: { type: 'string' } });
  const command = argv.slice(dash + 1);
  if (positionals.length !== 1 || command.length === 0) throw new InputError('command line', 'exec', 'pelab exec <node> [--vrf VRF] -- <command...>');
  const rt = await attachNetns(await runningInstance(values.name, undefined));
  const target = parseTarget(rt.lab, positionals[0]!);
  // `vtysh` means this node's FRR, which lives in its own pathspace.
  const argvFinal = command[0] === 'vtysh' && target.kind !== 'host' ? ['vtysh', '-N', rt.frrInstanceOf(target), ...command.slice(1)] : command;
  const r = await rt.exec(target, argvFinal, values.vrf ? { vrf: values.vrf } : {});
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}

async function applyOrDelete(argv: string[], mode: 'apply' | 'delete'): Promise<number> {
  const { values, positionals } = parse(argv, { name: { type: 'string' }, f: { type: 'string', multiple: true } });
  const files = [...(values.f ?? []), ...positionals];
  if (files.length === 0) throw new InputError('command line', mode, `pelab ${mode} <manifest files...>`);
  const manifests = await loadManifestFiles(files);
  const rt = await attachNetns(await runningInstance(values.name, undefined));
  const r = mode === 'apply' ? await rt.apply(manifests) : await rt.delete(manifests);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const [svc, ips] of Object.entries(r.serviceIPs)) process.stdout.write(`service ${svc}: ${ips.join(', ')}\n`);
  return 0;
}

export const apply = (argv: string[]): Promise<number> => applyOrDelete(argv, 'apply');
export const remove = (argv: string[]): Promise<number> => applyOrDelete(argv, 'delete');
