// `show ip route [vrf X] [prefix] json` (zebra's RIB; verified on FRR 8.4.4).
import { arr, isObject, num, objectOf, parseJsonOutput, str } from './json.ts';
import { normalizePrefix } from './prefix.ts';

interface ZebraNexthop {
  readonly ip?: string;
  readonly interfaceName?: string;
  readonly active: boolean;
  readonly fib: boolean;
  readonly onLink: boolean;
}

interface ZebraRoute {
  readonly prefix: string;
  readonly protocol: string;
  readonly vrf?: string;
  readonly table?: number;
  readonly selected: boolean;
  readonly installed: boolean;
  readonly nexthops: readonly ZebraNexthop[];
}

/** Prefix -> list of route entries; `{}` when the prefix is not in the RIB. */
export function parseZebraRoutes(text: string): ZebraRoute[] {
  const json = objectOf(parseJsonOutput(text, 'zebra routes'));
  const out: ZebraRoute[] = [];
  for (const [prefix, entries] of Object.entries(json)) {
    for (const e of arr(entries)) {
      if (!isObject(e)) continue;
      const vrf = str(e['vrfName']);
      const table = num(e['table']);
      out.push({
        prefix: normalizePrefix(str(e['prefix']) ?? prefix),
        protocol: str(e['protocol']) ?? 'unknown',
        ...(vrf !== undefined ? { vrf } : {}),
        ...(table !== undefined ? { table } : {}),
        selected: e['selected'] === true,
        installed: e['installed'] === true,
        nexthops: arr(e['nexthops']).filter(isObject).map((n) => {
          const ip = str(n['ip']);
          const interfaceName = str(n['interfaceName']);
          return {
            ...(ip !== undefined ? { ip } : {}),
            ...(interfaceName !== undefined ? { interfaceName } : {}),
            active: n['active'] === true,
            fib: n['fib'] === true,
            onLink: n['onLink'] === true,
          };
        }),
      });
    }
  }
  return out;
}
