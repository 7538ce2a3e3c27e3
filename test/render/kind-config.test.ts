import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseLab } from '../../src/lab/load.ts';
import { assertKindNodeNames, kindContainerNames, renderKindConfig } from '../../src/render/kind-config.ts';
import { BASE_LAB, repoLab } from '../lab/helpers.ts';

// kind's v1alpha4 Cluster fields (sigs.k8s.io/kind/pkg/apis/config/v1alpha4). kind decodes its
// config strictly, so a misspelt field is an error at `kind create cluster`.
const CLUSTER_FIELDS = ['kind', 'apiVersion', 'name', 'nodes', 'networking', 'featureGates', 'runtimeConfig', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902', 'containerdConfigPatches', 'containerdConfigPatchesJSON6902'];
const NODE_FIELDS = ['role', 'image', 'labels', 'extraMounts', 'extraPortMappings', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902'];
const NETWORKING_FIELDS = ['ipFamily', 'apiServerPort', 'apiServerAddress', 'podSubnet', 'serviceSubnet', 'disableDefaultCNI', 'kubeProxyMode', 'dnsSearch'];

describe('renderKindConfig', () => {
  it('singlecluster: a dual-stack Cluster with control-plane + 2 workers, named after the cluster', async () => {
    const config = renderKindConfig(await repoLab('singlecluster'));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'pe-kind',
      networking: { ipFamily: 'dual', disableDefaultCNI: false },
      nodes: [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }],
    });
  });

  it('uses only kind\'s documented field names, and survives YAML', async () => {
    for (const name of ['singlecluster', 'mini']) {
      const config = renderKindConfig(await repoLab(name), { nodeImage: 'kindest/node:v1.33.1', containerdConfigPatches: ['[plugins]'] });
      for (const k of Object.keys(config)) expect(CLUSTER_FIELDS).toContain(k);
      for (const k of Object.keys(config.networking)) expect(NETWORKING_FIELDS).toContain(k);
      for (const n of config.nodes) {
        for (const k of Object.keys(n)) expect(NODE_FIELDS).toContain(k);
        expect(['control-plane', 'worker']).toContain(n.role);
        expect(n.image).toBe('kindest/node:v1.33.1');
      }
      expect(config.containerdConfigPatches).toEqual(['[plugins]']);
      expect(parse(stringify(config))).toEqual(config);
    }
  });

  it('mini: one control-plane node, no image unless asked', async () => {
    const config = renderKindConfig(await repoLab('mini'));
    expect(config.name).toBe('mini');
    expect(config.nodes).toEqual([{ role: 'control-plane' }]);
    expect('containerdConfigPatches' in config).toBe(false);
  });

  it('names containers the way kind does: <cluster>-<role>, then <cluster>-<role>N', () => {
    const lab = parseLab(
      BASE_LAB.replace('      - { name: c-worker, role: worker }', '      - { name: c-worker, role: worker }\n      - { name: c-worker2, role: worker }\n      - { name: c-control-plane2, role: control-plane }\n      - { name: c-worker3, role: worker }'),
      'many.yaml',
    );
    expect(kindContainerNames(lab.cluster!)).toEqual(['c-control-plane', 'c-worker', 'c-worker2', 'c-control-plane2', 'c-worker3']);
    expect(() => assertKindNodeNames(lab)).not.toThrow();
  });

  it('refuses a lab without a cluster, or with node names kind would not use', () => {
    expect(() => renderKindConfig(parseLab(BASE_LAB.slice(0, BASE_LAB.indexOf('  cluster:')), 'x.yaml'))).toThrow('lab t has no cluster');
    const lab = parseLab(BASE_LAB.replace('c-control-plane', 'cp'), 'y.yaml');
    expect(() => renderKindConfig(lab)).toThrow('"cp" must be "c-control-plane"');
  });
});
