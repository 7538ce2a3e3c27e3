// The node's BGP speaker as frr-k8s would run it: MetalLB's generated configuration for the
// node (its BGPPeers plus the service prefixes it announces) merged with every FRRConfiguration
// that selects the node. Merge conflicts are input errors, as frr-k8s refuses to apply them.
import { InputError } from '../errors.ts';
import { lineOf } from './load.ts';
import { manifestKey } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { compareAddressText, formatCIDR, maskIP, parseCIDR, parseIP } from '../net/ip.ts';
import type { AdvertisedPrefix, BfdProfilePlan, ReceivedPrefix, RemoteAs, ServiceAnnouncement, SpeakerNeighborPlan, SpeakerPlan } from './plan.ts';
import { anySelectorMatches, parseCommunity, parseGoDuration, selectorMatches } from './schemas/common.ts';
import { canonicalPrefix } from './schemas/frrk8s.ts';
import type { FRRNeighbor } from './schemas/frrk8s.ts';
import type { K8sObjects, Obj } from './schemas/index.ts';
import type { BFDProfileSpec, BGPPeerSpec } from './schemas/metallb.ts';
import { secretValue } from './schemas/core.ts';
import { advertisedPools, frrNeighborSecretPassword, PASSWORD_SECRET_KEY } from './validate.ts';

interface SpeakerTuning {
  readonly connectTimeSeconds: number;
  readonly coalesceTimeMs?: number;
  readonly routeMapDelay0: boolean;
}

/** What the speaker needs to know about an allocated Service. */
export interface ServiceForAdvertisement {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ips: readonly string[];
  readonly pool: string;
  /** MetalLB announces only from nodes that pass the traffic-policy endpoint rule. */
  readonly announcesFrom: (node: string) => boolean;
}

type Field = 'asn' | 'port' | 'password' | 'ebgpMultiHop' | 'holdTime' | 'keepaliveTime' | 'connectTime' | 'localPref' | 'id' | 'bfdProfile' | 'enableGracefulRestart';

/** Where a merged value came from, to point an error at the right object and field. */
interface Source {
  readonly manifest: Manifest;
  readonly label: string;
  readonly path: (field: Field) => string;
}

interface NeighborDraft {
  readonly address: string;
  remoteAs: RemoteAs;
  port?: number;
  password?: string;
  ebgpMultihop: boolean;
  hold?: number;
  keepalive?: number;
  connect?: number;
  bfdProfile?: string;
  gracefulRestart: boolean;
  advertiseAll: boolean;
  readonly advertise: Set<string>;
  readonly localPref: Map<string, { value: number; source: Source }>;
  readonly communities: Map<string, Set<string>>;
  receiveAll: boolean;
  readonly receive: Map<string, ReceivedPrefix>;
  readonly peerNames: Set<string>;
  readonly source: Source;
}

interface RouterDraft {
  asn?: { value: number; source: Source };
  id?: { value: string; source: Source };
  readonly prefixes: Set<string>;
  readonly neighbors: Map<string, NeighborDraft>;
  /** Every BFD profile the node's configurations declare, with where it came from. */
  readonly bfdProfiles: Map<string, { readonly plan: BfdProfilePlan; readonly source: Source }>;
  readonly sources: Set<string>;
}

const seconds = (d: string | undefined) => (d === undefined ? undefined : (parseGoDuration(d) ?? 0) / 1000);

// hold/keepalive: one alone implies the other (keepalive = hold / 3), as MetalLB derives it.
function timersOf(hold: number | undefined, keepalive: number | undefined): { hold?: number; keepalive?: number } {
  if (hold !== undefined && keepalive === undefined) return { hold, keepalive: Math.floor(hold / 3) };
  if (hold === undefined && keepalive !== undefined) return { hold: keepalive * 3, keepalive };
  return { ...(hold !== undefined ? { hold } : {}), ...(keepalive !== undefined ? { keepalive } : {}) };
}

