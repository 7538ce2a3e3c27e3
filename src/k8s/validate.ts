// Validate a whole manifest set the way the cluster (API server, webhooks, controllers) would
// reject it: legacy conversion, per-object schemas, then references and conflicts between
// objects. Call it on the full set of objects applied so far, not on one file in isolation.
import { InputError, InputErrors } from '../errors.ts';
import { convertDeprecated, isDeprecated } from './deprecated.ts';
import { convertLegacy, isLegacy } from './legacy.ts';
import { isSkipped, skippedWarning } from './skipped.ts';
import { errorAt, lineOf } from './load.ts';
import { manifestKey } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { cidrsOverlap, formatCIDR, parseCIDR, parsePoolEntry } from '../net/ip.ts';
import type { CIDR } from '../net/ip.ts';
import { communityExpectation, parseCommunity, selectorMatches } from './schemas/common.ts';
import { secretValue } from './schemas/core.ts';
import { collectObjects, validateObject } from './schemas/index.ts';
import type { K8sObjects, Obj } from './schemas/index.ts';
import type { BGPAdvertisementSpec, BGPPeerSpec, IPAddressPoolSpec, L2AdvertisementSpec } from './schemas/metallb.ts';
import type { HostSession } from './schemas/openperouter.ts';

export interface ValidateOptions {
  /** Where MetalLB runs; it only reads its own namespace (default metallb-system). */
  readonly metallbNamespace?: string;
  /** Where frr-k8s runs; it only reads FRRConfigurations there (default frr-k8s-system). */
  readonly frrk8sNamespace?: string;
  /**
   * Check references and conflicts between objects (default true). Turn off to validate a
   * partial set, e.g. the objects a delete names; the full applied set must pass them.
   */
  readonly crossObject?: boolean;
}

interface ValidationResult {
  /** The manifests in the current API (legacy ones converted), in input order. */
  readonly manifests: Manifest[];
  readonly warnings: string[];
}

const METALLB_KINDS = new Set(['IPAddressPool', 'BGPAdvertisement', 'L2Advertisement', 'Community', 'BGPPeer', 'BFDProfile']);

/** The Secret type MetalLB requires for a BGPPeer's passwordSecret, and the key it reads. */
const PASSWORD_SECRET_TYPE = 'kubernetes.io/basic-auth';
export const PASSWORD_SECRET_KEY = 'password';
const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export function validateManifests(manifests: readonly Manifest[], options: ValidateOptions = {}): ValidationResult {
  const errors: InputError[] = [];
  const warnings: string[] = [];
  const converted: Manifest[] = [];
  for (const m of manifests) {
    if (isSkipped(m)) {
      warnings.push(skippedWarning(m));
      continue;
    }
    if (!isLegacy(m) && !isDeprecated(m)) {
      converted.push(m);
      continue;
    }
    try {
      const c = isLegacy(m) ? convertLegacy(m) : convertDeprecated(m);
      converted.push(c.manifest);
      warnings.push(c.warning);
    } catch (e) {
      if (e instanceof InputErrors) errors.push(...e.errors);
      else throw e;
    }
  }
  for (const m of converted) errors.push(...validateObject(m));
  if (errors.length > 0) throw new InputErrors(errors);

  if (options.crossObject === false) return { manifests: converted, warnings };
  const objects = collectObjects(converted);
  crossCheck(converted, objects, options, errors, warnings);
  if (errors.length > 0) throw new InputErrors(errors);
  return { manifests: converted, warnings };
}

function crossCheck(manifests: readonly Manifest[], o: K8sObjects, options: ValidateOptions, errors: InputError[], warnings: string[]): void {
  checkDuplicates(manifests, errors);
  checkHomeNamespaces(manifests, options, errors);
  checkOpenPERouter(o, errors);
  checkPools(o, errors, warnings);
  checkAdvertisements(o, errors, warnings);
  checkL2Advertisements(o, errors);
  checkPeers(o, options.metallbNamespace ?? 'metallb-system', errors, warnings);
  checkFrrPasswordSecrets(o, options.frrk8sNamespace ?? 'frr-k8s-system', errors);
  checkCommunities(o, errors);
  checkWorkloads(o, errors, warnings);
}

