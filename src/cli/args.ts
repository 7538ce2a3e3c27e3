// Shared CLI option values: labs and runtimes.
import { InputError } from '../errors.ts';
import { DEFAULT_LAB, loadLab, labPath } from '../lab/load.ts';
import type { Lab } from '../lab/model.ts';
import { isRuntimeKind, RUNTIME_KINDS } from '../runtime/registry.ts';
import type { RuntimeKind } from '../runtime/runtime.ts';

import { REPO_ROOT } from '../paths.ts';

export { REPO_ROOT };

export function runtimeKind(value: string | undefined): RuntimeKind {
  const v = value ?? process.env.PELAB_RUNTIME ?? 'netns';
  if (!isRuntimeKind(v)) throw new InputError('command line', '--runtime', `${RUNTIME_KINDS.join(' or ')} (got "${v}")`);
  return v;
}

export async function labFromOption(value: string | undefined): Promise<Lab> {
  return loadLab(labPath(value ?? DEFAULT_LAB, REPO_ROOT));
}

/** Lab instance names: what every runtime can use in namespace, container and cluster names. */
const INSTANCE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** --name as given, checked before anything is built. */
export function instanceOption(value: string | undefined): string | undefined {
  if (value !== undefined && !INSTANCE_NAME.test(value)) {
    throw new InputError('command line', '--name', `a lab instance name: a lowercase letter, then lowercase letters, digits or "-", at most 20 characters (got ${JSON.stringify(value)})`);
  }
  return value;
}
