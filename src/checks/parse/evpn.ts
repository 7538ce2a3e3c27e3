// Parsers for FRR's EVPN JSON (verified on FRR 8.4.4; see test/fixtures/frr/).
import { arr, isObject, num, objectOf, parseJsonOutput, str, type JsonObject } from './json.ts';

export interface EvpnPath {
  readonly rd: string;
  /** FRR's bracketed key, e.g. `[5]:[0]:[32]:[172.30.0.10]`. */
  readonly key: string;
  readonly routeType: number;
  readonly ethTag?: number;
  readonly ip?: string;
  readonly ipLen?: number;
  /** Type 5: `ip/ipLen`. */
  readonly prefix?: string;
  readonly mac?: string;
  /** Only `detail` output carries it. */
  readonly vni?: number;
  /** Route targets as printed, e.g. `RT:64514:100`. */
  readonly rts: readonly string[];
  readonly rmac?: string;
  readonly extendedCommunity: string;
  /** VTEPs. */
  readonly nexthops: readonly string[];
  readonly aspath: string;
  readonly best: boolean;
  readonly valid: boolean;
  readonly communities: readonly string[];
  readonly peer?: string;
}

interface EvpnKey {
  readonly routeType: number;
  readonly ethTag?: number;
  readonly mac?: string;
  readonly ip?: string;
  readonly ipLen?: number;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** `[5]:[0]:[32]:[172.30.0.10]`, `[2]:[0]:[48]:[mac]:[32]:[ip]`, `[2]:[0]:[48]:[mac]`. */
export function parseEvpnKey(key: string): EvpnKey | undefined {
  if (!key.startsWith('[') || !key.endsWith(']')) return undefined;
  const parts = key.slice(1, -1).split(']:[');
  const routeType = num(parts[0]);
  if (routeType === undefined) return undefined;
  const ethTag = num(parts[1]);
  const base = { routeType, ...(ethTag !== undefined ? { ethTag } : {}) };
  if (routeType === 5 && parts.length >= 4) {
    const ipLen = num(parts[2]);
    return { ...base, ...(ipLen !== undefined ? { ipLen } : {}), ...(parts[3] ? { ip: parts[3] } : {}) };
  }
  if (routeType === 2 && parts.length >= 4) {
    const mac = parts[3];
    const ipLen = num(parts[4]);
    const ip = parts[5];
    return {
      ...base,
      ...(mac && MAC.test(mac) ? { mac: mac.toLowerCase() } : {}),
      ...(ip ? { ip } : {}),
      ...(ip && ipLen !== undefined ? { ipLen } : {}),
    };
  }
  return base;
}

function pathOf(rd: string, key: string, entry: JsonObject, p: JsonObject): EvpnPath {
  const parsedKey = parseEvpnKey(key);
  // Plain output carries routeType/ip/mac on each path; `detail` carries them on the prefix.
  const pick = (field: string) => p[field] ?? entry[field];
  const routeType = num(pick('routeType')) ?? parsedKey?.routeType ?? 0;
  const ip = str(pick('ip')) ?? parsedKey?.ip;
  const ipLen = num(pick('ipLen')) ?? parsedKey?.ipLen;
  const mac = str(pick('mac'))?.toLowerCase() ?? parsedKey?.mac;
  const ethTag = num(pick('ethTag')) ?? parsedKey?.ethTag;
  const vni = num(p['vni']) ?? num(p['VNI']);
  const ext = str(objectOf(p['extendedCommunity'])['string']) ?? '';
  const tokens = ext.split(/\s+/).filter(Boolean);
  const rmac = tokens.find((t) => t.startsWith('Rmac:'))?.slice('Rmac:'.length).toLowerCase();
  const rawPath = isObject(p['aspath']) ? str(p['aspath']['string']) : str(p['path']);
  const best = p['bestpath'] === true || (isObject(p['bestpath']) && p['bestpath']['overall'] === true);
  const communities = (str(objectOf(p['community'])['string']) ?? '').split(/\s+/).filter(Boolean);
  const peerId = str(p['peerId']) ?? (isObject(p['peer']) ? str(p['peer']['peerId']) : undefined);
  return {
    rd,
    key,
    routeType,
    ...(ethTag !== undefined ? { ethTag } : {}),
    ...(ip !== undefined ? { ip } : {}),
    ...(ipLen !== undefined ? { ipLen } : {}),
    ...(routeType === 5 && ip !== undefined && ipLen !== undefined ? { prefix: `${ip}/${ipLen}` } : {}),
    ...(mac !== undefined ? { mac } : {}),
    ...(vni !== undefined ? { vni } : {}),
    rts: tokens.filter((t) => t.startsWith('RT:')),
    ...(rmac !== undefined ? { rmac } : {}),
    extendedCommunity: ext,
    nexthops: arr(p['nexthops']).map((n) => str(objectOf(n)['ip'])).filter((s): s is string => s !== undefined),
    aspath: rawPath === undefined || rawPath === 'Local' ? '' : rawPath,
    best,
    valid: p['valid'] === true,
    communities,
    ...(peerId !== undefined && peerId !== '(unspec)' && peerId !== '0.0.0.0' ? { peer: peerId } : {}),
  };
}

/**
 * `show bgp l2vpn evpn route [detail] [type prefix|macip] json` and `show bgp l2vpn evpn json`:
 * RD -> bracketed key -> `paths[][]`, next to counters (`numPrefix`, `numPaths`).
 */
export function parseEvpnRoutes(text: string): EvpnPath[] {
  const json = objectOf(parseJsonOutput(text, 'EVPN routes'));
  const out: EvpnPath[] = [];
  for (const [rd, byKey] of Object.entries(json)) {
    if (!isObject(byKey)) continue;
    for (const [key, entry] of Object.entries(byKey)) {
      if (!isObject(entry) || !key.startsWith('[')) continue;
      for (const group of arr(entry['paths'])) {
        // paths is a list of lists in FRR 8.4; tolerate a flat list as well.
        const paths = Array.isArray(group) ? group : [group];
        for (const p of paths) if (isObject(p)) out.push(pathOf(rd, key, entry, p));
      }
    }
  }
  return out;
}

interface EvpnVni {
  readonly vni: number;
  readonly type: string;
  readonly vrf?: string;
  readonly state?: string;
  readonly localVtep?: string;
  readonly vxlanIf?: string;
  readonly sviIf?: string;
  readonly routerMac?: string;
  readonly remoteVteps: readonly string[];
}

function vniOf(o: JsonObject): EvpnVni | undefined {
  const vni = num(o['vni']);
  if (vni === undefined) return undefined;
  const pick = (...keys: string[]) => keys.map((k) => str(o[k])).find((v) => v !== undefined);
  const vrf = pick('vrf', 'tenantVrf');
  const state = pick('state');
  const localVtep = pick('localVtepIp');
  const vxlanIf = pick('vxlanIntf', 'vxlanIf');
  const sviIf = pick('sviIntf');
  const routerMac = pick('routerMac');
  return {
    vni,
    type: str(o['type']) ?? 'unknown',
    ...(vrf !== undefined ? { vrf } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(localVtep !== undefined ? { localVtep } : {}),
    ...(vxlanIf !== undefined ? { vxlanIf } : {}),
    ...(sviIf !== undefined ? { sviIf } : {}),
    ...(routerMac !== undefined ? { routerMac: routerMac.toLowerCase() } : {}),
    remoteVteps: arr(o['remoteVteps']).map((v) => str(isObject(v) ? v['ip'] : v)).filter((s): s is string => s !== undefined),
  };
}

/** `show evpn vni json` (VNI -> summary) and `show evpn vni <n> json` (one detail object). */
export function parseEvpnVnis(text: string): EvpnVni[] {
  const json = objectOf(parseJsonOutput(text, 'EVPN VNIs'));
  if (num(json['vni']) !== undefined) {
    const one = vniOf(json);
    return one ? [one] : [];
  }
  return Object.values(json).filter(isObject).map(vniOf).filter((v): v is EvpnVni => v !== undefined);
}
