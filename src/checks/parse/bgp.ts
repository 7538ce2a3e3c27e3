// Parsers for FRR's BGP JSON (field names verified on FRR 8.4.4; see test/fixtures/frr/).
import { arr, isObject, num, objectOf, parseJsonOutput, str, type JsonObject } from './json.ts';
import { normalizePrefix } from './prefix.ts';

/** Our name for an address family; FRR's JSON key for anything we do not name. */
export type Afi = 'ipv4' | 'ipv6' | 'l2vpn-evpn' | (string & {});

const AFI_KEYS: Readonly<Record<string, Afi>> = {
  ipv4Unicast: 'ipv4',
  ipv6Unicast: 'ipv6',
  l2VpnEvpn: 'l2vpn-evpn',
};
const afiOfKey = (key: string): Afi => AFI_KEYS[key] ?? key;

export interface BgpSession {
  readonly vrf: string;
  readonly afi: Afi;
  readonly peer: string;
  /** FRR's state: Established, Active, Connect, Idle, OpenSent, OpenConfirm, Idle (Admin) ... */
  readonly state: string;
  readonly remoteAs?: number;
  readonly localAs?: number;
  readonly pfxRcd?: number;
  readonly pfxSnt?: number;
  /** A neighbor accepted through `bgp listen range` (shown with a `*` in the text output). */
  readonly dynamic: boolean;
  readonly hostname?: string;
}

function sessionsOfAfiBlock(vrf: string, afiKey: string, block: JsonObject): BgpSession[] {
  const out: BgpSession[] = [];
  for (const [key, value] of Object.entries(objectOf(block['peers']))) {
    const p = objectOf(value);
    const remoteAs = num(p['remoteAs']);
    const localAs = num(p['localAs']);
    const pfxRcd = num(p['pfxRcd']);
    const pfxSnt = num(p['pfxSnt']);
    const hostname = str(p['hostname']);
    out.push({
      vrf,
      afi: afiOfKey(afiKey),
      // The text output marks dynamic peers `*10.0.0.1`; JSON does not, but be safe.
      peer: key.replace(/^\*/, ''),
      state: str(p['state']) ?? 'unknown',
      ...(remoteAs !== undefined ? { remoteAs } : {}),
      ...(localAs !== undefined ? { localAs } : {}),
      ...(pfxRcd !== undefined ? { pfxRcd } : {}),
      ...(pfxSnt !== undefined ? { pfxSnt } : {}),
      dynamic: p['dynamicPeer'] === true || key.startsWith('*'),
      ...(hostname !== undefined ? { hostname } : {}),
    });
  }
  return out;
}

const isAfiBlock = (v: unknown): v is JsonObject => isObject(v) && 'peers' in v;

/**
 * `show bgp [vrf X] summary json` (address family -> block) and `show bgp vrf all summary json`
 * (VRF -> address family -> block; a VRF without neighbors is `{}`).
 */
export function parseBgpSummary(text: string, options: { vrf?: string } = {}): BgpSession[] {
  const json = parseJsonOutput(text, 'BGP summary');
  if (!isObject(json)) return [];
  const values = Object.values(json);
  const single = values.some(isAfiBlock);
  const out: BgpSession[] = [];
  if (single) {
    for (const [afiKey, block] of Object.entries(json)) {
      if (!isAfiBlock(block)) continue;
      out.push(...sessionsOfAfiBlock(str(block['vrfName']) ?? options.vrf ?? 'default', afiKey, block));
    }
    return out;
  }
  for (const [vrf, afis] of Object.entries(json)) {
    for (const [afiKey, block] of Object.entries(objectOf(afis))) {
      if (isAfiBlock(block)) out.push(...sessionsOfAfiBlock(str(block['vrfName']) ?? vrf, afiKey, block));
    }
  }
  return out;
}

export type BgpNeighbor =
  | { readonly exists: false; readonly peer: string }
  | {
      readonly exists: true;
      readonly peer: string;
      readonly state: string;
      readonly remoteAs?: number;
      readonly localAs?: number;
      readonly peerGroup?: string;
      readonly dynamic: boolean;
      /** Address families the neighbor is activated in. */
      readonly afis: readonly Afi[];
      readonly lastResetDueTo?: string;
    };

/** `show bgp [vrf X] neighbor <ip> json`: `{<ip>: {bgpState, ...}}` or `{bgpNoSuchNeighbor: true}`. */
export function parseBgpNeighbor(text: string, peer: string): BgpNeighbor {
  const json = objectOf(parseJsonOutput(text, 'BGP neighbor'));
  if (json['bgpNoSuchNeighbor'] === true) return { exists: false, peer };
  const entry = json[peer] ?? Object.values(json).find(isObject);
  if (!isObject(entry)) return { exists: false, peer };
  const remoteAs = num(entry['remoteAs']);
  const localAs = num(entry['localAs']);
  const peerGroup = str(entry['peerGroup']);
  const lastResetDueTo = str(entry['lastResetDueTo']);
  return {
    exists: true,
    peer,
    state: str(entry['bgpState']) ?? 'unknown',
    ...(remoteAs !== undefined ? { remoteAs } : {}),
    ...(localAs !== undefined ? { localAs } : {}),
    ...(peerGroup !== undefined ? { peerGroup } : {}),
    dynamic: entry['peerSubnetRangeGroup'] !== undefined,
    afis: Object.keys(objectOf(entry['addressFamilyInfo'])).map(afiOfKey),
    ...(lastResetDueTo !== undefined ? { lastResetDueTo } : {}),
  };
}

