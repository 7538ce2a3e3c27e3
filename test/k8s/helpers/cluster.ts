// The singlecluster lab's cluster as the lab allocator resolves it: three kind nodes, indices
// 0..2, on toswitch1 (192.168.11.3-5/24) and toswitch2 (192.168.12.3-5/24). Written out here so
// the k8s tests do not depend on the lab loader.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster, ClusterNode } from '../../../src/lab/model.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');

const node = (name: string, role: ClusterNode['role'], index: number): ClusterNode => ({
  name,
  role,
  index,
  attachments: [
    { switch: 'leafkind1-sw', interface: 'toswitch1', address: { ip: `192.168.11.${3 + index}`, prefixLength: 24 }, mac: `02:00:00:00:01:0${index}` },
    { switch: 'leafkind2-sw', interface: 'toswitch2', address: { ip: `192.168.12.${3 + index}`, prefixLength: 24 }, mac: `02:00:00:00:02:0${index}` },
  ],
});

export const singlecluster: Cluster = {
  name: 'pe-kind',
  nodeASN: 64514,
  nodes: [node('pe-kind-control-plane', 'control-plane', 0), node('pe-kind-worker', 'worker', 1), node('pe-kind-worker2', 'worker', 2)],
  l2Clients: [],
};

export const scenarioFiles = (scenario: string, files: readonly string[]) =>
  files.map((f) => path.join(repoRoot, 'scenarios', scenario, 'manifests', f));

export const EVPN_FILES = scenarioFiles('metallb-evpn', ['underlay.yaml', 'l3vnis.yaml', 'metallb.yaml', 'frrk8s.yaml', 'workloads.yaml']);
export const PASSTHROUGH_FILES = scenarioFiles('metallb-passthrough', ['underlay.yaml', 'l3passthrough.yaml', 'metallb.yaml', 'frrk8s.yaml', 'workloads.yaml']);
export const legacyFixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'legacy', name);