function checkDuplicates(manifests: readonly Manifest[], errors: InputError[]): void {
  const seen = new Map<string, Manifest>();
  for (const m of manifests) {
    const key = manifestKey({ kind: m.kind, metadata: { ...m.metadata, ...(m.kind === 'Namespace' ? {} : { namespace: m.metadata.namespace ?? 'default' }) } });
    const first = seen.get(key);
    if (first) errors.push(errorAt(m, 'metadata.name', `a unique name (${key} is also defined at ${first.source.file}:${first.source.line})`));
    else seen.set(key, m);
  }
}

function checkHomeNamespaces(manifests: readonly Manifest[], options: ValidateOptions, errors: InputError[]): void {
  const metallb = options.metallbNamespace ?? 'metallb-system';
  const frrk8s = options.frrk8sNamespace ?? 'frr-k8s-system';
  for (const m of manifests) {
    const want = METALLB_KINDS.has(m.kind) ? metallb : m.kind === 'FRRConfiguration' ? frrk8s : undefined;
    if (want !== undefined && m.metadata.namespace !== want) {
      const who = m.kind === 'FRRConfiguration' ? 'frr-k8s' : 'MetalLB';
      errors.push(errorAt(m, 'metadata.namespace', `${want}: ${who} only reads ${m.kind} objects from its own namespace (got ${m.metadata.namespace ?? 'none'})`));
    }
  }
}

function hostSessionsOf(o: K8sObjects): { obj: Obj<unknown>; path: string; hs: HostSession }[] {
  return [
    ...o.l3vnis.flatMap((v) => (v.spec.hostSession ? [{ obj: v as Obj<unknown>, path: 'spec.hostSession.localCIDR', hs: v.spec.hostSession }] : [])),
    ...o.l3passthroughs.map((p) => ({ obj: p as Obj<unknown>, path: 'spec.hostSession.localCIDR', hs: p.spec.hostSession })),
  ];
}

function checkOpenPERouter(o: K8sObjects, errors: InputError[]): void {
  // Upstream rejects overlapping node selectors; without the cluster only "no selector" is
  // certainly overlapping. computeDesiredState checks the rest per node.
  for (const [list, what] of [
    [o.underlays, 'Underlay'],
    [o.l3passthroughs, 'L3Passthrough'],
  ] as const) {
    if (list.length > 1 && list.some((x) => !x.spec.nodeSelector)) {
      const second = list[1] as Obj<unknown>;
      errors.push(errorAt(second.manifest, 'metadata.name', `at most one ${what} per node (${list.map((x) => x.name).join(', ')} all apply to the same nodes; give them disjoint nodeSelectors)`));
    }
  }
  const byVni = new Map<number, string>();
  const byVrf = new Map<string, string>();
  for (const v of o.l3vnis) {
    const vni = byVni.get(v.spec.vni);
    if (vni) errors.push(errorAt(v.manifest, 'spec.vni', `a VNI not used by another L3VNI (${v.spec.vni} is also used by ${vni})`));
    else byVni.set(v.spec.vni, v.name);
    const vrf = byVrf.get(v.spec.vrf);
    if (vrf) errors.push(errorAt(v.manifest, 'spec.vrf', `a VRF not used by another L3VNI (${v.spec.vrf} is also used by ${vrf})`));
    else byVrf.set(v.spec.vrf, v.name);
  }
  // Every host-session veth ends in the node's default namespace: their subnets must not overlap.
  const sessions = hostSessionsOf(o);
  sessions.forEach((a, i) => {
    for (const b of sessions.slice(0, i)) {
      for (const fam of ['ipv4', 'ipv6'] as const) {
        const ca = a.hs.localCIDR[fam] ? parseCIDR(a.hs.localCIDR[fam]) : undefined;
        const cb = b.hs.localCIDR[fam] ? parseCIDR(b.hs.localCIDR[fam]) : undefined;
        if (ca && cb && cidrsOverlap(ca, cb)) {
          errors.push(errorAt(a.obj.manifest, `${a.path}.${fam}`, `a CIDR not overlapping ${b.obj.manifest.kind} ${b.obj.name}'s localCIDR (${formatCIDR(cb)}): both host-side veths live in the node's default namespace`));
        }
      }
    }
  });
}