export interface BgpPath {
  readonly prefix: string;
  readonly valid: boolean;
  readonly best: boolean;
  /** AS path as FRR prints it, `""` for a local route. */
  readonly aspath: string;
  readonly nexthops: readonly string[];
  readonly localPref?: number;
  readonly med?: number;
  /** Standard communities, e.g. `64515:100`. Only the per-prefix command prints them. */
  readonly communities: readonly string[];
  readonly largeCommunities: readonly string[];
  readonly origin?: string;
  /** The neighbor it came from; undefined for a local route. */
  readonly peer?: string;
}

function aspathOf(p: JsonObject): string {
  const raw = isObject(p['aspath']) ? str(p['aspath']['string']) : str(p['path']);
  // FRR's detail JSON writes "Local" for an empty path; the table writes "".
  return raw === undefined || raw === 'Local' ? '' : raw;
}

function bestOf(p: JsonObject): boolean {
  const b = p['bestpath'];
  return b === true || (isObject(b) && b['overall'] === true);
}

/**
 * FRR's JSON names well-known communities (noExport, ...); MetalLB, frr-k8s and scenarios write
 * numbers. Paths carry the number so that one spelling matches; the text forms map too.
 */
const WELL_KNOWN_COMMUNITY: Readonly<Record<string, string>> = {
  gracefulShutdown: '65535:0', 'graceful-shutdown': '65535:0',
  acceptOwn: '65535:1', 'accept-own': '65535:1',
  llgrStale: '65535:6', 'llgr-stale': '65535:6',
  noLlgr: '65535:7', 'no-llgr': '65535:7',
  blackhole: '65535:666',
  noExport: '65535:65281', 'no-export': '65535:65281',
  noAdvertise: '65535:65282', 'no-advertise': '65535:65282',
  localAs: '65535:65283', 'local-AS': '65535:65283', 'no-export-subconfed': '65535:65283',
  noPeer: '65535:65284', 'no-peer': '65535:65284',
};

/** A standard community as a number `A:B`, whatever FRR or a scenario called it. */
export function numericCommunity(text: string): string {
  return WELL_KNOWN_COMMUNITY[text] ?? text;
}

function listOf(v: unknown): string[] {
  if (!isObject(v)) return [];
  const list = arr(v['list']).map(str).filter((s): s is string => s !== undefined);
  if (list.length > 0) return list;
  return (str(v['string']) ?? '').split(/\s+/).filter(Boolean);
}

function peerOf(p: JsonObject): string | undefined {
  const id = str(p['peerId']) ?? (isObject(p['peer']) ? str(p['peer']['peerId']) : undefined);
  return id === undefined || id === '(unspec)' || id === '0.0.0.0' ? undefined : id;
}

function pathOf(prefix: string, p: JsonObject): BgpPath {
  const localPref = num(p['locPrf']);
  const med = num(p['metric']);
  const origin = str(p['origin']);
  const peer = peerOf(p);
  return {
    prefix: normalizePrefix(prefix),
    valid: p['valid'] === true,
    best: bestOf(p),
    aspath: aspathOf(p),
    nexthops: arr(p['nexthops']).map((n) => str(objectOf(n)['ip'])).filter((s): s is string => s !== undefined),
    ...(localPref !== undefined ? { localPref } : {}),
    ...(med !== undefined ? { med } : {}),
    communities: listOf(p['community']).map(numericCommunity),
    largeCommunities: listOf(p['largeCommunity']),
    ...(origin !== undefined ? { origin } : {}),
    ...(peer !== undefined ? { peer } : {}),
  };
}

/**
 * `show bgp [vrf X] ipv4 unicast json` (`routes[prefix][]`, no communities in 8.4) and
 * `show bgp [vrf X] ipv4 unicast <prefix> json` (`{prefix, paths[]}` with all attributes; `{}`
 * when the prefix is not in the table).
 */
export function parseBgpRoutes(text: string): BgpPath[] {
  const json = objectOf(parseJsonOutput(text, 'BGP routes'));
  if (isObject(json['routes'])) {
    return Object.entries(json['routes']).flatMap(([prefix, paths]) =>
      arr(paths).filter(isObject).map((p) => pathOf(prefix, p)),
    );
  }
  const prefix = str(json['prefix']);
  if (prefix !== undefined) return arr(json['paths']).filter(isObject).map((p) => pathOf(prefix, p));
  return [];
}
