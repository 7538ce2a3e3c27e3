// The seed guides' MetalLB manifests, as a user copies them (test/fixtures/guides): what
// MetalLB accepts validates (deprecated forms with a warning that shows the current one,
// monitoring objects skipped by name), and the guides' slips get errors that say what to write.
import { describe, expect, test } from 'vitest';
import { InputErrors } from '../../src/errors.ts';
import { loadManifestFiles, parseManifests } from '../../src/k8s/load.ts';
import type { Manifest } from '../../src/k8s/manifest.ts';
import { validateManifests } from '../../src/k8s/validate.ts';

const guide = (f: string) => loadManifestFiles([`test/fixtures/guides/${f}`]);

function problems(ms: Manifest[]): { path: string; line: number | undefined; expected: string }[] {
  try {
    validateManifests(ms);
  } catch (e) {
    if (e instanceof InputErrors) return e.errors.map((x) => ({ path: x.path, line: x.line, expected: x.expected }));
    throw e;
  }
  return [];
}

describe('production guide (seed 004)', () => {
  test('its advertisements name Community objects instead of aliases: the error names the alias', async () => {
    expect(problems(await guide('production-multirouter.yaml'))).toEqual(
      ['dc1-primary', 'dc1-secondary', 'dc2-primary', 'dc2-secondary'].map((alias, i) => ({
        path: 'spec.communities[0]',
        line: 94 + 15 * i,
        expected: `the name of a Community alias, not of a Community object: ${alias}-community defines ${alias}`,
      })),
    );
  });

  test('with the aliases named, it validates: BFD profile, passwords, ServiceMonitor skipped, old annotation converted, localPref over eBGP warned', async () => {
    const ms = await guide('production-multirouter.yaml');
    const fixed = ms.map((m) =>
      m.kind === 'BGPAdvertisement' ? { ...m, body: { ...m.body, spec: { ...(m.body.spec as object), communities: [(m.metadata.name.split('-advertisement')[0] as string)] } } } : m,
    );
    const r = validateManifests(fixed);
    expect(r.manifests.map((m) => m.kind)).not.toContain('ServiceMonitor');
    expect(r.manifests.find((m) => m.kind === 'Service')?.metadata.annotations).toEqual({ 'metallb.io/address-pool': 'production-pool' });
    expect(r.warnings).toEqual([
      expect.stringMatching(/production-multirouter\.yaml:210: Service nginx-lb uses the deprecated annotation prefix metallb\.universe\.tf\/.*\n    metadata:\n      annotations:\n        metallb\.io\/address-pool: production-pool$/s),
      expect.stringMatching(/production-multirouter\.yaml:220: monitoring\.coreos\.com\/v1 ServiceMonitor monitoring\/metallb skipped: it only observes the cluster/),
      ...['dc1-primary', 'dc1-secondary', 'dc2-primary', 'dc2-secondary'].map((a) =>
        expect.stringMatching(new RegExp(`BGPAdvertisement ${a}-advertisement sets localPref \\d+, which has no effect towards the eBGP peer\\(s\\) ${a.replace('-', '-router-')}: LOCAL_PREF is only sent over iBGP`)),
      ),
    ]);
  });

  test('password naming a Secret is taken literally by MetalLB: a warning says how to use the Secret', async () => {
    const r = validateManifests(await guide('production-md5.yaml'));
    expect(r.warnings).toEqual([expect.stringMatching(/production-md5\.yaml:11: BGPPeer router-primary-secure has password: bgp-auth-secret, which is also the name of a Secret: MetalLB uses the text "bgp-auth-secret" itself.*passwordSecret: \{name: bgp-auth-secret\}/)]);
  });

  test('passwordSecret: the Secret must exist in metallb-system, be of type basic-auth and hold a password', async () => {
    const [peer, secret] = await guide('production-md5.yaml');
    const withRef = (ref: string) => ({ ...peer!, body: { ...peer!.body, spec: { ...(peer!.body.spec as Record<string, unknown>), password: undefined, passwordSecret: JSON.parse(ref) } } });
    const clean = (m: Manifest) => ({ ...m, body: JSON.parse(JSON.stringify(m.body)) as Record<string, unknown> });
    expect(problems([clean(withRef('{"name":"bgp-auth-secret"}')), secret!])).toEqual([
      { path: 'type', line: 20, expected: expect.stringMatching(/^kubernetes\.io\/basic-auth: MetalLB refuses a BGPPeer password Secret of another type \(BGPPeer router-primary-secure references this one; got Opaque\)/) },
    ]);
    expect(problems([clean(withRef('{"name":"nope"}')), secret!]).map((p) => p.expected)).toEqual([expect.stringMatching(/the name of a Secret in metallb-system \(nope is not among/)]);
    expect(problems([clean(withRef('{"name":"bgp-auth-secret","namespace":"default"}')), secret!]).map((p) => p.path)).toEqual(['spec.passwordSecret.namespace']);
    const basic = parseManifests('apiVersion: v1\nkind: Secret\nmetadata: {name: bgp-auth-secret, namespace: metallb-system}\ntype: kubernetes.io/basic-auth\nstringData: {password: s3cret}\n', 's.yaml');
    expect(problems([clean(withRef('{"name":"bgp-auth-secret"}')), ...basic])).toEqual([]);
    expect(problems([{ ...peer!, body: { ...peer!.body, spec: { ...(peer!.body.spec as object), passwordSecret: { name: 'x' } } } }]).map((p) => p.path)).toContain('spec.passwordSecret');
  });

  test('a bfdProfile that does not exist', async () => {
    const ms = (await guide('production-multirouter.yaml')).filter((m) => m.kind !== 'BFDProfile' && m.kind !== 'BGPAdvertisement');
    expect(problems(ms).map((p) => [p.path, p.expected])).toEqual(Array(4).fill(['spec.bfdProfile', 'the name of a BFDProfile (production-bfd does not exist; profiles: none)']));
  });
});

describe('platform guide (seed 003)', () => {
  test('validates: L2Advertisement, a v1beta1 BGPPeer and the old loadBalancerIPs annotation, each old form with its current one', async () => {
    const r = validateManifests(await guide('platform.yaml'));
    expect(r.manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      'metallb.io/v1beta1 IPAddressPool',
      'metallb.io/v1beta1 L2Advertisement',
      'metallb.io/v1beta2 BGPPeer',
      'metallb.io/v1beta1 BGPAdvertisement',
      'v1 Service',
    ]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/platform\.yaml:22: BGPPeer tor-switch uses metallb\.io\/v1beta1, which MetalLB still serves but has deprecated.*\n    apiVersion: metallb\.io\/v1beta2$/s),
      expect.stringMatching(/platform\.yaml:46: Service envoy-gateway uses the deprecated annotation prefix.*\n        metallb\.io\/loadBalancerIPs: 192\.168\.12\.100$/s),
      expect.stringMatching(/Service default\/envoy-gateway has no Deployment/),
    ]);
  });

  test('a v1beta1 BGPPeer with a field only v1beta2 has is refused, naming the version to use', () => {
    const ms = parseManifests('apiVersion: metallb.io/v1beta1\nkind: BGPPeer\nmetadata: {name: p, namespace: metallb-system}\nspec:\n  myASN: 1\n  peerASN: 2\n  peerAddress: 10.0.0.1\n  connectTime: 5s\n', 'p.yaml');
    expect(problems(ms)).toEqual([{ path: 'spec.connectTime', line: 8, expected: expect.stringMatching(/connectTime exists only in metallb\.io\/v1beta2/) }]);
  });

  test('old and current annotation with different values is an error on the old one', () => {
    const ms = parseManifests(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    metallb.io/address-pool: a\n    metallb.universe.tf/address-pool: b\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n',
      's.yaml',
    );
    expect(problems(ms).map((p) => [p.path, p.line])).toEqual([['metadata.annotations["metallb.universe.tf/address-pool"]', 7]]);
  });
});
