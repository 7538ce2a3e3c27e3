// The registry of kinds pelab supports, per-object validation with located errors, and the
// typed view of a validated manifest set that the allocation and desired-state code reads.
import { z } from 'zod';
import { InputError, InputErrors } from '../../errors.ts';
import { errorAt } from '../load.ts';
import type { PathSegment } from '../load.ts';
import type { Manifest } from '../manifest.ts';
import { Deployment, Namespace, Secret, Service } from './core.ts';
import type { DeploymentSpec, SecretBody, ServiceSpec } from './core.ts';
import { FRRConfiguration } from './frrk8s.ts';
import type { FRRConfigurationSpec } from './frrk8s.ts';
import { BFDProfile, BGPAdvertisement, BGPPeer, Community, IPAddressPool, L2Advertisement } from './metallb.ts';
import type { BFDProfileSpec, BGPAdvertisementSpec, BGPPeerSpec, CommunitySpec, IPAddressPoolSpec, L2AdvertisementSpec } from './metallb.ts';
import { L3Passthrough, L3VNI, Underlay } from './openperouter.ts';
import type { L3PassthroughSpec, L3VNISpec, UnderlaySpec } from './openperouter.ts';

interface KindInfo {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: z.ZodType;
  readonly namespaced: boolean;
  /** The upstream CRD file (under shared/upstream/crds) this kind's schema mirrors. */
  readonly crd?: string;
}

export const SUPPORTED_KINDS: readonly KindInfo[] = [
  { apiVersion: 'network.openperouter.io/v1alpha1', kind: 'Underlay', schema: Underlay, namespaced: true, crd: 'openperouter/network.openperouter.io_underlays.yaml' },
  { apiVersion: 'network.openperouter.io/v1alpha1', kind: 'L3VNI', schema: L3VNI, namespaced: true, crd: 'openperouter/network.openperouter.io_l3vnis.yaml' },
  { apiVersion: 'network.openperouter.io/v1alpha1', kind: 'L3Passthrough', schema: L3Passthrough, namespaced: true, crd: 'openperouter/network.openperouter.io_l3passthroughs.yaml' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', schema: IPAddressPool, namespaced: true, crd: 'metallb/metallb.io_ipaddresspools.yaml' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', schema: BGPAdvertisement, namespaced: true, crd: 'metallb/metallb.io_bgpadvertisements.yaml' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'Community', schema: Community, namespaced: true, crd: 'metallb/metallb.io_communities.yaml' },
  { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', schema: BGPPeer, namespaced: true, crd: 'metallb/metallb.io_bgppeers.yaml' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', schema: BFDProfile, namespaced: true, crd: 'metallb/metallb.io_bfdprofiles.yaml' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', schema: L2Advertisement, namespaced: true, crd: 'metallb/metallb.io_l2advertisements.yaml' },
  { apiVersion: 'frrk8s.metallb.io/v1beta1', kind: 'FRRConfiguration', schema: FRRConfiguration, namespaced: true, crd: 'frr-k8s/frrk8s.metallb.io_frrconfigurations.yaml' },
  { apiVersion: 'v1', kind: 'Namespace', schema: Namespace, namespaced: false },
  { apiVersion: 'v1', kind: 'Service', schema: Service, namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', schema: Deployment, namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', schema: Secret, namespaced: true },
];

function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  return SUPPORTED_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

const jsonSchemas = new Map<KindInfo, unknown>();

/** pelab's schema of a kind as JSON Schema (input side), for listing supported fields. */
export function jsonSchemaOf(info: KindInfo): Record<string, unknown> {
  let s = jsonSchemas.get(info);
  if (!s) {
    s = z.toJSONSchema(info.schema, { io: 'input', unrepresentable: 'any' });
    jsonSchemas.set(info, s);
  }
  return s as Record<string, unknown>;
}

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

/** The object property names pelab accepts at `path` of a kind (empty when unknown). */
function supportedKeysAt(info: KindInfo, path: readonly PathSegment[]): string[] {
  let nodes: JsonSchema[] = [jsonSchemaOf(info) as JsonSchema];
  const expand = (list: JsonSchema[]): JsonSchema[] => list.flatMap((n) => [n, ...expand([...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])])]);
  for (const seg of path) {
    nodes = expand(nodes).flatMap((n) => {
      if (typeof seg === 'number') return n.items ? [n.items] : [];
      const p = n.properties?.[seg];
      return p ? [p] : [];
    });
  }
  return [...new Set(expand(nodes).flatMap((n) => Object.keys(n.properties ?? {})))].sort();
}

