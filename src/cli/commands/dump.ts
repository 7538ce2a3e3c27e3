// pelab dump: the failure bundle, on demand, for a lab that is up on any runtime. With --dry-run
// (where the runtime can) it prints every command the bundle would run instead.
import { stringify } from 'yaml';
import { bundleVrfs, FRR_COMMANDS, KERNEL_COMMANDS, writeBundle } from '../../diagnostics/bundle.ts';
import { describeTarget, runsFrr, targetDir } from '../../runtime/roles.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { attach, type InstanceOptions } from './lifecycle.ts';

export async function dump(values: InstanceOptions & { readonly out?: string | undefined }): Promise<number> {
  const rt = await attach(values);
  const dir = values.out ?? `out/dumps/${rt.instance}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (rt.dryRun) {
    await describeBundle(rt, dir);
    return 0;
  }
  const applied = rt.appliedManifests();
  const started = performance.now();
  const path = await writeBundle(rt, dir, { reason: 'Written on request: `pelab dump`.', manifests: applied.map((body) => stringify(body)).join('---\n') });
  process.stdout.write(`wrote ${path} in ${Math.round(performance.now() - started)} ms\n`);
  return 0;
}

/** What writeBundle would collect, each command printed by the dry-running runtime. */
async function describeBundle(rt: Runtime, dir: string): Promise<void> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`# pelab dump (dry run): a failure bundle of instance ${rt.instance} of lab ${rt.lab.name} on ${rt.kind} would be written to ${dir}`);
  say('# status.json: runtime status');
  for (const extra of (await rt.dumpExtras?.()) ?? []) say(`# ${extra.file}: ${extra.description}`);
  for (const t of rt.dumpTargets()) {
    say(`# == ${describeTarget(t)}: ${targetDir(t)}/`);
    if (runsFrr(t)) for (const [, command] of FRR_COMMANDS) await rt.vtysh(t, command);
    for (const vrf of [undefined, ...bundleVrfs(rt, t)]) {
      for (const [, argv] of KERNEL_COMMANDS) await rt.exec(t, argv, vrf === undefined ? {} : { vrf });
    }
  }
  say(`dry run: nothing was collected; the above is what pelab dump would do for instance ${rt.instance} of lab ${rt.lab.name} on ${rt.kind}`);
}
