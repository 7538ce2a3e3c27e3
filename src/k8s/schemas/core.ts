// Core kinds a scenario may apply next to the CRs: Namespace, LoadBalancer Service (what MetalLB
// allocates for) and Deployment (only as a Service's backend: its image and labels).
import { z } from 'zod';
import { dns1035Label, dnsLabel, intIn, ipAddress, objectMeta, stringMap } from './common.ts';

/** The Service annotations MetalLB reads that pelab emulates. */
export const ANNOTATION_LB_IPS = 'metallb.io/loadBalancerIPs';
export const ANNOTATION_POOL = 'metallb.io/address-pool';
export const ANNOTATION_SHARED_IP = 'metallb.io/allow-shared-ip';
export const SUPPORTED_METALLB_ANNOTATIONS = [ANNOTATION_LB_IPS, ANNOTATION_POOL, ANNOTATION_SHARED_IP];
/** The annotation prefix MetalLB still honours but has deprecated. */
export const DEPRECATED_ANNOTATION_PREFIX = 'metallb.universe.tf/';
export const CURRENT_ANNOTATION_PREFIX = 'metallb.io/';

export const Namespace = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: objectMeta(dnsLabel, false),
});

const servicePort = z.strictObject({
  name: dnsLabel.optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP'], { error: 'TCP, UDP or SCTP (case-sensitive)' }).optional(),
  port: intIn(1, 65535, 'a port'),
  targetPort: z.union([intIn(1, 65535, 'a port'), z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a port number or a named container port')]).optional(),
  nodePort: intIn(1, 65535, 'a port').optional(),
});

export const serviceSpec = z
  .strictObject({
    type: z.literal('LoadBalancer', { error: 'LoadBalancer (pelab emulates LoadBalancer Services only)' }),
    ports: z.array(servicePort).min(1, 'at least one port'),
    selector: stringMap.optional(),
    loadBalancerIP: ipAddress.optional(),
    externalTrafficPolicy: z.enum(['Cluster', 'Local'], { error: 'Cluster or Local (case-sensitive)' }).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.ports.length > 1) {
      const names = new Set<string>();
      s.ports.forEach((p, i) => {
        if (p.name === undefined) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: 'a name (required when a Service has several ports)' });
        else if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `a unique port name (${p.name} is used twice)` });
        else names.add(p.name);
      });
    }
  });
export type ServiceSpec = z.output<typeof serviceSpec>;

export const Service = z
  .strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('Service'),
    metadata: objectMeta(dns1035Label),
    spec: serviceSpec,
  })
  .superRefine((svc, ctx) => {
    for (const key of Object.keys(svc.metadata.annotations ?? {})) {
      const path = ['metadata', 'annotations', key];
      // Deprecated keys are converted (with a warning) before the schema sees them; one left
      // here is a key MetalLB never had.
      if (key.startsWith(DEPRECATED_ANNOTATION_PREFIX)) {
        ctx.addIssue({ code: 'custom', path, message: `a MetalLB annotation pelab emulates (${SUPPORTED_METALLB_ANNOTATIONS.join(', ')})` });
      } else if (key.startsWith('metallb.io/') && !SUPPORTED_METALLB_ANNOTATIONS.includes(key)) {
        ctx.addIssue({ code: 'custom', path, message: `a MetalLB annotation pelab emulates (${SUPPORTED_METALLB_ANNOTATIONS.join(', ')})` });
      }
    }
  });

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text (a Secret\'s data values are base64; use stringData for plain text)');

/** A Secret: pelab reads the BGP password MetalLB takes from one (BGPPeer passwordSecret). */
export const Secret = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: objectMeta(),
  type: z.string().min(1).optional(),
  data: z.record(z.string(), base64).optional(),
  stringData: stringMap.optional(),
  immutable: z.boolean().optional(),
});
export type SecretBody = z.output<typeof Secret>;

/** A Secret's value for `key`, as the API server would store it (stringData wins over data). */
export function secretValue(s: Pick<SecretBody, 'data' | 'stringData'>, key: string): string | undefined {
  const plain = s.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = s.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

// Only what pelab needs from a Deployment is checked; the rest of the pod template is the
// workload's business and is passed through untouched.
export const Deployment = z
  .strictObject({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata: objectMeta(),
    spec: z.looseObject({
      replicas: intIn(0, 1000, 'a replica count').optional(),
      selector: z.looseObject({ matchLabels: stringMap.optional() }),
      template: z.looseObject({
        metadata: z.looseObject({ labels: stringMap.optional() }).optional(),
        spec: z.looseObject({
          containers: z
            .array(
              z.looseObject({
                name: dnsLabel,
                image: z.string().min(1),
                ports: z.array(z.looseObject({ containerPort: intIn(1, 65535, 'a port'), name: z.string().optional() })).optional(),
              }),
            )
            .min(1, 'at least one container'),
        }),
      }),
    }),
  })
  .superRefine((d, ctx) => {
    // The API server rejects a Deployment whose selector does not select its own pods.
    const labels = d.spec.template.metadata?.labels ?? {};
    const wanted = d.spec.selector.matchLabels ?? {};
    if (Object.keys(wanted).length === 0) ctx.addIssue({ code: 'custom', path: ['spec', 'selector', 'matchLabels'], message: 'at least one label' });
    for (const [k, v] of Object.entries(wanted)) {
      if (labels[k] !== v) ctx.addIssue({ code: 'custom', path: ['spec', 'template', 'metadata', 'labels'], message: `labels matching spec.selector.matchLabels (${k}: ${v})` });
    }
  });
export type DeploymentSpec = z.output<typeof Deployment>['spec'];
