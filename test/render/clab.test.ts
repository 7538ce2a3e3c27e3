import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  bridgePortName, clabLabName, clusterNodeSetupCommands, renderClabTopology,
  renderClabTopologyYaml, routerFiles, routerSetupCommands, vrfTable,
} from '../../src/render/clab.ts';
import { kindContainerNames } from '../../src/render/kind-config.ts';
import { parseLab } from '../../src/lab/load.ts';
import type { Lab } from '../../src/lab/model.ts';
import { BASE_LAB, LAB_NAMES, repoLab, repoRoot } from '../lab/helpers.ts';
import { PINNED } from '../../src/runtime/kind/artifacts.ts';
import { missingShared } from '../helpers/shared.ts';

const IMAGES = { routerImage: PINNED.images.fabric.ref, hostImage: PINNED.images.host.ref };

const schemaPath = resolve(repoRoot, '..', 'shared', 'upstream', 'containerlab', 'clab.schema.json');
const skipSchema = missingShared('upstream/containerlab/clab.schema.json', 'containerlab topology tests');
const clabSchema = (skipSchema === undefined ? JSON.parse(readFileSync(schemaPath, 'utf8')) : {}) as { $schema: string };

/**
 * containerlab's schema declares draft-07 but uses 2020-12's `prefixItems` for the short link
 * form; draft-07 spells that `items: [...]`, so it is mapped rather than ignored. Its editor-only
 * `markdownDescription` is an annotation.
 */
function clabValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addKeyword({ keyword: 'markdownDescription', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'prefixItems', type: 'array', schemaType: 'array', macro: (items: unknown[]) => ({ items }) });
  return ajv.compile(clabSchema);
}

const validate = skipSchema === undefined ? clabValidator() : Object.assign(() => false, { errors: null });
const errorsOf = (doc: unknown): string => (validate(doc) ? '' : JSON.stringify(validate.errors, null, 1));

