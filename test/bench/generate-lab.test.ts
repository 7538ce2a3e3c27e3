// The benchmark's generated leaf/spine labs load through the same parser and validation as the
// lab files under labs/, and the netns runtime can plan them. Pure and fast: nothing is run.
import { describe, expect, it } from 'vitest';
import { generateLeafSpineLab, generateLeafSpineYaml, MAX_LEAVES } from '../../bench/generate-lab.ts';
import { parseLab } from '../../src/lab/load.ts';
import { planFabric } from '../../src/runtime/netns/plan.ts';
import { renderFabricRouter } from '../../src/render/frr-fabric.ts';

describe('generateLeafSpineYaml', () => {
  for (const leaves of [1, 2, 4, 8, 16]) {
    it(`gives a valid lab with 1 spine and ${leaves} leaves`, () => {
      const lab = parseLab(generateLeafSpineYaml({ leaves }), `gen-${leaves}.yaml`);
      expect(lab.name).toBe(`gen-${leaves}-leaves`);
      expect(lab.routers.filter((r) => r.role === 'spine')).toHaveLength(1);
      const leafRouters = lab.routers.filter((r) => r.role === 'leaf');
      expect(leafRouters).toHaveLength(leaves);
      expect(lab.links).toHaveLength(leaves);
      expect(lab.hosts).toHaveLength(leaves);
      for (const leaf of leafRouters) {
        expect(leaf.vrfs).toEqual(['red']);
        expect(leaf.vtep).toBeDefined();
        expect(lab.hosts.filter((h) => h.leaf === leaf.name && h.vrf === 'red')).toHaveLength(1);
      }
      expect(new Set(leafRouters.map((r) => r.vtep)).size).toBe(leaves);
      expect(new Set(lab.routers.map((r) => r.asn)).size).toBe(leaves + 1);
      expect(lab.cluster).toBeUndefined();
    });
  }

  it('is planned by the netns runtime and rendered for FRR', () => {
    const lab = parseLab(generateLeafSpineYaml({ leaves: 16 }), 'gen-16.yaml');
    const plan = planFabric(lab, 'bench-l16');
    // spine + 16 leaves + 16 red VRF namespaces + 16 hosts
    expect(plan.namespaces).toHaveLength(1 + 16 + 16 + 16);
    expect(plan.routers.filter((r) => r.netnsVrf)).toHaveLength(16);
    const spine = renderFabricRouter(lab, 'spine');
    expect(spine.match(/^ neighbor \S+ remote-as /gm)).toHaveLength(16);
  });

  it('is deterministic and names the lab as asked', () => {
    expect(generateLeafSpineYaml({ leaves: 4 })).toBe(generateLeafSpineYaml({ leaves: 4 }));
    expect(parseLab(generateLeafSpineYaml({ leaves: 2, name: 'bench-l2' }), 'x.yaml').name).toBe('bench-l2');
  });

  it('rejects sizes it cannot address', () => {
    expect(() => generateLeafSpineLab({ leaves: 0 })).toThrow(RangeError);
    expect(() => generateLeafSpineLab({ leaves: MAX_LEAVES + 1 })).toThrow(RangeError);
    expect(() => generateLeafSpineLab({ leaves: 2.5 })).toThrow(RangeError);
    expect(() => parseLab(generateLeafSpineYaml({ leaves: MAX_LEAVES }), 'max.yaml')).not.toThrow();
  });
});
