// The old OpenPERouter API that the seed documents (and older blog posts) use: group
// openpe.openperouter.github.io and flat, lowercase fields. A current cluster rejects or prunes
// them, so pelab converts them to network.openperouter.io/v1alpha1 and says so, showing the
// modern YAML. Every old field is either mapped or reported: nothing is dropped silently.
import { stringify } from 'yaml';
import { InputError, InputErrors } from '../errors.ts';
import { errorAt, inheritOrigin, lineOf, manifestFromBody } from './load.ts';
import type { PathSegment } from './load.ts';
import type { Manifest } from './manifest.ts';
import { parseCIDR } from '../net/ip.ts';
import { parseGoDuration } from './schemas/common.ts';

const LEGACY_GROUP = 'openpe.openperouter.github.io';
const CURRENT_API = 'network.openperouter.io/v1alpha1';

export function isLegacy(m: Pick<Manifest, 'apiVersion'>): boolean {
  return m.apiVersion.split('/')[0] === LEGACY_GROUP;
}

interface LegacyConversion {
  readonly manifest: Manifest;
  readonly warning: string;
}

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads an old object field by field, matching keys case-insensitively (old documents mix
 * `hostasn` and `hostASN`), and reports every key nobody asked for.
 */
class Reader {
  private readonly used = new Set<string>();
  private readonly m: Manifest;
  private readonly obj: Rec;
  private readonly path: PathSegment[];
  private readonly errors: InputError[];
  constructor(m: Manifest, obj: Rec, path: PathSegment[], errors: InputError[]) {
    this.m = m;
    this.obj = obj;
    this.path = path;
    this.errors = errors;
  }

  has(name: string): boolean {
    return this.keyOf(name) !== undefined;
  }

  at(name: string): PathSegment[] {
    return [...this.path, this.keyOf(name) ?? name];
  }

  get(name: string): unknown {
    const key = this.keyOf(name);
    if (key === undefined) return undefined;
    this.used.add(key);
    return this.obj[key];
  }

  child(name: string): Reader | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!isRecord(v)) {
      this.errors.push(errorAt(this.m, this.at(name), 'a mapping'));
      return undefined;
    }
    return new Reader(this.m, v, this.at(name), this.errors);
  }

  /** Report keys not consumed: old fields pelab cannot map. */
  finish(known: string): void {
    for (const key of Object.keys(this.obj)) {
      if (!this.used.has(key)) {
        this.errors.push(errorAt(this.m, [...this.path, key], `an old OpenPERouter field with a current equivalent (${key} has none pelab knows; known here: ${known})`));
      }
    }
  }

  private keyOf(name: string): string | undefined {
    return Object.keys(this.obj).find((k) => k.toLowerCase() === name.toLowerCase());
  }
}

function put(target: Rec, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function convertLocalCIDR(r: Reader, name: string, errors: InputError[], m: Manifest): unknown {
  const v = r.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    // The oldest form: one CIDR string; its family decides the modern key.
    return parseCIDR(v)?.family === 6 ? { ipv6: v } : { ipv4: v };
  }
  if (isRecord(v)) {
    const sub = new Reader(m, v, r.at(name), errors);
    const out: Rec = {};
    put(out, 'ipv4', sub.get('ipv4'));
    put(out, 'ipv6', sub.get('ipv6'));
    sub.finish('ipv4, ipv6');
    return out;
  }
  errors.push(errorAt(m, r.at(name), 'a CIDR string or {ipv4, ipv6}'));
  return undefined;
}

function convertHostSession(r: Reader, errors: InputError[], m: Manifest): Rec {
  const out: Rec = {};
  put(out, 'asn', r.get('asn'));
  put(out, 'hostASN', r.get('hostasn'));
  put(out, 'hostType', r.get('hosttype'));
  put(out, 'localCIDR', convertLocalCIDR(r, 'localcidr', errors, m));
  return out;
}

function convertL3VNI(m: Manifest, spec: Reader, errors: InputError[], renames: Rename[]): Rec {
  const out: Rec = {};
  // Old L3VNIs had no required vrf: the VRF took the object's name.
  out.vrf = spec.get('vrf') ?? m.metadata.name;
  put(out, 'vni', spec.get('vni'));
  put(out, 'vxlanPort', spec.get('vxlanport'));
  const flat = ['asn', 'hostasn', 'hosttype', 'localcidr'].filter((k) => spec.has(k));
  const nested = spec.has('hostsession');
  if (flat.length > 0 && nested) {
    errors.push(errorAt(m, spec.at(flat[0] as string), 'either the flat fields (asn, hostasn, localcidr) or hostsession, not both'));
  }
  if (nested) {
    const hs = spec.child('hostsession');
    if (hs) {
      out.hostSession = convertHostSession(hs, errors, m);
      hs.finish('asn, hostasn, hosttype, localcidr');
    }
  } else if (flat.length > 0) {
    out.hostSession = convertHostSession(spec, errors, m);
    renames.push([['spec', 'hostSession'], ['spec']]);
  }
  put(out, 'importRTs', spec.get('importrts'));
  put(out, 'exportRTs', spec.get('exportrts'));
  put(out, 'nodeSelector', spec.get('nodeselector'));
  spec.finish('vrf, vni, vxlanport, asn, hostasn, hosttype, localcidr, hostsession, importrts, exportrts, nodeselector');
  return out;
}

function convertL3Passthrough(m: Manifest, spec: Reader, errors: InputError[]): Rec {
  const out: Rec = {};
  const hs = spec.child('hostsession');
  if (hs) {
    out.hostSession = convertHostSession(hs, errors, m);
    hs.finish('asn, hostasn, hosttype, localcidr');
  }
  put(out, 'nodeSelector', spec.get('nodeselector'));
  spec.finish('hostsession, nodeselector');
  return out;
}