function emptyNeighbor(address: string, source: Source, remoteAs: RemoteAs): NeighborDraft {
  return {
    address,
    remoteAs,
    ebgpMultihop: false,
    gracefulRestart: false,
    advertiseAll: false,
    advertise: new Set(),
    localPref: new Map(),
    communities: new Map(),
    receiveAll: false,
    receive: new Map(),
    peerNames: new Set(),
    source,
  };
}

function conflict(node: string, incoming: Source, existing: Source, field: Field, what: string, a: unknown, b: unknown): InputError {
  return new InputError(
    incoming.manifest.source.file,
    incoming.path(field),
    `the same ${what} as ${existing.label} (${String(b)} vs ${String(a)}): frr-k8s merges both on node ${node} and refuses conflicting values`,
    lineOf(incoming.manifest, incoming.path(field)),
  );
}

function setLocalPref(n: NeighborDraft, prefix: string, value: number, source: Source, node: string, errors: InputError[]): void {
  const prev = n.localPref.get(prefix);
  if (prev && prev.value !== value) errors.push(conflict(node, source, prev.source, 'localPref', `local preference for ${prefix} towards ${n.address}`, value, prev.value));
  else if (!prev) n.localPref.set(prefix, { value, source });
}

function addCommunity(n: NeighborDraft, prefix: string, community: string): void {
  const set = n.communities.get(prefix) ?? new Set<string>();
  set.add(community);
  n.communities.set(prefix, set);
}

/** Merge one neighbor into the router, checking the fields frr-k8s requires to agree. */
function mergeNeighbor(r: RouterDraft, incoming: NeighborDraft, node: string, errors: InputError[]): void {
  const cur = r.neighbors.get(incoming.address);
  if (!cur) {
    r.neighbors.set(incoming.address, incoming);
    return;
  }
  const checks: [Field, string, unknown, unknown][] = [
    ['asn', 'remote AS', incoming.remoteAs, cur.remoteAs],
    ['port', 'port', incoming.port ?? 179, cur.port ?? 179],
    ['password', 'password', incoming.password ?? '', cur.password ?? ''],
    ['ebgpMultiHop', 'ebgpMultiHop', incoming.ebgpMultihop, cur.ebgpMultihop],
    ['holdTime', 'hold time', incoming.hold ?? 180, cur.hold ?? 180],
    ['keepaliveTime', 'keepalive time', incoming.keepalive ?? 60, cur.keepalive ?? 60],
    ['connectTime', 'connect time', incoming.connect ?? 60, cur.connect ?? 60],
    // Unset BFD merges with a set one (frr-k8s takes the profile); two different profiles conflict.
    ['bfdProfile', 'BFD profile', incoming.bfdProfile ?? cur.bfdProfile ?? 'none', cur.bfdProfile ?? incoming.bfdProfile ?? 'none'],
    // frr-k8s's merge keeps whichever configuration it merges first (merge.go has no rule for it):
    // pelab refuses the disagreement rather than guess that order.
    ['enableGracefulRestart', 'enableGracefulRestart', incoming.gracefulRestart, cur.gracefulRestart],
  ];
  for (const [field, what, a, b] of checks) {
    // A keepalive derived from a conflicting hold time is the same conflict: report it once.
    if (field === 'keepaliveTime' && (incoming.hold ?? 180) !== (cur.hold ?? 180)) continue;
    if (a !== b) errors.push(conflict(node, incoming.source, cur.source, field, `${what} for neighbor ${incoming.address}`, a, b));
  }
  cur.port ??= incoming.port;
  cur.password ??= incoming.password;
  cur.hold ??= incoming.hold;
  cur.keepalive ??= incoming.keepalive;
  cur.connect ??= incoming.connect;
  cur.bfdProfile ??= incoming.bfdProfile;
  cur.advertiseAll ||= incoming.advertiseAll;
  for (const p of incoming.advertise) cur.advertise.add(p);
  for (const [p, lp] of incoming.localPref) setLocalPref(cur, p, lp.value, lp.source, node, errors);
  for (const [p, set] of incoming.communities) for (const c of set) addCommunity(cur, p, c);
  cur.receiveAll ||= incoming.receiveAll;
  for (const [k, v] of incoming.receive) cur.receive.set(k, v);
  for (const name of incoming.peerNames) cur.peerNames.add(name);
}

