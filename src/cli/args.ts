// Shared CLI option handling: labs, instances, runtimes.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.ts';
import { DEFAULT_LAB, loadLab, labPath } from '../lab/load.ts';
import type { Lab } from '../lab/model.ts';
import { isRuntimeKind, RUNTIME_KINDS } from '../runtime/registry.ts';
import type { RuntimeKind } from '../runtime/runtime.ts';

import { REPO_ROOT } from '../paths.ts';

export { REPO_ROOT };

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new InputError('command line', '', (e as Error).message);
  }
}

export function runtimeKind(value: string | undefined): RuntimeKind {
  const v = value ?? process.env.PELAB_RUNTIME ?? 'netns';
  if (!isRuntimeKind(v)) throw new InputError('command line', '--runtime', `${RUNTIME_KINDS.join(' or ')} (got "${v}")`);
  return v;
}

export async function labFromOption(value: string | undefined): Promise<Lab> {
  return loadLab(labPath(value ?? DEFAULT_LAB, REPO_ROOT));
}
