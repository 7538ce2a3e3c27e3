// BGP graceful restart as MetalLB (BGPPeer.enableGracefulRestart) and frr-k8s (a neighbor's
// enableGracefulRestart) ask for it: frr-k8s renders `neighbor X graceful-restart`
// (internal/frr/templates/neighborsession.tmpl at 43dd6d6). Checked against the real CRDs and
// loaded into real FRR where this machine has it.
import { afterAll, describe, expect, test } from 'vitest';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import { parseManifests } from '../../src/k8s/load.ts';
import { renderSpeaker } from '../../src/render/frr-speaker.ts';
import { singlecluster } from './helpers/cluster.ts';
import { desiredStateErrors } from './helpers/errors.ts';
import { validateUpstream } from './helpers/upstream.ts';
import { FrrInstance, frrAvailable, rejectedLines } from './helpers/frr.ts';
import { missingShared } from '../helpers/shared.ts';

const PEER = (version = 'v1beta2', gr = 'true') => `apiVersion: metallb.io/${version}
kind: BGPPeer
metadata: {name: gr, namespace: metallb-system}
spec: {myASN: 64515, peerASN: 64514, peerAddress: 192.169.10.1, enableGracefulRestart: ${gr}}
`;
const FRR = (gr: string) => `---
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: receive, namespace: frr-k8s-system}
spec:
  bgp:
    routers:
      - asn: 64515
        neighbors:
          - {address: 192.169.10.1, asn: 64514, enableGracefulRestart: ${gr}, toReceive: {allowed: {mode: all}}}
`;

const errorsOf = (text: string) => desiredStateErrors(text, 'gr.yaml');

describe('graceful restart', () => {
  test.skipIf(missingShared('upstream/crds', 'the MetalLB and frr-k8s CRDs') !== undefined)('a field of both real CRDs', () => {
    for (const m of parseManifests(PEER() + FRR('true'), 'gr.yaml')) expect(validateUpstream(m.body), m.kind).toEqual([]);
  });

  test('the session gets graceful-restart, from a BGPPeer or an FRRConfiguration, and they merge when they agree', () => {
    const fromPeer = computeDesiredState(parseManifests(PEER(), 'gr.yaml'), singlecluster).nodes[0]!.speaker!;
    expect(fromPeer.neighbors[0]!.gracefulRestart).toBe(true);
    expect(renderSpeaker(fromPeer).split('\n')).toContain(' neighbor 192.169.10.1 graceful-restart');
    const merged = computeDesiredState(parseManifests(PEER() + FRR('true'), 'gr.yaml'), singlecluster).nodes[0]!.speaker!;
    expect(merged.neighbors[0]!.gracefulRestart).toBe(true);
    const off = computeDesiredState(parseManifests(PEER('v1beta2', 'false'), 'gr.yaml'), singlecluster).nodes[0]!.speaker!;
    expect(renderSpeaker(off)).not.toContain('graceful-restart');
  });

  test('a BGPPeer and an FRRConfiguration that disagree are refused, naming both', () => {
    const errors = errorsOf(PEER() + FRR('false'));
    expect(errors.map((e) => e.path)).toEqual(['spec.bgp.routers[0].neighbors[0].enableGracefulRestart']);
    expect(errors[0]!.expected).toMatch(/the same enableGracefulRestart for neighbor 192\.169\.10\.1 as BGPPeer gr \(true vs false\)/);
  });

  test('a v1beta1 BGPPeer cannot have it (only v1beta2 does)', () => {
    expect(errorsOf(PEER('v1beta1')).map((e) => [e.path, /exists only in metallb\.io\/v1beta2/.test(e.expected)])).toEqual([['spec.enableGracefulRestart', true]]);
  });

  describe.skipIf(!frrAvailable)('real FRR takes it', () => {
    const instances: FrrInstance[] = [];
    afterAll(() => {
      for (const i of instances) i.stop();
    });
    test('loaded into zebra + bgpd, the neighbor keeps graceful-restart', () => {
      const frr = new FrrInstance();
      instances.push(frr);
      frr.start();
      const r = frr.load(renderSpeaker(computeDesiredState(parseManifests(PEER(), 'gr.yaml'), singlecluster).nodes[0]!.speaker!));
      expect(rejectedLines(r.output), r.output).toEqual([]);
      expect(frr.show('show running-config')).toContain(' neighbor 192.169.10.1 graceful-restart');
    });
  });
});
