// frr-k8s's own MD5 secret reference on a neighbor (passwordSecret), taken as frr-k8s takes it
// (internal/controller/api_to_config.go passwordForNeighbor at 43dd6d6): a basic-auth Secret of
// frr-k8s's namespace with a password key; the speaker then uses that password.
import { describe, expect, test } from 'vitest';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import { parseManifests } from '../../src/k8s/load.ts';
import { singlecluster } from './helpers/cluster.ts';
import { desiredStateErrors } from './helpers/errors.ts';
import { validateUpstream } from './helpers/upstream.ts';
import { missingShared } from '../helpers/shared.ts';

const CONFIG = (ref: string) => `apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: md5, namespace: frr-k8s-system}
spec:
  bgp:
    routers:
      - asn: 64515
        neighbors:
          - {address: 192.169.10.1, asn: 64514, passwordSecret: ${ref}}
`;
const SECRET = (ns = 'frr-k8s-system', type = 'kubernetes.io/basic-auth', data = '{password: s3cret}') =>
  `---\napiVersion: v1\nkind: Secret\nmetadata: {name: md5-pw, namespace: ${ns}}\ntype: ${type}\nstringData: ${data}\n`;

const errorsOf = (text: string) => desiredStateErrors(text, 'cfg.yaml');

describe('FRRConfiguration neighbor passwordSecret', () => {
  test.skipIf(missingShared('upstream/crds', 'the frr-k8s CRD') !== undefined)('is a field of the real frr-k8s CRD', () => {
    expect(validateUpstream(parseManifests(CONFIG('{name: md5-pw}'), 'cfg.yaml')[0]!.body)).toEqual([]);
  });

  test("the speaker's session gets the Secret's password", () => {
    const d = computeDesiredState(parseManifests(CONFIG('{name: md5-pw}') + SECRET(), 'cfg.yaml'), singlecluster);
    expect(d.nodes[0]!.speaker!.neighbors[0]!.password).toBe('s3cret');
    const explicit = computeDesiredState(parseManifests(CONFIG('{name: md5-pw, namespace: frr-k8s-system}') + SECRET(), 'cfg.yaml'), singlecluster);
    expect(explicit.nodes[0]!.speaker!.neighbors[0]!.password).toBe('s3cret');
  });

  test('refused as frr-k8s refuses it: both password forms, a Secret elsewhere, missing, of another type, without a password', () => {
    const both = errorsOf(CONFIG('{name: md5-pw}').replace('asn: 64514,', 'asn: 64514, password: x,') + SECRET());
    expect(both.map((e) => [e.path, e.expected])).toEqual([['spec.bgp.routers[0].neighbors[0].passwordSecret', 'either password or passwordSecret, not both (frr-k8s refuses a neighbor with both)']]);
    const elsewhere = errorsOf(CONFIG('{name: md5-pw, namespace: metallb-system}') + SECRET('metallb-system'));
    expect(elsewhere.map((e) => [e.path, e.line])).toEqual([['spec.bgp.routers[0].neighbors[0].passwordSecret.namespace', 9]]);
    expect(elsewhere[0]!.expected).toMatch(/frr-k8s only reads Secrets from its own namespace \(got metallb-system\)/);
    expect(errorsOf(CONFIG('{name: md5-pw}')).map((e) => e.expected)).toEqual(['the name of a Secret in frr-k8s-system (md5-pw is not among the manifests applied)']);
    const opaque = errorsOf(CONFIG('{name: md5-pw}') + SECRET(undefined, 'Opaque'));
    expect(opaque.map((e) => [e.path, e.line])).toEqual([['type', 14]]);
    expect(opaque[0]!.expected).toMatch(/^kubernetes\.io\/basic-auth: frr-k8s refuses a neighbor password Secret of another type \(FRRConfiguration md5 references this one; got Opaque\)/);
    expect(errorsOf(CONFIG('{name: md5-pw}') + SECRET(undefined, undefined, '{username: u}')).map((e) => e.path)).toEqual(['data']);
  });
});
