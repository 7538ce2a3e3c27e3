// Finding the lab a command is about: by --name, by --lab, or the one lab that is up. A netns
// instance is recognised by its ledger and namespaces, a kind instance by its work directory
// `.pelab/kind/<instance>/` under the current directory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, LabBuildError } from '../errors.ts';
import { labPath, loadLab } from '../lab/load.ts';
import { Ledger } from '../runtime/netns/ledger.ts';
import { instanceNames } from '../runtime/netns/names.ts';
import { leftoverInstances } from '../runtime/netns/teardown.ts';
import { NetnsRuntime } from '../runtime/netns/runtime.ts';
import type { RuntimeKind } from '../runtime/create.ts';
import type { KindRuntime } from '../runtime/kind/runtime.ts';
import { assertInstance, defaultWorkDir, workFiles, type LabRecord } from '../runtime/kind/names.ts';
import { labFromOption, REPO_ROOT } from './args.ts';
import { findObject } from '../lab/query.ts';
import type { Lab } from '../lab/model.ts';
import type { Target } from '../runtime/runtime.ts';

export interface InstanceOptions {
  /** Default netns. */
  readonly runtime?: RuntimeKind;
  /** kind: with no instance recorded, fall back to the default lab's instance instead of failing. */
  readonly dryRun?: boolean;
}

function isInstanceName(name: string): boolean {
  try {
    assertInstance(name);
    return true;
  } catch {
    return false;
  }
}

/** kind instances with a work directory under `.pelab/kind/` of `cwd`. */
export function kindInstances(cwd: string = process.cwd()): string[] {
  try {
    return readdirSync(resolve(cwd, '.pelab', 'kind'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && isInstanceName(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export async function runningInstance(name: string | undefined, lab: string | undefined, options: InstanceOptions = {}): Promise<string> {
  if (name) return name;
  if (lab) return (await labFromOption(lab)).name;
  const kind = options.runtime === 'kind';
  const all = kind ? kindInstances() : await leftoverInstances();
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    // A dry run shows what would happen to the default lab's instance.
    if (kind && options.dryRun) return (await labFromOption(undefined)).name;
    throw new LabBuildError(
      kind ? `no kind lab instance under ${process.cwd()}/.pelab/kind/` : 'no pelab lab is up on this machine',
      kind ? 'run: pelab up --runtime kind (pelab finds kind instances by their work directory, so run it from the same directory)' : 'run: pelab up',
    );
  }
  throw new InputError('command line', '--name', `one of the labs that are up: ${all.join(', ')}`);
}

/** The netns runtime of a lab instance that is up, rebuilt from its ledger. */
export async function attachNetns(instance: string): Promise<NetnsRuntime> {
  const ledger = Ledger.read(instanceNames(instance).stateFile);
  if (!ledger) throw new LabBuildError(`lab instance "${instance}" is not up`, `run: pelab up --name ${instance}`);
  const lab = await loadLab(ledger.data.labFile);
  return new NetnsRuntime(lab, { instance });
}

export interface AttachKindOptions {
  /** LAB of --lab: overrides the lab recorded in the work directory. */
  readonly lab?: string | undefined;
  readonly dryRun?: boolean;
  /** Where a dry run prints (default stdout). */
  readonly out?: NodeJS.WritableStream;
}

/**
 * The kind runtime of an instance, rebuilt from its work directory (which records the lab it was
 * built from). A dry run needs no work directory: it uses --lab, the lab named like the
 * instance, or the default lab.
 */
export async function attachKind(instance: string, options: AttachKindOptions = {}): Promise<KindRuntime> {
  if (!isInstanceName(instance)) {
    throw new InputError('command line', '--name', `a kind instance name: lowercase letters, digits and "-", at most 20 (got "${instance}")`);
  }
  const dryRun = options.dryRun ?? false;
  const dir = defaultWorkDir(instance);
  const files = workFiles(dir);
  if (!existsSync(dir) && !dryRun) {
    throw new LabBuildError(`lab instance "${instance}" is not up on kind (no ${dir})`, `run: pelab up --runtime kind --name ${instance}`);
  }
  let lab: Lab;
  if (options.lab !== undefined) {
    lab = await labFromOption(options.lab);
  } else if (existsSync(files.labRecord)) {
    let record: LabRecord;
    try {
      record = JSON.parse(readFileSync(files.labRecord, 'utf8')) as LabRecord;
    } catch (e) {
      throw new InputError(files.labRecord, '', `the lab record pelab up wrote (${e instanceof Error ? e.message : String(e)}); pass --lab`);
    }
    if (typeof record.lab !== 'string') throw new InputError(files.labRecord, 'lab', 'the path of the lab file; pass --lab');
    lab = await loadLab(record.lab);
  } else if (dryRun) {
    lab = await labFromOption(existsSync(labPath(instance, REPO_ROOT)) ? instance : undefined);
  } else {
    throw new InputError('command line', '--lab', `the lab of kind instance "${instance}" (${files.labRecord} is missing)`);
  }
  const { KindRuntime } = await import('../runtime/kind/runtime.ts');
  return new KindRuntime(lab, { instance, dryRun, workDir: dir, ...(options.out ? { out: options.out } : {}) });
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
