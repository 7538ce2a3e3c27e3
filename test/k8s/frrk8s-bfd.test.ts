// BFD in frr-k8s's own FRRConfiguration (spec.bgp.bfdProfiles + a neighbor's bfdProfile), taken
// as frr-k8s takes it (internal/controller/api_to_config.go at 43dd6d6): profiles merge across
// configurations, MetalLB's among them, and one name with different values, a name defined twice in
// one object, or a neighbor naming a profile its object does not define are refused. Checked
// against the real frr-k8s CRD and loaded into real bfdd where this machine has FRR.
import { afterAll, describe, expect, test } from 'vitest';
import { computeDesiredState } from '../../src/k8s/desired.ts';
import { parseManifests } from '../../src/k8s/load.ts';
import { validateManifests } from '../../src/k8s/validate.ts';
import { renderSpeaker } from '../../src/render/frr-speaker.ts';
import { singlecluster } from './helpers/cluster.ts';
import { desiredStateErrors } from './helpers/errors.ts';
import { validateUpstream } from './helpers/upstream.ts';
import { FrrInstance, frrAvailable, rejectedLines } from './helpers/frr.ts';
import { missingShared } from '../helpers/shared.ts';

const skipUpstream = missingShared('upstream/crds', 'comparisons with the upstream frr-k8s CRD');

// A full profile (every field frr-k8s e2e sets in tests/bfd.go; minimumTtl 250, as bfdd's default 254 would not show in its running config) on a neighbor.
const CONFIG = `apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: with-bfd, namespace: frr-k8s-system}
spec:
  bgp:
    bfdProfiles:
      - {name: full, receiveInterval: 60, transmitInterval: 61, detectMultiplier: 5, echoInterval: 62, echoMode: true, passiveMode: true, minimumTtl: 250}
      - {name: unused}
    routers:
      - asn: 64515
        neighbors:
          - {address: 192.169.10.1, asn: 64514, bfdProfile: full, toReceive: {allowed: {mode: all}}}
`;

const errorsOf = (text: string) => desiredStateErrors(text, 'cfg.yaml');

const second = (name: string, profile: string, neighbor = '192.169.10.9') => `---
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: ${name}, namespace: frr-k8s-system}
spec:
  bgp:
    bfdProfiles:
      - ${profile}
    routers:
      - asn: 64515
        neighbors:
          - {address: ${neighbor}, asn: 64514, bfdProfile: full}
`;