function mergeRouterIdentity(r: RouterDraft, asn: number, asnSource: Source, id: string | undefined, node: string, errors: InputError[]): void {
  if (r.asn && r.asn.value !== asn) errors.push(conflict(node, asnSource, r.asn.source, 'asn', 'local AS for the default VRF router', asn, r.asn.value));
  r.asn ??= { value: asn, source: asnSource };
  if (id !== undefined) {
    if (r.id && r.id.value !== id) errors.push(conflict(node, asnSource, r.id.source, 'id', 'router ID', id, r.id.value));
    r.id ??= { value: id, source: asnSource };
  }
}

function resolveCommunity(text: string, o: K8sObjects): string | undefined {
  const direct = parseCommunity(text);
  const alias = direct ? undefined : o.communities.flatMap((c) => c.spec.communities).find((c) => c.name === text);
  const parsed = direct ?? (alias ? parseCommunity(alias.value) : undefined);
  if (!parsed) return undefined;
  return parsed.kind === 'large' ? `large:${parsed.value}` : parsed.value;
}

function peerSource(peer: Obj<BGPPeerSpec>): Source {
  const fields: Record<Field, string> = {
    asn: 'spec.peerASN',
    port: 'spec.peerPort',
    password: 'spec.password',
    ebgpMultiHop: 'spec.ebgpMultiHop',
    holdTime: 'spec.holdTime',
    keepaliveTime: 'spec.keepaliveTime',
    connectTime: 'spec.connectTime',
    localPref: 'spec.localPref',
    id: 'spec.routerID',
    bfdProfile: 'spec.bfdProfile',
    enableGracefulRestart: 'spec.enableGracefulRestart',
  };
  return { manifest: peer.manifest, label: `BGPPeer ${peer.name}`, path: (f) => (f === 'asn' ? 'spec.myASN' : fields[f]) };
}

/**
 * Declares a BFD profile on the node's router. frr-k8s merges the profiles of every configuration
 * (MetalLB's own among them) and refuses one name with different values; echo and passive mode
 * unset are false there, so they compare as false.
 */
function declareBfdProfile(r: RouterDraft, plan: BfdProfilePlan, source: Source, node: string, errors: InputError[]): void {
  const prev = r.bfdProfiles.get(plan.name);
  if (!prev) {
    r.bfdProfiles.set(plan.name, { plan, source });
    return;
  }
  const norm = (p: BfdProfilePlan) =>
    [p.receiveIntervalMs, p.transmitIntervalMs, p.detectMultiplier, p.echoIntervalMs, p.echoMode ?? false, p.passiveMode ?? false, p.minimumTtl].join('/');
  if (norm(prev.plan) !== norm(plan)) {
    errors.push(
      new InputError(
        source.manifest.source.file,
        source.path('bfdProfile'),
        `the same settings as BFD profile ${plan.name} of ${prev.source.label} (${bfdWords(prev.plan)} vs ${bfdWords(plan)}): frr-k8s merges both on node ${node} and refuses one profile name with different values`,
        lineOf(source.manifest, source.path('bfdProfile')),
      ),
    );
  }
}