function describeIssue(info: KindInfo, issue: z.core.$ZodIssue): { path: PathSegment[]; expected: string }[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const supported = supportedKeysAt(info, path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      expected: `no such field: ${key} is not supported by pelab for ${info.kind}${supported.length ? ` (supported here: ${supported.join(', ')})` : ''}`,
    }));
  }
  const missing = 'input' in issue && issue.input === undefined && issue.code === 'invalid_type';
  return [{ path, expected: missing ? `required: ${issue.message}` : issue.message }];
}

function kindList(): string {
  return SUPPORTED_KINDS.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');
}

/** Validate one manifest against pelab's schema of its kind; returns the problems found. */
export function validateObject(m: Manifest): InputError[] {
  const info = kindInfo(m.apiVersion, m.kind);
  if (!info) {
    const sameKind = SUPPORTED_KINDS.filter((k) => k.kind === m.kind);
    if (sameKind.length > 0) {
      return [errorAt(m, 'apiVersion', `${sameKind.map((k) => k.apiVersion).join(' or ')} for kind ${m.kind} (${m.apiVersion} is not supported by pelab)`)];
    }
    return [errorAt(m, 'kind', `a kind pelab supports (${m.apiVersion} ${m.kind} is not; supported: ${kindList()})`)];
  }
  const result = info.schema.safeParse(m.body, { reportInput: true });
  const errors: InputError[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      for (const d of describeIssue(info, issue)) errors.push(errorAt(m, d.path, d.expected));
    }
  }
  if (!info.namespaced && m.metadata.namespace !== undefined) errors.push(errorAt(m, 'metadata.namespace', `no namespace: ${m.kind} is cluster-scoped`));
  return errors;
}

/** A validated object with its typed spec. */
export interface Obj<S> {
  readonly manifest: Manifest;
  readonly name: string;
  /** For namespaced kinds: metadata.namespace, or "default" as kubectl would use. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: S;
}

export interface K8sObjects {
  readonly underlays: readonly Obj<UnderlaySpec>[];
  readonly l3vnis: readonly Obj<L3VNISpec>[];
  readonly l3passthroughs: readonly Obj<L3PassthroughSpec>[];
  readonly pools: readonly Obj<IPAddressPoolSpec>[];
  readonly advertisements: readonly Obj<BGPAdvertisementSpec>[];
  readonly communities: readonly Obj<CommunitySpec>[];
  readonly peers: readonly Obj<BGPPeerSpec>[];
  readonly bfdProfiles: readonly Obj<BFDProfileSpec>[];
  readonly l2Advertisements: readonly Obj<L2AdvertisementSpec>[];
  /** A Secret has no spec: its spec here is the parsed object (type, data, stringData). */
  readonly secrets: readonly Obj<SecretBody>[];
  readonly frrConfigurations: readonly Obj<FRRConfigurationSpec>[];
  readonly namespaces: readonly Obj<undefined>[];
  readonly services: readonly Obj<ServiceSpec>[];
  readonly deployments: readonly Obj<DeploymentSpec>[];
}

/**
 * The typed view of manifests in the current API (legacy ones converted first). Throws
 * InputErrors when any does not validate.
 */
export function collectObjects(manifests: readonly Manifest[]): K8sObjects {
  const errors = manifests.flatMap(validateObject);
  if (errors.length > 0) throw new InputErrors(errors);
  const pick = <S>(kind: string): Obj<S>[] =>
    manifests
      .filter((m) => m.kind === kind)
      .map((m) => {
        const info = kindInfo(m.apiVersion, m.kind) as KindInfo;
        const parsed = info.schema.parse(m.body) as { spec?: S };
        return {
          manifest: m,
          name: m.metadata.name,
          namespace: info.namespaced ? (m.metadata.namespace ?? 'default') : '',
          labels: m.metadata.labels ?? {},
          annotations: m.metadata.annotations ?? {},
          spec: (parsed.spec ?? {}) as S,
        };
      });
  return {
    underlays: pick('Underlay'),
    l3vnis: pick('L3VNI'),
    l3passthroughs: pick('L3Passthrough'),
    pools: pick('IPAddressPool'),
    advertisements: pick('BGPAdvertisement'),
    communities: pick('Community'),
    peers: pick('BGPPeer'),
    bfdProfiles: pick('BFDProfile'),
    l2Advertisements: pick('L2Advertisement'),
    secrets: manifests
      .filter((m) => m.kind === 'Secret')
      .map((m) => ({
        manifest: m,
        name: m.metadata.name,
        namespace: m.metadata.namespace ?? 'default',
        labels: m.metadata.labels ?? {},
        annotations: m.metadata.annotations ?? {},
        spec: Secret.parse(m.body),
      })),
    frrConfigurations: pick('FRRConfiguration'),
    namespaces: pick<undefined>('Namespace').map((n) => ({ ...n, spec: undefined })),
    services: pick('Service'),
    deployments: pick('Deployment'),
  };
}