describe.skipIf(skipSchema !== undefined)('the containerlab schema used here', () => {
  it('is draft-07', () => {
    expect(clabSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('rejects what containerlab would (so passing it means something)', async () => {
    const good = renderClabTopology(await repoLab('mini'), IMAGES);
    expect(errorsOf(good)).toBe('');
    const clone = (): Record<string, any> => structuredClone(good) as Record<string, any>;
    const badKind = clone();
    badKind.topology.nodes.edge1.kind = 'frr-router';
    expect(validate(badKind)).toBe(false);
    const badEndpoint = clone();
    badEndpoint.topology.links[0].endpoints = ['edge1', 'tor1:uplink'];
    expect(validate(badEndpoint)).toBe(false);
    const unknownField = clone();
    unknownField.topology.nodes.edge1.volumes2 = [];
    expect(validate(unknownField)).toBe(false);
    const badName = clone();
    delete badName.name;
    expect(validate(badName)).toBe(false);
  });
});

describe.skipIf(skipSchema !== undefined).each(LAB_NAMES)('renderClabTopology: %s', (name) => {
  it('validates against containerlab\'s JSON schema, as object and as YAML text', async () => {
    const lab = await repoLab(name);
    expect(errorsOf(renderClabTopology(lab, IMAGES))).toBe('');
    const text = renderClabTopologyYaml(lab, IMAGES, ['a header']);
    expect(text.startsWith('# a header\n')).toBe(true);
    expect(parse(text)).toEqual(renderClabTopology(lab, IMAGES));
    expect(text).toMatch(/endpoints: \["[^"]+:[^"]+", "[^"]+:[^"]+"\]/);
  });

  it('has a node of the right kind for every lab object and names the lab after the cluster', async () => {
    const lab = await repoLab(name);
    const topo = renderClabTopology(lab, IMAGES);
    expect(topo.name).toBe(lab.cluster?.name ?? lab.name);
    expect(topo.name).toBe(clabLabName(lab));
    const nodes = topo.topology.nodes;
    for (const r of lab.routers) {
      expect(nodes[r.name]).toMatchObject({ kind: 'linux', image: PINNED.images.fabric.ref });
      expect(nodes[r.name]!.binds).toEqual([`${routerFiles(r.name).frrConf}:/etc/frr/frr.conf`, `${routerFiles(r.name).daemons}:/etc/frr/daemons`]);
    }
    for (const h of lab.hosts) {
      expect(nodes[h.name]).toMatchObject({ kind: 'linux', image: PINNED.images.host.ref, cmd: 'netexec --http-port=8090' });
      expect(nodes[h.name]!.exec).toEqual([
        `ip address add ${h.address.ip}/${h.address.prefixLength} dev eth1`,
        'ip link set dev eth1 up',
        'ip route del default',
        `ip route add default via ${h.gateway} dev eth1`,
      ]);
    }
    for (const s of lab.switches) expect(nodes[s.name]).toEqual({ kind: 'bridge' });
    if (lab.cluster) {
      expect(nodes[lab.cluster.name]).toEqual({ kind: 'k8s-kind', 'startup-config': `../../kind/${lab.name}.yaml` });
      // the node containers are named as kind names them
      for (const [i, n] of lab.cluster.nodes.entries()) {
        expect(n.name).toBe(kindContainerNames(lab.cluster)[i]);
        expect(nodes[n.name]!.kind).toBe('ext-container');
        expect(nodes[n.name]!.exec).toEqual(n.attachments.map((a) => `ip address add ${a.address.ip}/${a.address.prefixLength} dev ${a.interface}`));
      }
    }
    const expectedCount = lab.routers.length + lab.hosts.length + lab.switches.length + (lab.cluster ? 1 + lab.cluster.nodes.length : 0);
    expect(Object.keys(nodes)).toHaveLength(expectedCount);
  });

  it('wires every link, host and switch port, each endpoint once, names within IFNAMSIZ', async () => {
    const lab = await repoLab(name);
    const topo = renderClabTopology(lab, IMAGES);
    const endpoints = topo.topology.links.flatMap((l) => l.endpoints);
    expect(new Set(endpoints).size).toBe(endpoints.length);
    for (const e of endpoints) {
      const [node, iface] = e.split(':') as [string, string];
      expect(topo.topology.nodes[node], e).toBeDefined();
      expect(iface.length, e).toBeLessThanOrEqual(15);
    }
    const pairs = topo.topology.links.map((l) => l.endpoints.join(' '));
    for (const l of lab.links) expect(pairs).toContain(`${l.a.node}:${l.a.interface} ${l.b.node}:${l.b.interface}`);
    for (const h of lab.hosts) expect(pairs).toContain(`${h.leaf}:${h.leafInterface} ${h.name}:eth1`);
    for (const s of lab.switches) {
      const onSwitch = topo.topology.links.filter((l) => l.endpoints[1].startsWith(`${s.name}:`)).map((l) => l.endpoints[0]);
      expect(onSwitch).toEqual([`${s.tor}:${s.torInterface}`, ...(lab.cluster?.nodes ?? []).map((n) => `${n.name}:${s.nodeInterface}`)]);
    }
  });

  it('configures router addresses, VTEP and L3VNI devices through exec', async () => {
    const lab = await repoLab(name);
    for (const r of lab.routers) {
      const lines = routerSetupCommands(lab, r.name).map((a) => a.join(' '));
      for (const i of r.interfaces) expect(lines).toContain(`ip address add ${i.address!.ip}/${i.address!.prefixLength} dev ${i.name}`);
      if (r.vtep) expect(lines).toContain(`ip address add ${r.vtep}/32 dev lo`);
      for (const vrf of r.vrfs) {
        const vni = lab.vrfs.find((v) => v.name === vrf)!.vni;
        expect(lines).toContain(`ip link add ${vrf} type vrf table ${vrfTable(vni)}`);
        expect(lines).toContain(`ip link add vni${vni} type vxlan local ${r.vtep} dstport 4789 id ${vni} nolearning`);
        // interfaces join the VRF before they get an address
        for (const i of r.interfaces.filter((x) => x.vrf === vrf)) {
          expect(lines.indexOf(`ip link set dev ${i.name} master ${vrf}`)).toBeLessThan(lines.indexOf(`ip address add ${i.address!.ip}/${i.address!.prefixLength} dev ${i.name}`));
        }
      }
    }
  });
});

describe.skipIf(skipSchema !== undefined)('clab details', () => {
  it('VRF tables avoid the kernel\'s reserved tables', () => {
    for (const vni of [1, 253, 254, 255, 16777215]) expect([0, 253, 254, 255]).not.toContain(vrfTable(vni));
  });

  it('bridge port names stay within 15 characters and distinct', () => {
    expect(bridgePortName('sw', 3)).toBe('sw-p3');
    const long = bridgePortName('a-very-long-switch-name', 12);
    expect(long.length).toBeLessThanOrEqual(15);
    expect(long).not.toBe(bridgePortName('a-very-long-switch-name', 13));
    expect(bridgePortName('a-very-long-switch-name', 1)).not.toBe(bridgePortName('another-long-switch-name', 1));
  });

  it('options override images and the kind config path', async () => {
    const lab = await repoLab('mini');
    const topo = renderClabTopology(lab, { routerImage: 'frr:x', hostImage: 'web:y', hostCmd: 'serve', kindConfigPath: 'k.yaml' });
    expect(topo.topology.nodes.edge1!.image).toBe('frr:x');
    expect(topo.topology.nodes.client_red).toMatchObject({ image: 'web:y', cmd: 'serve' });
    expect(topo.topology.nodes.mini!['startup-config']).toBe('k.yaml');
    expect(errorsOf(topo)).toBe('');
  });

  it('a lab without a cluster has no kind nodes and is named after the lab', () => {
    const lab: Lab = parseLab(BASE_LAB.slice(0, BASE_LAB.indexOf('  cluster:')), 'nocluster.yaml');
    const topo = renderClabTopology(lab, IMAGES);
    expect(topo.name).toBe('t');
    expect(Object.values(topo.topology.nodes).map((n) => n.kind)).not.toContain('k8s-kind');
    expect(errorsOf(topo)).toBe('');
  });

  it('refuses cluster node names kind would not give its containers', () => {
    const lab = parseLab(BASE_LAB.replace('{ name: c-worker, role: worker }', '{ name: c-node1, role: worker }'), 'names.yaml');
    expect(() => renderClabTopology(lab, IMAGES)).toThrow('names.yaml: cluster c: kind names node containers <cluster>-<role>[N] in order; "c-node1" must be "c-worker"');
  });

  it('refuses a cluster named like another node (the k8s-kind node takes the cluster name)', () => {
    const lab = parseLab(BASE_LAB.replace('    name: c\n', '    name: sw1\n').replace(/c-(control-plane|worker)/g, 'sw1-$1'), 'clash.yaml');
    expect(() => renderClabTopology(lab, IMAGES)).toThrow('clash.yaml: containerlab node name "sw1" is used twice');
  });

  it('cluster nodes keep their default route (the cluster needs eth0)', async () => {
    const lab = await repoLab('singlecluster');
    for (const n of lab.cluster!.nodes) expect(clusterNodeSetupCommands(lab, n.name).flat()).not.toContain('route');
  });
});
