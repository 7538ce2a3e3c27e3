// The input errors computing the desired state from a manifest text gives on the singlecluster
// lab: [] when it is accepted. Shared by the k8s tests that feed one manifest and read its errors.
import { computeDesiredState } from '../../../src/k8s/desired.ts';
import { parseManifests } from '../../../src/k8s/load.ts';
import { InputErrors, type InputError } from '../../../src/errors.ts';
import { singlecluster } from './cluster.ts';

export function desiredStateErrors(text: string, file: string): InputError[] {
  try {
    computeDesiredState(parseManifests(text, file), singlecluster);
  } catch (e) {
    if (e instanceof InputErrors) return [...e.errors];
    throw e;
  }
  return [];
}
