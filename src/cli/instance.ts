// Finding the lab a command is about: by --name, by --lab, or the one instance its runtime has.
// How instances are found and attached is the runtime provider's (src/runtime/registry.ts).
import { InputError, LabNotUpError } from '../errors.ts';
import { providerOf } from '../runtime/registry.ts';
import type { Runtime, RuntimeKind } from '../runtime/runtime.ts';
import { labFromOption } from './args.ts';

interface InstanceQuery {
  readonly name?: string | undefined;
  /** LAB of --lab: names the instance (the lab's name) and, on attach, overrides the recorded lab. */
  readonly lab?: string | undefined;
  readonly runtime: RuntimeKind;
  readonly dryRun?: boolean;
}

export async function runningInstance(query: InstanceQuery): Promise<string> {
  if (query.name) return query.name;
  if (query.lab) return (await labFromOption(query.lab)).name;
  const provider = await providerOf(query.runtime);
  const all = await provider.list();
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    // A dry run shows what would happen to the default lab's instance.
    if (query.dryRun) return (await labFromOption(undefined)).name;
    const help = provider.noInstanceHelp();
    throw new LabNotUpError(help.problem, help.hint);
  }
  throw new InputError('command line', '--name', `one of the labs that are up: ${all.join(', ')}`);
}

/** The runtime of the instance a command is about. */
export async function attachInstance(query: InstanceQuery, out?: NodeJS.WritableStream): Promise<Runtime> {
  const instance = await runningInstance(query);
  const provider = await providerOf(query.runtime);
  return provider.attach(instance, {
    ...(query.lab !== undefined ? { lab: await labFromOption(query.lab) } : {}),
    dryRun: query.dryRun ?? false,
    ...(out ? { out } : {}),
  });
}