/** A profile's settings as the manifests spell them. */
function bfdWords(p: BfdProfilePlan): string {
  const fields: [string, unknown][] = [
    ['receiveInterval', p.receiveIntervalMs], ['transmitInterval', p.transmitIntervalMs], ['detectMultiplier', p.detectMultiplier],
    ['echoInterval', p.echoIntervalMs], ['echoMode', p.echoMode], ['passiveMode', p.passiveMode], ['minimumTtl', p.minimumTtl],
  ];
  return fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${String(v)}`).join(', ') || 'bfdd defaults';
}

function bfdProfilePlan(name: string, spec: BFDProfileSpec | undefined): BfdProfilePlan {
  return {
    name,
    ...(spec?.receiveInterval !== undefined ? { receiveIntervalMs: spec.receiveInterval } : {}),
    ...(spec?.transmitInterval !== undefined ? { transmitIntervalMs: spec.transmitInterval } : {}),
    ...(spec?.detectMultiplier !== undefined ? { detectMultiplier: spec.detectMultiplier } : {}),
    ...(spec?.echoInterval !== undefined ? { echoIntervalMs: spec.echoInterval } : {}),
    ...(spec?.echoMode !== undefined ? { echoMode: spec.echoMode } : {}),
    ...(spec?.passiveMode !== undefined ? { passiveMode: spec.passiveMode } : {}),
    ...(spec?.minimumTtl !== undefined ? { minimumTtl: spec.minimumTtl } : {}),
  };
}

/** The password a BGPPeer's passwordSecret holds (validation made sure it exists). */
function peerSecretPassword(peer: Obj<BGPPeerSpec>, o: K8sObjects): string | undefined {
  const ref = peer.spec.passwordSecret;
  if (!ref) return undefined;
  const secret = o.secrets.find((s) => s.name === ref.name && (ref.namespace === undefined || s.namespace === ref.namespace));
  return secret ? secretValue(secret.spec, PASSWORD_SECRET_KEY) : undefined;
}

/** MetalLB's part: one neighbor per selected BGPPeer, announcing the Services its advertisements cover. */
function addMetalLB(
  r: RouterDraft,
  node: string,
  labels: Readonly<Record<string, string>>,
  o: K8sObjects,
  services: readonly ServiceForAdvertisement[],
  announcements: Map<string, ServiceAnnouncement[]>,
  errors: InputError[],
): void {
  const peers = o.peers.filter((p) => anySelectorMatches(p.spec.nodeSelectors, labels));
  // MetalLB writes every BFDProfile into its configuration for the node, used or not.
  for (const b of o.bfdProfiles) {
    declareBfdProfile(r, bfdProfilePlan(b.name, b.spec), { manifest: b.manifest, label: `BFDProfile ${b.name}`, path: () => 'metadata.name' }, node, errors);
  }
  const drafts = new Map<string, NeighborDraft>();
  for (const peer of peers) {
    const source = peerSource(peer);
    // The router identity uses the myASN path; neighbor conflicts point at peerASN.
    mergeRouterIdentity(r, peer.spec.myASN, source, peer.spec.routerID, node, errors);
    r.sources.add(manifestKey(peer.manifest));
    const t = timersOf(seconds(peer.spec.holdTime), seconds(peer.spec.keepaliveTime));
    const nSource: Source = { ...source, path: (f) => (f === 'asn' ? 'spec.peerASN' : source.path(f)) };
    const n = emptyNeighbor(peer.spec.peerAddress, nSource, peer.spec.peerASN ?? (peer.spec.dynamicASN as 'internal' | 'external'));
    n.port = peer.spec.peerPort;
    n.password = peer.spec.password ?? peerSecretPassword(peer, o);
    n.ebgpMultihop = peer.spec.ebgpMultiHop ?? false;
    n.gracefulRestart = peer.spec.enableGracefulRestart ?? false;
    n.hold = t.hold;
    n.keepalive = t.keepalive;
    n.connect = seconds(peer.spec.connectTime);
    if (o.bfdProfiles.some((b) => b.name === peer.spec.bfdProfile)) n.bfdProfile = peer.spec.bfdProfile;
    n.peerNames.add(peer.name);
    drafts.set(peer.name, n);
  }
  for (const svc of services) {
    if (!svc.announcesFrom(node)) continue;
    for (const adv of o.advertisements) {
      if (!advertisedPools(adv, o.pools).some((p) => p.name === svc.pool)) continue;
      if (!anySelectorMatches(adv.spec.nodeSelectors, labels)) continue;
      if (!anySelectorMatches(adv.spec.serviceSelectors, svc.labels)) continue;
      const advSource: Source = { manifest: adv.manifest, label: `BGPAdvertisement ${adv.name}`, path: () => 'spec.localPref' };
      for (const peer of peers) {
        if ((adv.spec.peers?.length ?? 0) > 0 && !adv.spec.peers?.includes(peer.name)) continue;
        const n = drafts.get(peer.name) as NeighborDraft;
        for (const ipText of svc.ips) {
          const ip = parseIP(ipText);
          if (!ip) continue;
          const prefix = formatCIDR(maskIP(ip, ip.family === 4 ? (adv.spec.aggregationLength ?? 32) : (adv.spec.aggregationLengthV6 ?? 128)));
          r.prefixes.add(prefix);
          n.advertise.add(prefix);
          if (adv.spec.localPref !== undefined) setLocalPref(n, prefix, adv.spec.localPref, advSource, node, errors);
          for (const c of adv.spec.communities ?? []) {
            const resolved = resolveCommunity(c, o);
            if (resolved) addCommunity(n, prefix, resolved);
          }
          const list = announcements.get(svc.key) ?? [];
          if (!list.some((a) => a.node === node && a.neighbor === n.address && a.prefix === prefix)) list.push({ node, neighbor: n.address, prefix });
          announcements.set(svc.key, list);
        }
      }
    }
  }
  for (const n of drafts.values()) mergeNeighbor(r, n, node, errors);
}

function addFRRConfigurations(r: RouterDraft, node: string, labels: Readonly<Record<string, string>>, o: K8sObjects, errors: InputError[]): void {
  for (const cfg of o.frrConfigurations) {
    if (!selectorMatches(cfg.spec.nodeSelector, labels)) continue;
    (cfg.spec.bgp?.bfdProfiles ?? []).forEach((b, bi) => {
      const { name, ...spec } = b;
      declareBfdProfile(r, bfdProfilePlan(name, spec), { manifest: cfg.manifest, label: `FRRConfiguration ${cfg.name}`, path: () => `spec.bgp.bfdProfiles[${bi}]` }, node, errors);
    });
    (cfg.spec.bgp?.routers ?? []).forEach((router, ri) => {
      const base = `spec.bgp.routers[${ri}]`;
      const rSource: Source = { manifest: cfg.manifest, label: `FRRConfiguration ${cfg.name}`, path: (f) => `${base}.${f}` };
      mergeRouterIdentity(r, router.asn, rSource, router.id, node, errors);
      r.sources.add(manifestKey(cfg.manifest));
      for (const p of router.prefixes ?? []) r.prefixes.add(canonicalPrefix(p));
      (router.neighbors ?? []).forEach((nb: FRRNeighbor, ni) => {
        const nBase = `${base}.neighbors[${ni}]`;
        const source: Source = { manifest: cfg.manifest, label: `FRRConfiguration ${cfg.name}`, path: (f) => (f === 'asn' && nb.dynamicASN !== undefined ? `${nBase}.dynamicASN` : `${nBase}.${f}`) };
        const n = emptyNeighbor(nb.address, source, nb.asn ?? (nb.dynamicASN as 'internal' | 'external'));
        const t = timersOf(seconds(nb.holdTime), seconds(nb.keepaliveTime));
        n.port = nb.port;
        n.password = nb.password ?? frrNeighborSecretPassword(nb.passwordSecret, o);
        n.ebgpMultihop = nb.ebgpMultiHop ?? false;
        n.gracefulRestart = nb.enableGracefulRestart ?? false;
        n.hold = t.hold;
        n.keepalive = t.keepalive;
        n.connect = seconds(nb.connectTime);
        n.bfdProfile = nb.bfdProfile;
        const allowed = nb.toAdvertise?.allowed;
        n.advertiseAll = allowed?.mode === 'all';
        for (const p of allowed?.prefixes ?? []) n.advertise.add(canonicalPrefix(p));
        (nb.toAdvertise?.withLocalPref ?? []).forEach((lp, k) => {
          const lpSource: Source = { ...source, path: () => `${nBase}.toAdvertise.withLocalPref[${k}].localPref` };
          for (const p of lp.prefixes) setLocalPref(n, canonicalPrefix(p), lp.localPref, lpSource, node, errors);
        });
        for (const wc of nb.toAdvertise?.withCommunity ?? []) {
          const c = parseCommunity(wc.community);
          if (!c) continue;
          for (const p of wc.prefixes) addCommunity(n, canonicalPrefix(p), c.kind === 'large' ? `large:${c.value}` : c.value);
        }
        const rx = nb.toReceive?.allowed;
        n.receiveAll = rx?.mode === 'all';
        for (const p of rx?.prefixes ?? []) {
          const prefix = canonicalPrefix(p.prefix);
          n.receive.set(`${prefix} ${p.ge ?? ''} ${p.le ?? ''}`, { prefix, ...(p.ge !== undefined ? { ge: p.ge } : {}), ...(p.le !== undefined ? { le: p.le } : {}) });
        }
        mergeNeighbor(r, n, node, errors);
      });
    });
  }
}

function familyOf(text: string): 4 | 6 | undefined {
  return parseIP(text)?.family ?? parseCIDR(text)?.family;
}

function finishNeighbor(n: NeighborDraft, routerPrefixes: readonly string[], tuning: SpeakerTuning): SpeakerNeighborPlan {
  const family = familyOf(n.address);
  // A session carries its own address family only (frr-k8s without dualStackAddressFamily).
  const prefixes = (n.advertiseAll ? routerPrefixes : [...n.advertise]).filter((p) => familyOf(p) === family).sort(compareAddressText);
  const advertise: AdvertisedPrefix[] = prefixes.map((prefix) => {
    const communities = [...(n.communities.get(prefix) ?? [])];
    const lp = n.localPref.get(prefix);
    return {
      prefix,
      ...(lp ? { localPref: lp.value } : {}),
      communities: communities.filter((c) => !c.startsWith('large:')).sort(),
      largeCommunities: communities.filter((c) => c.startsWith('large:')).map((c) => c.slice('large:'.length)).sort(),
    };
  });
  const receive = n.receiveAll
    ? ({ mode: 'all' } as const)
    : ({
        mode: 'filtered',
        prefixes: [...n.receive.values()].filter((p) => familyOf(p.prefix) === family).sort((a, b) => compareAddressText(a.prefix, b.prefix) || (a.ge ?? 0) - (b.ge ?? 0) || (a.le ?? 0) - (b.le ?? 0)),
      } as const);
  return {
    address: n.address,
    remoteAs: n.remoteAs,
    ...(n.port !== undefined ? { port: n.port } : {}),
    ...(n.password !== undefined ? { password: n.password } : {}),
    ebgpMultihop: n.ebgpMultihop,
    ...(n.bfdProfile !== undefined ? { bfdProfile: n.bfdProfile } : {}),
    ...(n.gracefulRestart ? { gracefulRestart: true } : {}),
    timers: {
      ...(n.hold !== undefined ? { holdSeconds: n.hold, keepaliveSeconds: n.keepalive } : {}),
      connectSeconds: n.connect ?? tuning.connectTimeSeconds,
    },
    advertise,
    receive,
    peerNames: [...n.peerNames].sort(),
  };
}

/** The node's speaker, or undefined when no BGPPeer or FRRConfiguration applies to it. */
export function speakerPlanFor(
  node: string,
  labels: Readonly<Record<string, string>>,
  o: K8sObjects,
  services: readonly ServiceForAdvertisement[],
  tuning: SpeakerTuning,
  announcements: Map<string, ServiceAnnouncement[]>,
  errors: InputError[],
): SpeakerPlan | undefined {
  const r: RouterDraft = { prefixes: new Set(), neighbors: new Map(), bfdProfiles: new Map(), sources: new Set() };
  addMetalLB(r, node, labels, o, services, announcements, errors);
  addFRRConfigurations(r, node, labels, o, errors);
  if (!r.asn) return undefined;
  const prefixes = [...r.prefixes].sort(compareAddressText);
  return {
    asn: r.asn.value,
    ...(r.id ? { routerId: r.id.value } : {}),
    prefixes,
    neighbors: [...r.neighbors.values()].map((n) => finishNeighbor(n, prefixes, tuning)).sort((a, b) => compareAddressText(a.address, b.address)),
    bfdProfiles: [...r.bfdProfiles.values()].map((b) => b.plan).sort((a, b) => a.name.localeCompare(b.name)),
    ...(tuning.coalesceTimeMs !== undefined ? { coalesceTimeMs: tuning.coalesceTimeMs } : {}),
    routeMapDelay0: tuning.routeMapDelay0,
    sources: [...r.sources].sort(),
  };
}