describe('BFD in FRRConfiguration', () => {
  test.skipIf(skipUpstream !== undefined)('the manifest is valid for the real frr-k8s CRD, and so is every field pelab takes', () => {
    const [m] = parseManifests(CONFIG, 'cfg.yaml');
    expect(validateUpstream(m!.body)).toEqual([]);
    expect(validateManifests([m!]).warnings).toEqual([]);
  });

  test.skipIf(skipUpstream !== undefined)('structurally wrong profiles: refused by pelab and by the CRD alike', () => {
    for (const [bad, path] of [
      ['{name: p, detectMultiplier: 1}', 'spec.bgp.bfdProfiles[0].detectMultiplier'],
      ['{name: p, receiveInterval: 5}', 'spec.bgp.bfdProfiles[0].receiveInterval'],
      ['{name: p, minimumTtl: 255}', 'spec.bgp.bfdProfiles[0].minimumTtl'],
      ['{name: p, echo: true}', 'spec.bgp.bfdProfiles[0].echo'],
      ['{receiveInterval: 100}', 'spec.bgp.bfdProfiles[0].name'],
    ] as const) {
      const text = CONFIG.replace('      - {name: unused}\n', '').replace(/      - \{name: full, [^\n]*\n/, `      - ${bad}\n`).replace('bfdProfile: full, ', '');
      const [m] = parseManifests(text, 'cfg.yaml');
      expect(validateUpstream(m!.body)?.length, bad).toBeGreaterThan(0);
      const errors = errorsOf(text);
      expect(errors.map((e) => e.path), bad).toContain(path);
      expect(errors.every((e) => e.line !== undefined)).toBe(true);
    }
  });

  test('the neighbor gets bfd with its profile, and every profile of the object is rendered as frr-k8s does', () => {
    const speaker = computeDesiredState(parseManifests(CONFIG, 'cfg.yaml'), singlecluster).nodes[0]!.speaker!;
    expect(speaker.neighbors[0]!.bfdProfile).toBe('full');
    expect(speaker.bfdProfiles.map((p) => p.name)).toEqual(['full', 'unused']);
    const conf = renderSpeaker(speaker);
    for (const line of [' profile full', '  receive-interval 60', '  transmit-interval 61', '  detect-multiplier 5', '  echo-mode', '  echo receive-interval 62', '  echo transmit-interval 62', '  passive-mode', '  minimum-ttl 250', ' profile unused', ' neighbor 192.169.10.1 bfd', ' neighbor 192.169.10.1 bfd profile full']) {
      expect(conf.split('\n'), line).toContain(line);
    }
  });

  test('a neighbor naming a profile its object does not define is refused; frr-k8s looks nowhere else', () => {
    const errors = errorsOf(CONFIG.replace('bfdProfile: full', 'bfdProfile: production-bfd'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('spec.bgp.routers[0].neighbors[0].bfdProfile');
    expect(errors[0]!.line).toBe(12);
    expect(errors[0]!.expected).toMatch(/^the name of a profile in this object's spec\.bgp\.bfdProfiles \(production-bfd is not; profiles: full, unused\)\. frr-k8s looks only there/);
  });

  test('a profile name twice in one object is refused', () => {
    const errors = errorsOf(CONFIG.replace('{name: unused}', '{name: full}'));
    expect(errors.map((e) => [e.path, e.expected])).toEqual([['spec.bgp.bfdProfiles[1].name', 'a unique profile name (full is defined twice in this object)']]);
  });

  test('one name in two objects: the same values merge, different values are refused naming both', () => {
    const same = computeDesiredState(parseManifests(CONFIG + second('again', '{name: full, receiveInterval: 60, transmitInterval: 61, detectMultiplier: 5, echoInterval: 62, echoMode: true, passiveMode: true, minimumTtl: 250}'), 'cfg.yaml'), singlecluster);
    expect(same.nodes[0]!.speaker!.bfdProfiles.map((p) => p.name)).toEqual(['full', 'unused']);
    const errors = errorsOf(CONFIG + second('other', '{name: full, receiveInterval: 300}'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('spec.bgp.bfdProfiles[0]');
    expect(errors[0]!.expected).toMatch(/^the same settings as BFD profile full of FRRConfiguration with-bfd \(receiveInterval 60, transmitInterval 61, detectMultiplier 5, echoInterval 62, echoMode true, passiveMode true, minimumTtl 250 vs receiveInterval 300\): frr-k8s merges both on node pe-kind-control-plane and refuses one profile name with different values$/);
  });

  test('echo and passive mode unset are false, as in frr-k8s: equal to an explicit false', () => {
    const a = CONFIG.replace('echoMode: true, passiveMode: true, ', 'echoMode: false, ');
    const b = second('again', '{name: full, receiveInterval: 60, transmitInterval: 61, detectMultiplier: 5, echoInterval: 62, passiveMode: false, minimumTtl: 250}');
    expect(errorsOf(a + b)).toEqual([]);
  });

  test("MetalLB's BFDProfile of the same name must carry the same values (MetalLB writes its profiles into its own configuration)", () => {
    const metallb = `---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: full, namespace: metallb-system}
spec: {receiveInterval: 100}
`;
    const errors = errorsOf(CONFIG + metallb);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.expected).toMatch(/BFD profile full of BFDProfile full .* refuses one profile name with different values/);
  });

  test('a MetalLB BGPPeer and an FRRConfiguration neighbor with different profiles for one address conflict', () => {
    const metallb = `---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: other, namespace: metallb-system}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: p, namespace: metallb-system}
spec: {myASN: 64515, peerASN: 64514, peerAddress: 192.169.10.1, bfdProfile: other}
`;
    const errors = errorsOf(CONFIG + metallb);
    expect(errors.map((e) => e.expected).join('\n')).toMatch(/the same BFD profile for neighbor 192\.169\.10\.1 as BGPPeer p \(other vs full\)/);
  });

  describe.skipIf(!frrAvailable)('real bfdd takes the rendered profiles', () => {
    const instances: FrrInstance[] = [];
    afterAll(() => {
      for (const i of instances) i.stop();
    });
    test('loaded into zebra + bgpd + bfdd, every profile line is in the running config', () => {
      const conf = renderSpeaker(computeDesiredState(parseManifests(CONFIG, 'cfg.yaml'), singlecluster).nodes[0]!.speaker!);
      const frr = new FrrInstance(['zebra', 'bgpd', 'bfdd']);
      instances.push(frr);
      frr.start();
      const r = frr.load(conf);
      expect(rejectedLines(r.output), r.output).toEqual([]);
      expect(r.code, r.output).toBe(0);
      const running = frr.show('show running-config');
      for (const line of [' profile full', '  detect-multiplier 5', '  receive-interval 60', '  transmit-interval 61', '  echo-mode', '  echo transmit-interval 62', '  minimum-ttl 250', '  passive-mode', ' neighbor 192.169.10.1 bfd profile full']) {
        expect(running, line).toContain(line);
      }
    });
  });
});