function poolCIDRs(spec: IPAddressPoolSpec): CIDR[][] {
  return spec.addresses.map((a) => parsePoolEntry(a) ?? []);
}

function checkPools(o: K8sObjects, errors: InputError[], warnings: string[]): void {
  const all: { pool: Obj<IPAddressPoolSpec>; index: number; cidr: CIDR }[] = [];
  for (const pool of o.pools) {
    poolCIDRs(pool.spec).forEach((cidrs, index) => {
      for (const cidr of cidrs) {
        const clash = all.find((x) => cidrsOverlap(x.cidr, cidr));
        if (clash && !(clash.pool === pool && clash.index === index)) {
          const where = clash.pool === pool ? `entry ${clash.index} of this pool` : `IPAddressPool ${clash.pool.name}`;
          errors.push(errorAt(pool.manifest, ['spec', 'addresses', index], `addresses not overlapping ${where} (${pool.spec.addresses[index]} overlaps ${formatCIDR(clash.cidr)})`));
          break;
        }
      }
      for (const cidr of cidrs) all.push({ pool, index, cidr });
    });
    const sa = pool.spec.serviceAllocation;
    if (sa && !sa.namespaces?.length && !sa.namespaceSelectors?.length && !sa.serviceSelectors?.length && pool.spec.autoAssign !== false) {
      warnings.push(
        `${pool.manifest.source.file}:${pool.manifest.source.line}: IPAddressPool ${pool.name} has a serviceAllocation without namespaces, namespaceSelectors or serviceSelectors: MetalLB never uses it for automatic allocation (only via the ${'metallb.io/address-pool'} annotation or explicit IPs)`,
      );
    }
  }
}

/** The pools an advertisement covers: named, selected by label, or all when neither is given. */
export function advertisedPools(adv: Obj<BGPAdvertisementSpec | L2AdvertisementSpec>, pools: readonly Obj<IPAddressPoolSpec>[]): Obj<IPAddressPoolSpec>[] {
  const names = adv.spec.ipAddressPools ?? [];
  const selectors = adv.spec.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return [...pools];
  return pools.filter((p) => names.includes(p.name) || selectors.some((s) => selectorMatches(s, p.labels)));
}

function checkPoolNames(adv: Obj<BGPAdvertisementSpec | L2AdvertisementSpec>, o: K8sObjects, errors: InputError[]): void {
  (adv.spec.ipAddressPools ?? []).forEach((name, i) => {
    if (!o.pools.some((p) => p.name === name)) {
      errors.push(errorAt(adv.manifest, ['spec', 'ipAddressPools', i], `the name of an IPAddressPool (${name} does not exist; pools: ${o.pools.map((p) => p.name).join(', ') || 'none'})`));
    }
  });
}

/** iBGP: the same AS on both ends. Only over iBGP does LOCAL_PREF reach the peer. */
function isInternalPeer(spec: BGPPeerSpec): boolean {
  return spec.dynamicASN === 'internal' || (spec.peerASN !== undefined && spec.peerASN === spec.myASN);
}

