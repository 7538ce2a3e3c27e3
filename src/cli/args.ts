// Shared CLI option handling: labs, instances, runtimes.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.ts';
import { loadLab, labPath } from '../lab/load.ts';
import type { Lab } from '../lab/model.ts';
import type { RuntimeKind } from '../runtime/create.ts';

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
  if (v !== 'netns' && v !== 'kind') throw new InputError('command line', '--runtime', `netns or kind (got "${v}")`);
  return v;
}

export async function labFromOption(value: string | undefined): Promise<Lab> {
  return loadLab(labPath(value ?? 'singlecluster', REPO_ROOT));
}
