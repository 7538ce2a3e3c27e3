// What the netns runtime cannot emulate yet although the manifests are valid for MetalLB. Each
// would change routing, so applying it is an error that says so rather than a lab that
// silently behaves differently from a real cluster.
import type { InputError } from '../../errors.ts';
import { errorAt } from '../../k8s/load.ts';
import type { Manifest } from '../../k8s/manifest.ts';

export function notEmulated(manifests: readonly Manifest[]): InputError[] {
  const out: InputError[] = [];
  for (const m of manifests) {
    if (m.kind === 'L2Advertisement') {
      out.push(errorAt(m, 'kind', 'a kind the netns runtime emulates: L2Advertisement (MetalLB L2 mode, ARP answered by one elected node) is not emulated yet; use the kind runtime'));
    }
  }
  return out;
}
