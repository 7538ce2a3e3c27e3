// Small pieces the kinds share: running vtysh, naming the VRF in FRR commands, words for messages.
import type { Runtime, Target } from '../../runtime/runtime.ts';
import { brief } from '../../text/summary.ts';

/** The Runtime contract says raw stdout; tolerate an implementation that already parsed JSON. */
export async function vtyshText(runtime: Runtime, target: Target, command: string): Promise<string> {
  const out: unknown = await runtime.vtysh(target, command);
  return typeof out === 'string' ? out : JSON.stringify(out);
}

/** ` vrf red` for FRR commands; nothing for the default VRF. */
export function vrfPart(vrf: string | undefined): string {
  return vrf === undefined || vrf === 'default' ? '' : ` vrf ${vrf}`;
}

export function inVrf(vrf: string | undefined): string {
  return vrf === undefined || vrf === 'default' ? '' : ` in VRF ${vrf}`;
}

export { brief };

/** A list of parts joined with commas, without the empty ones. */
export function parts(...items: (string | false | undefined)[]): string {
  return items.filter((s): s is string => typeof s === 'string' && s.length > 0).join(', ');
}
