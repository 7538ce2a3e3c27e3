// Finding the lab a command is about: by --name, by --lab, or the one lab that is up.
import { InputError, LabBuildError } from '../errors.ts';
import { loadLab } from '../lab/load.ts';
import { Ledger } from '../runtime/netns/ledger.ts';
import { instanceNames } from '../runtime/netns/names.ts';
import { leftoverInstances } from '../runtime/netns/teardown.ts';
import { NetnsRuntime } from '../runtime/netns/runtime.ts';
import { labFromOption } from './args.ts';
import { findObject } from '../lab/query.ts';
import type { Lab } from '../lab/model.ts';
import type { Target } from '../runtime/runtime.ts';

export async function runningInstance(name: string | undefined, lab: string | undefined): Promise<string> {
  if (name) return name;
  if (lab) return (await labFromOption(lab)).name;
  const all = await leftoverInstances();
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new LabBuildError('no pelab lab is up on this machine', 'run: pelab up');
  throw new InputError('command line', '--name', `one of the labs that are up: ${all.join(', ')}`);
}

/** The netns runtime of a lab instance that is up, rebuilt from its ledger. */
export async function attachNetns(instance: string): Promise<NetnsRuntime> {
  const ledger = Ledger.read(instanceNames(instance).stateFile);
  if (!ledger) throw new LabBuildError(`lab instance "${instance}" is not up`, `run: pelab up --name ${instance}`);
  const lab = await loadLab(ledger.data.labFile);
  return new NetnsRuntime(lab, { instance });
}

/** `leafA`, `hostA_red`, `pe-kind-worker` (the node's host side / speaker), `pe-kind-worker:pe` (its PE router). */
export function parseTarget(lab: Lab, text: string): Target {
  const [name, role] = text.split(':');
  const obj = findObject(lab, name ?? '');
  if (obj?.kind === 'router' && role === undefined) return { kind: 'router', name: obj.router.name };
  if (obj?.kind === 'host' && role === undefined) return { kind: 'host', name: obj.host.name };
  if (obj?.kind === 'cluster-node' && (role === undefined || role === 'speaker')) return { kind: 'speaker', node: obj.node.name };
  if (obj?.kind === 'cluster-node' && role === 'pe') return { kind: 'pe', node: obj.node.name };
  const known = [...lab.routers, ...lab.hosts].map((x) => x.name).concat((lab.cluster?.nodes ?? []).flatMap((n) => [n.name, `${n.name}:pe`]));
  throw new InputError('command line', 'node', `a node of lab ${lab.name}: ${known.join(', ')} (got "${text}")`);
}
