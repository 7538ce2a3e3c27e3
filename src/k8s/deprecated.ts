// MetalLB forms that still work upstream but are deprecated: the metallb.universe.tf/* Service
// annotations and the metallb.io/v1beta1 BGPPeer (served, converted to v1beta2 by MetalLB's
// conversion webhook). pelab accepts them as MetalLB does, converts them to the current form
// and warns with that form, so the user can update the manifest.
import { stringify } from 'yaml';
import { InputErrors } from '../errors.ts';
import { errorAt, inheritOrigin, lineOf, manifestFromBody } from './load.ts';
import type { PathSegment } from './load.ts';
import type { Manifest } from './manifest.ts';
import { CURRENT_ANNOTATION_PREFIX, DEPRECATED_ANNOTATION_PREFIX, SUPPORTED_METALLB_ANNOTATIONS } from './schemas/core.ts';
import { METALLB_V1BETA1, METALLB_V1BETA2 } from './schemas/metallb.ts';

interface DeprecatedConversion {
  readonly manifest: Manifest;
  readonly warning: string;
}

// The v1beta1 BGPPeer schema (shared/upstream/crds/metallb/metallb.io_bgppeers.yaml): every
// other v1beta2 field is refused for a v1beta1 object, as the API server would.
const V1BETA1_PEER_FIELDS = ['bfdProfile', 'ebgpMultiHop', 'holdTime', 'keepaliveTime', 'myASN', 'nodeSelectors', 'password', 'peerASN', 'peerAddress', 'peerPort', 'routerID', 'sourceAddress'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deprecatedAnnotations(m: Manifest): string[] {
  if (m.apiVersion !== 'v1' || m.kind !== 'Service') return [];
  return Object.keys(m.metadata.annotations ?? {}).filter((k) => {
    const current = CURRENT_ANNOTATION_PREFIX + k.slice(DEPRECATED_ANNOTATION_PREFIX.length);
    return k.startsWith(DEPRECATED_ANNOTATION_PREFIX) && SUPPORTED_METALLB_ANNOTATIONS.includes(current);
  });
}

export function isDeprecated(m: Manifest): boolean {
  return (m.apiVersion === METALLB_V1BETA1 && m.kind === 'BGPPeer') || deprecatedAnnotations(m).length > 0;
}

function where(m: Manifest, path: readonly PathSegment[]): string {
  return `${m.source.file}:${lineOf(m, path) ?? m.source.line}`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

function convertAnnotations(m: Manifest): DeprecatedConversion {
  const old = deprecatedAnnotations(m);
  const annotations = { ...(m.metadata.annotations ?? {}) };
  const errors = [];
  const renames: [PathSegment[], PathSegment[]][] = [];
  for (const key of old) {
    const current = CURRENT_ANNOTATION_PREFIX + key.slice(DEPRECATED_ANNOTATION_PREFIX.length);
    const value = annotations[key] as string;
    if (annotations[current] !== undefined && annotations[current] !== value) {
      errors.push(errorAt(m, ['metadata', 'annotations', key], `the same value as ${current} (${value} vs ${annotations[current]}): both name the same setting`));
    }
    delete annotations[key];
    annotations[current] = value;
    renames.push([['metadata', 'annotations', current], ['metadata', 'annotations', key]]);
  }
  if (errors.length > 0) throw new InputErrors(errors);
  const metadata = isRecord(m.body.metadata) ? m.body.metadata : {};
  const body = { ...m.body, metadata: { ...metadata, annotations } };
  inheritOrigin(body, m, renames);
  const shown = stringify({ metadata: { annotations: Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith(CURRENT_ANNOTATION_PREFIX))) } }, { lineWidth: 0 }).trimEnd();
  const warning =
    `${where(m, ['metadata', 'annotations', old[0] as string])}: Service ${m.metadata.name} uses the deprecated annotation prefix ${DEPRECATED_ANNOTATION_PREFIX} ` +
    `(${old.join(', ')}); MetalLB still honours it and pelab converted it. The current form is:\n${indent(shown)}`;
  return { manifest: manifestFromBody(body, m.source), warning };
}

function convertPeer(m: Manifest): DeprecatedConversion {
  const spec = isRecord(m.body.spec) ? m.body.spec : {};
  const errors = Object.keys(spec)
    .filter((k) => !V1BETA1_PEER_FIELDS.includes(k))
    .map((k) => errorAt(m, ['spec', k], `a field of ${METALLB_V1BETA1} BGPPeer (${k} exists only in ${METALLB_V1BETA2}: change apiVersion to ${METALLB_V1BETA2})`));
  if (errors.length > 0) throw new InputErrors(errors);
  const body = { ...m.body, apiVersion: METALLB_V1BETA2 };
  inheritOrigin(body, m);
  const warning =
    `${where(m, ['apiVersion'])}: BGPPeer ${m.metadata.name} uses ${METALLB_V1BETA1}, which MetalLB still serves but has deprecated; ` +
    `pelab converted it as MetalLB's conversion webhook does. The current form is:\n${indent(`apiVersion: ${METALLB_V1BETA2}`)}`;
  return { manifest: manifestFromBody(body, m.source), warning };
}

/** Convert a deprecated-but-served object to the current form. Throws InputErrors when it cannot. */
export function convertDeprecated(m: Manifest): DeprecatedConversion {
  return m.kind === 'BGPPeer' ? convertPeer(m) : convertAnnotations(m);
}