function seconds(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const ms = parseGoDuration(v);
  return ms === undefined ? v : ms / 1000;
}

function convertUnderlay(m: Manifest, spec: Reader, errors: InputError[], renames: Rename[]): Rec {
  const out: Rec = {};
  put(out, 'asn', spec.get('asn'));
  put(out, 'routerIDCIDR', spec.get('routeridcidr'));
  const nics = spec.get('nics');
  if (nics !== undefined) {
    if (Array.isArray(nics) && nics.every((n) => typeof n === 'string')) {
      out.interfaces = nics.map((n) => ({ type: 'NetworkDevice', networkDevice: { interfaceName: n } }));
      renames.push([['spec', 'interfaces'], spec.at('nics')]);
    } else {
      errors.push(errorAt(m, spec.at('nics'), 'a list of interface names'));
    }
  }
  if (spec.has('interfaces')) put(out, 'interfaces', spec.get('interfaces'));
  const vtep = spec.get('vtepcidr');
  if (vtep !== undefined) {
    out.tunnelEndpoint = { cidrs: [vtep] };
    renames.push([['spec', 'tunnelEndpoint', 'cidrs', 0], spec.at('vtepcidr')], [['spec', 'tunnelEndpoint'], spec.at('vtepcidr')]);
  }
  if (spec.has('tunnelendpoint')) put(out, 'tunnelEndpoint', spec.get('tunnelendpoint'));
  const neighbors = spec.get('neighbors');
  if (Array.isArray(neighbors)) {
    out.neighbors = neighbors.map((n, i) => {
      if (!isRecord(n)) {
        errors.push(errorAt(m, [...spec.at('neighbors'), i], 'a mapping'));
        return n;
      }
      const r = new Reader(m, n, [...spec.at('neighbors'), i], errors);
      const nb: Rec = {};
      put(nb, 'asn', r.get('asn'));
      put(nb, 'type', r.get('type'));
      put(nb, 'address', r.get('address'));
      put(nb, 'port', r.get('port'));
      put(nb, 'password', r.get('password'));
      const base: PathSegment[] = ['spec', 'neighbors', i];
      for (const [modern, old] of [
        ['holdTimeSeconds', 'holdtime'],
        ['keepaliveTimeSeconds', 'keepalivetime'],
        ['connectTimeSeconds', 'connecttime'],
      ] as const) {
        const key = r.has(modern) ? modern : old;
        put(nb, modern, seconds(r.get(key)));
        renames.push([[...base, modern], r.at(key)]);
      }
      const multihop = r.get('ebgpmultihop');
      if (multihop === true) nb.properties = [{ type: 'ebgpMultiHop' }];
      else if (multihop !== undefined && multihop !== false) errors.push(errorAt(m, r.at('ebgpmultihop'), 'true or false'));
      renames.push([[...base, 'properties'], r.at('ebgpmultihop')]);
      r.finish('asn, type, address, port, password, holdtime, keepalivetime, connecttime, ebgpmultihop');
      return nb;
    });
  } else if (neighbors !== undefined) {
    errors.push(errorAt(m, spec.at('neighbors'), 'a list of neighbors'));
  }
  put(out, 'nodeSelector', spec.get('nodeselector'));
  spec.finish('asn, routeridcidr, nics, interfaces, vtepcidr, tunnelendpoint, neighbors, nodeselector');
  return out;
}

/** A path of the converted document and where that value was in the old one. */
type Rename = [PathSegment[], PathSegment[]];

const CONVERTERS: Record<string, (m: Manifest, spec: Reader, errors: InputError[], renames: Rename[]) => Rec> = {
  L3VNI: convertL3VNI,
  L3Passthrough: convertL3Passthrough,
  Underlay: convertUnderlay,
};

/** Convert one old-API object to the current API. Throws InputErrors for fields it cannot map. */
export function convertLegacy(m: Manifest): LegacyConversion {
  const errors: InputError[] = [];
  const convert = CONVERTERS[m.kind];
  if (!convert) {
    throw new InputErrors([errorAt(m, 'kind', `an old OpenPERouter kind pelab can convert (${Object.keys(CONVERTERS).join(', ')}); ${m.kind} is not`)]);
  }
  const rawSpec = m.body.spec;
  if (!isRecord(rawSpec)) throw new InputErrors([errorAt(m, 'spec', 'a mapping')]);
  for (const key of Object.keys(m.body)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(key)) errors.push(errorAt(m, [key], `no such field: ${key} (old ${m.kind} objects have apiVersion, kind, metadata, spec)`));
  }
  const renames: Rename[] = [];
  const spec = convert(m, new Reader(m, rawSpec, ['spec'], errors), errors, renames);
  if (errors.length > 0) throw new InputErrors(errors);
  const body: Record<string, unknown> = { apiVersion: CURRENT_API, kind: m.kind, metadata: m.body.metadata, spec };
  inheritOrigin(body, m, renames);
  const manifest = manifestFromBody(body, m.source);
  const modern = stringify(body, { lineWidth: 0 }).trimEnd();
  const where = `${m.source.file}:${lineOf(m, []) ?? m.source.line}`;
  const warning =
    `${where}: ${m.kind} ${m.metadata.name} uses the old OpenPERouter API (${m.apiVersion}, lowercase fields); ` +
    `pelab converted it. The current form is:\n${modern.replace(/^/gm, '    ')}`;
  return { manifest, warning };
}