function checkAdvertisements(o: K8sObjects, errors: InputError[], warnings: string[]): void {
  const aliases = new Set(o.communities.flatMap((c) => c.spec.communities.map((x) => x.name)));
  for (const adv of o.advertisements) {
    checkPoolNames(adv, o, errors);
    if (adv.spec.localPref !== undefined) {
      const targets = (adv.spec.peers?.length ?? 0) > 0 ? o.peers.filter((p) => adv.spec.peers?.includes(p.name)) : o.peers;
      const external = targets.filter((p) => !isInternalPeer(p.spec));
      if (external.length > 0) {
        warnings.push(
          `${adv.manifest.source.file}:${adv.manifest.source.line}: BGPAdvertisement ${adv.name} sets localPref ${adv.spec.localPref}, which has no effect towards the eBGP peer(s) ${external.map((p) => p.name).join(', ')}: LOCAL_PREF is only sent over iBGP (peerASN equal to myASN)`,
        );
      }
    }
    (adv.spec.peers ?? []).forEach((name, i) => {
      if (!o.peers.some((p) => p.name === name)) {
        errors.push(errorAt(adv.manifest, ['spec', 'peers', i], `the name of a BGPPeer (${name} does not exist; peers: ${o.peers.map((p) => p.name).join(', ') || 'none'})`));
      }
    });
    (adv.spec.communities ?? []).forEach((c, i) => {
      if (parseCommunity(c) || aliases.has(c)) return;
      // A common slip (the production guide makes it): naming the Community object, not an alias.
      const object = o.communities.find((x) => x.name === c);
      const expected = object
        ? `the name of a Community alias, not of a Community object: ${c} defines ${object.spec.communities.map((x) => x.name).join(', ')}`
        : communityExpectation(c, true);
      errors.push(errorAt(adv.manifest, ['spec', 'communities', i], expected));
    });
    // A pool entry more specific than the aggregation would announce addresses outside the pool.
    const agg4 = adv.spec.aggregationLength ?? 32;
    const agg6 = adv.spec.aggregationLengthV6 ?? 128;
    for (const pool of advertisedPools(adv, o.pools)) {
      for (const cidr of poolCIDRs(pool.spec).flat()) {
        const agg = cidr.family === 4 ? agg4 : agg6;
        if (agg < cidr.prefixLength) {
          errors.push(errorAt(adv.manifest, cidr.family === 4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6', `at least ${cidr.prefixLength}: IPAddressPool ${pool.name} has ${formatCIDR(cidr)}, more specific than /${agg}`));
          break;
        }
      }
    }
  }
}

function checkL2Advertisements(o: K8sObjects, errors: InputError[]): void {
  for (const adv of o.l2Advertisements) checkPoolNames(adv, o, errors);
}

function checkPeers(o: K8sObjects, metallbNamespace: string, errors: InputError[], warnings: string[]): void {
  for (const peer of o.peers) {
    const profile = peer.spec.bfdProfile;
    if (profile !== undefined && !o.bfdProfiles.some((b) => b.name === profile)) {
      errors.push(errorAt(peer.manifest, 'spec.bfdProfile', `the name of a BFDProfile (${profile} does not exist; profiles: ${o.bfdProfiles.map((b) => b.name).join(', ') || 'none'})`));
    }
    const ref = peer.spec.passwordSecret;
    if (ref) {
      const ns = ref.namespace ?? metallbNamespace;
      const secret = o.secrets.find((s) => s.name === ref.name && s.namespace === ns);
      if (ns !== metallbNamespace) {
        errors.push(errorAt(peer.manifest, 'spec.passwordSecret.namespace', `${metallbNamespace}: MetalLB only reads Secrets from its own namespace (got ${ns})`));
      } else if (!secret) {
        errors.push(errorAt(peer.manifest, 'spec.passwordSecret.name', `the name of a Secret in ${ns} (${ref.name} is not among the manifests applied)`));
      } else if (secret.spec.type !== PASSWORD_SECRET_TYPE) {
        errors.push(errorAt(secret.manifest, 'type', `${PASSWORD_SECRET_TYPE}: MetalLB refuses a BGPPeer password Secret of another type (BGPPeer ${peer.name} references this one; got ${secret.spec.type ?? 'Opaque'})`));
      } else if (secretValue(secret.spec, PASSWORD_SECRET_KEY) === undefined) {
        errors.push(errorAt(secret.manifest, 'data', `a ${PASSWORD_SECRET_KEY} key (data or stringData): MetalLB reads the BGP password of BGPPeer ${peer.name} from it`));
      }
    }
    const pw = peer.spec.password;
    if (pw !== undefined && o.secrets.some((s) => s.name === pw)) {
      warnings.push(
        `${peer.manifest.source.file}:${lineOf(peer.manifest, 'spec.password') ?? peer.manifest.source.line}: BGPPeer ${peer.name} has password: ${pw}, which is also the name of a Secret: MetalLB uses the text "${pw}" itself as the MD5 password. To take the password from the Secret, write passwordSecret: {name: ${pw}} (a Secret of type ${PASSWORD_SECRET_TYPE} with a ${PASSWORD_SECRET_KEY} key)`,
      );
    }
  }
}

/**
 * frr-k8s's neighbor passwordSecret (api_to_config.go passwordForNeighbor): a Secret of its own
 * namespace, found by name, of type basic-auth, with a password key; anything else and frr-k8s
 * configures nothing.
 */
function checkFrrPasswordSecrets(o: K8sObjects, frrk8sNamespace: string, errors: InputError[]): void {
  for (const cfg of o.frrConfigurations) {
    (cfg.spec.bgp?.routers ?? []).forEach((r, ri) =>
      (r.neighbors ?? []).forEach((n, ni) => {
        const ref = n.passwordSecret;
        if (!ref) return;
        const at = `spec.bgp.routers[${ri}].neighbors[${ni}].passwordSecret`;
        const secret = o.secrets.find((s) => s.name === ref.name && s.namespace === frrk8sNamespace);
        if (ref.namespace !== undefined && ref.namespace !== frrk8sNamespace) {
          errors.push(errorAt(cfg.manifest, `${at}.namespace`, `${frrk8sNamespace} or unset: frr-k8s only reads Secrets from its own namespace (got ${ref.namespace})`));
        } else if (!secret) {
          errors.push(errorAt(cfg.manifest, `${at}.name`, `the name of a Secret in ${frrk8sNamespace} (${ref.name} is not among the manifests applied)`));
        } else if (secret.spec.type !== PASSWORD_SECRET_TYPE) {
          errors.push(errorAt(secret.manifest, 'type', `${PASSWORD_SECRET_TYPE}: frr-k8s refuses a neighbor password Secret of another type (FRRConfiguration ${cfg.name} references this one; got ${secret.spec.type ?? 'Opaque'})`));
        } else if (secretValue(secret.spec, PASSWORD_SECRET_KEY) === undefined) {
          errors.push(errorAt(secret.manifest, 'data', `a ${PASSWORD_SECRET_KEY} key (data or stringData): frr-k8s reads the BGP password of FRRConfiguration ${cfg.name} from it`));
        }
      }),
    );
  }
}

/** The password a frr-k8s neighbor's passwordSecret holds (validation made sure it exists). */
export function frrNeighborSecretPassword(ref: { readonly name: string } | undefined, o: K8sObjects, frrk8sNamespace = 'frr-k8s-system'): string | undefined {
  if (!ref) return undefined;
  const secret = o.secrets.find((s) => s.name === ref.name && s.namespace === frrk8sNamespace);
  return secret ? secretValue(secret.spec, PASSWORD_SECRET_KEY) : undefined;
}

function checkCommunities(o: K8sObjects, errors: InputError[]): void {
  const seen = new Map<string, string>();
  for (const c of o.communities) {
    c.spec.communities.forEach((x, i) => {
      const other = seen.get(x.name);
      if (other) errors.push(errorAt(c.manifest, ['spec', 'communities', i, 'name'], `a unique alias (${x.name} is also defined in Community ${other})`));
      else seen.set(x.name, c.name);
    });
  }
}

function checkWorkloads(o: K8sObjects, errors: InputError[], warnings: string[]): void {
  const declared = new Set(o.namespaces.map((n) => n.name));
  if (declared.size > 0) {
    for (const w of [...o.services, ...o.deployments] as Obj<unknown>[]) {
      if (!declared.has(w.namespace) && !BUILTIN_NAMESPACES.has(w.namespace)) {
        errors.push(errorAt(w.manifest, w.manifest.metadata.namespace ? 'metadata.namespace' : 'metadata', `a namespace that exists (${w.namespace} is not among the Namespaces given: ${[...declared].join(', ')})`));
      }
    }
  }
  for (const svc of o.services) {
    if (!backingDeployments(svc, o).length) {
      warnings.push(
        `${svc.manifest.source.file}:${svc.manifest.source.line}: Service ${svc.namespace}/${svc.name} has no Deployment whose pods match its selector: without ready endpoints MetalLB announces nothing for it`,
      );
    }
  }
}

/** Deployments in the Service's namespace whose pod labels the Service selects. */
export function backingDeployments(svc: K8sObjects['services'][number], o: Pick<K8sObjects, 'deployments'>): K8sObjects['deployments'][number][] {
  const selector = svc.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return o.deployments.filter((d) => d.namespace === svc.namespace && selectorMatches({ matchLabels: selector }, d.spec.template.metadata?.labels ?? {}));
}
