import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/load.ts';
import { peerAddressFacing, routersByRole } from '../../src/lab/query.ts';
import type { Lab } from '../../src/lab/model.ts';
import { CLUSTER_PEER_GROUP, hostsRouteMapName, renderFabricRouter, renderFrrDaemons, routerNeedsBfdd } from '../../src/render/frr-fabric.ts';
import { nodeLabels } from '../../src/k8s/desired.ts';
import { BASE_LAB, LAB_NAMES, repoLab } from '../lab/helpers.ts';
import { configBlocks, frrUnavailable, loadIntoFrr, run } from './frr-harness.ts';

const block = (conf: string, header: string): string[] => {
  const lines = conf.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no block "${header}" in:\n${conf}`);
  const end = lines.indexOf('exit', start);
  return lines.slice(start, end + 1);
};
const af = (lines: string[], name: string): string[] => {
  const start = lines.indexOf(` address-family ${name}`);
  if (start < 0) return [];
  return lines.slice(start, lines.indexOf(' exit-address-family', start));
};

describe('renderFabricRouter (singlecluster)', () => {
  it('spine: one neighbor per link with the peer\'s address and ASN, active in ipv4 and evpn, lab timers', async () => {
    const lab = await repoLab('singlecluster');
    const conf = renderFabricRouter(lab, 'spine');
    const bgp = block(conf, 'router bgp 64612');
    for (const leaf of ['leafA', 'leafB', 'leafkind1', 'leafkind2']) {
      const ip = peerAddressFacing(lab, 'spine', leaf);
      const asn = lab.routers.find((r) => r.name === leaf)!.asn;
      expect(bgp).toContain(` neighbor ${ip} remote-as ${asn}`);
      expect(bgp).toContain(` neighbor ${ip} timers connect 5`);
      expect(af(bgp, 'ipv4 unicast')).toContain(`  neighbor ${ip} activate`);
      expect(af(bgp, 'l2vpn evpn')).toContain(`  neighbor ${ip} activate`);
    }
    expect(bgp).toContain(' timers bgp 3 9');
    expect(bgp).toContain(' bgp router-id 192.168.1.0');
    expect(conf).not.toMatch(/allowas-in|advertise-all-vni|^  network |redistribute/m);
  });

  it('leaf: uplink with allowas-in (leafA and leafB share AS 64520), VTEP network, VNIs, VRF instances', async () => {
    const lab = await repoLab('singlecluster');
    const conf = renderFabricRouter(lab, 'leafA');
    const bgp = block(conf, 'router bgp 64520');
    expect(bgp).toContain(' neighbor 192.168.1.0 remote-as 64612');
    expect(af(bgp, 'ipv4 unicast')).toEqual(expect.arrayContaining([
      '  network 100.64.0.1/32', '  neighbor 192.168.1.0 activate', '  neighbor 192.168.1.0 allowas-in',
      `  redistribute connected route-map ${hostsRouteMapName(undefined)}`,
    ]));
    expect(af(bgp, 'l2vpn evpn')).toEqual(expect.arrayContaining(['  neighbor 192.168.1.0 allowas-in', '  advertise-all-vni']));
    // the leaf sets no timers of its own: the lab gives it none
    expect(bgp.join('\n')).not.toMatch(/timers/);
    expect(conf).toContain('vrf red\n vni 100\nexit-vrf\n');
    expect(conf).toContain('vrf blue\n vni 200\nexit-vrf\n');
    for (const vrf of ['red', 'blue']) {
      const v = block(conf, `router bgp 64520 vrf ${vrf}`);
      expect(af(v, 'ipv4 unicast')).toContain(`  redistribute connected route-map ${hostsRouteMapName(vrf)}`);
      expect(af(v, 'l2vpn evpn')).toContain('  advertise ipv4 unicast');
      expect(v).toContain(' bgp router-id 100.64.0.1');
    }
  });

  it('leaf: redistributes only host subnets, per table (no /31, no VTEP, no management network)', async () => {
    const lab = await repoLab('singlecluster');
    const prefixLists = (conf: string): string[] => conf.split('\n').filter((l) => l.startsWith('ip prefix-list'));
    expect(prefixLists(renderFabricRouter(lab, 'leafA'))).toEqual([
      'ip prefix-list hosts seq 5 permit 192.168.22.0/24',
      'ip prefix-list hosts-red seq 5 permit 192.168.20.0/24',
      'ip prefix-list hosts-blue seq 5 permit 192.168.21.0/24',
    ]);
    // leafB has no default-table host: no redistribution there at all
    const leafB = renderFabricRouter(lab, 'leafB');
    expect(prefixLists(leafB)).toEqual(['ip prefix-list hosts-red seq 5 permit 192.169.20.0/24', 'ip prefix-list hosts-blue seq 5 permit 192.169.21.0/24']);
    expect(af(block(leafB, 'router bgp 64520'), 'ipv4 unicast').join('\n')).not.toContain('redistribute');
  });

  it('tor: spine neighbor plus a listen-range peer group for the cluster nodes', async () => {
    const lab = await repoLab('singlecluster');
    const conf = renderFabricRouter(lab, 'leafkind2');
    const bgp = block(conf, 'router bgp 64513');
    expect(bgp).toEqual(expect.arrayContaining([
      ' neighbor 192.168.1.6 remote-as 64612',
      ` neighbor ${CLUSTER_PEER_GROUP} peer-group`,
      ` neighbor ${CLUSTER_PEER_GROUP} remote-as 64514`,
      ` bgp listen range 192.168.12.0/24 peer-group ${CLUSTER_PEER_GROUP}`,
    ]));
    for (const a of ['ipv4 unicast', 'l2vpn evpn']) {
      expect(af(bgp, a)).toEqual(expect.arrayContaining(['  neighbor 192.168.1.6 activate', `  neighbor ${CLUSTER_PEER_GROUP} activate`]));
    }
    // ToR ASNs are unique in this lab
    expect(conf).not.toContain('allowas-in');
    expect(conf).not.toMatch(/^vrf /m);
  });

  it('common settings and the coalesce-time option', async () => {
    const lab = await repoLab('singlecluster');
    for (const r of lab.routers) {
      const conf = renderFabricRouter(lab, r.name);
      expect(conf.endsWith('end\n')).toBe(true);
      expect(conf).toMatch(/^frr defaults traditional\nhostname \S+\n/);
      expect(conf).toContain(`hostname ${r.name}\n`);
      for (const l of ['no bgp ebgp-requires-policy', 'no bgp default ipv4-unicast', 'no bgp network import-check', 'coalesce-time 50', 'bgp bestpath as-path multipath-relax']) {
        expect(block(conf, `router bgp ${r.asn}`)).toContain(` ${l}`);
      }
      expect(conf).not.toMatch(/^log /m);
    }
    expect(renderFabricRouter(lab, 'spine', { coalesceTimeMs: 1000 })).toContain(' coalesce-time 1000\n');
    // defaultTimers fill in for routers the lab gives none, never over the lab's own
    const fast = { keepalive: 1, hold: 3, connect: 1 };
    expect(renderFabricRouter(lab, 'leafA', { defaultTimers: fast })).toContain(' timers bgp 1 3\n neighbor 192.168.1.0 remote-as 64612\n neighbor 192.168.1.0 description spine:eth1\n neighbor 192.168.1.0 timers connect 1\n');
    expect(renderFabricRouter(lab, 'spine', { defaultTimers: fast })).toBe(renderFabricRouter(lab, 'spine'));
    expect(() => renderFabricRouter(lab, 'spine', { coalesceTimeMs: -1 })).toThrow(/coalesceTimeMs/);
    expect(renderFabricRouter(lab, 'spine', { header: ['one', 'two'] })).toMatch(/^! one\n! two\nfrr defaults/);
    expect(() => renderFabricRouter(lab, 'nope')).toThrow(/has no router "nope"/);
  });
});

describe('renderFabricRouter (generic labs)', () => {
  it('mini: a leaf with a unique AS gets no allowas-in', async () => {
    const lab = await repoLab('mini');
    const conf = renderFabricRouter(lab, 'edge1');
    expect(conf).not.toContain('allowas-in');
    expect(conf).toContain('  network 10.251.0.1/32\n');
    expect(conf).toContain('vrf red\n vni 110\nexit-vrf\n');
    expect(renderFabricRouter(lab, 'tor1')).toContain(`bgp listen range 10.91.0.0/24 peer-group ${CLUSTER_PEER_GROUP}`);
  });

  it('parallel links give one session each', () => {
    const text = BASE_LAB.replace('    - { a: s1:e2, b: t1:up }', '    - { a: s1:e2, b: t1:up }\n    - { a: s1:e3, b: l1:up2 }');
    const lab = parseLab(text, 'parallel.yaml');
    const spine = block(renderFabricRouter(lab, 's1'), 'router bgp 65000');
    expect(spine.filter((l) => / neighbor \S+ remote-as 65001$/.test(l))).toEqual([' neighbor 10.0.0.1 remote-as 65001', ' neighbor 10.0.0.5 remote-as 65001']);
  });

  it('a ToR without a cluster gets no peer group', () => {
    const text = BASE_LAB.slice(0, BASE_LAB.indexOf('  cluster:'));
    const lab = parseLab(text, 'nocluster.yaml');
    expect(renderFabricRouter(lab, 't1')).not.toContain('peer-group');
  });

  it.each(LAB_NAMES)('%s: deterministic, and every fabric link is a session on both ends', async (name) => {
    const lab: Lab = await repoLab(name);
    for (const r of lab.routers) expect(renderFabricRouter(lab, r.name)).toBe(renderFabricRouter(await repoLab(name), r.name));
    for (const l of lab.links) {
      const a = lab.routers.find((r) => r.name === l.a.node)!;
      const b = lab.routers.find((r) => r.name === l.b.node)!;
      expect(renderFabricRouter(lab, a.name)).toContain(` neighbor ${peerAddressFacing(lab, a.name, b.name)} remote-as ${b.asn}\n`);
      expect(renderFabricRouter(lab, b.name)).toContain(` neighbor ${peerAddressFacing(lab, b.name, a.name)} remote-as ${a.asn}\n`);
    }
    for (const leaf of routersByRole(lab, 'leaf')) expect(renderFabricRouter(lab, leaf.name)).toContain('  advertise-all-vni\n');
  });
});

const PEERING = '    - { name: t1, role: tor, asn: 65002, clusterPeering: { password: s3cret, nextHopSelf: true, timers: { keepalive: 1, hold: 3 }, gracefulRestart: true, bfd: { receiveInterval: 100, transmitInterval: 150, detectMultiplier: 4 } } }';

describe('ToR options towards the cluster nodes, and node labels', () => {
  const lab = () => parseLab(BASE_LAB.replace('    - { name: t1, role: tor, asn: 65002 }', PEERING), 'peering.yaml');

  it('password, timers, BFD profile, graceful restart and next-hop-self on the peer group', () => {
    const conf = renderFabricRouter(lab(), 't1');
    const g = CLUSTER_PEER_GROUP;
    expect(conf.split('\n')).toEqual(
      expect.arrayContaining([
        'bfd', ` profile ${g}`, '  receive-interval 100', '  transmit-interval 150', '  detect-multiplier 4',
        ` neighbor ${g} password s3cret`, ` neighbor ${g} timers 1 3`, ` neighbor ${g} bfd`, ` neighbor ${g} bfd profile ${g}`,
        ` neighbor ${g} graceful-restart`, `  neighbor ${g} next-hop-self`,
      ]),
    );
    expect(routerNeedsBfdd(lab().routers.find((r) => r.name === 't1')!)).toBe(true);
    expect(renderFrrDaemons([], { bfdd: true })).toMatch(/^bfdd=yes$/m);
    expect(renderFrrDaemons([])).toMatch(/^bfdd=no$/m);
  });

  it('iBGP when the peering AS is the router\'s own; eBGP to cluster.nodeASN by default', () => {
    const ibgp = parseLab(BASE_LAB.replace('    - { name: t1, role: tor, asn: 65002 }', '    - { name: t1, role: tor, asn: 65002, clusterPeering: { asn: 65002 } }'), 'i.yaml');
    expect(renderFabricRouter(ibgp, 't1')).toContain(` neighbor ${CLUSTER_PEER_GROUP} remote-as 65002\n`);
    const base = parseLab(BASE_LAB, 'b.yaml');
    expect(renderFabricRouter(base, 't1')).toContain(` neighbor ${CLUSTER_PEER_GROUP} remote-as ${base.cluster!.nodeASN}\n`);
    expect(renderFabricRouter(base, 't1')).not.toMatch(/password|bfd/);
  });

  it('cluster.nodes[].labels add to the labels kind sets', () => {
    const text = BASE_LAB.replace(/(nodes:\n\s+- \{ name: [a-z0-9-]+, role: [a-z-]+)/, '$1, labels: { node-role.kubernetes.io/network: "true" }');
    const node = parseLab(text, 'l.yaml').cluster!.nodes[0]!;
    expect(nodeLabels(node)).toMatchObject({ 'node-role.kubernetes.io/network': 'true', 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux' });
  });
});

describe('renderFrrDaemons', () => {
  it('turns bgpd on and the rest off', () => {
    const text = renderFrrDaemons(['hdr']);
    expect(text.startsWith('# hdr\n')).toBe(true);
    expect(text).toMatch(/^bgpd=yes$/m);
    expect(text).toMatch(/^ospfd=no$/m);
    expect(text).toMatch(/^vtysh_enable=yes$/m);
    expect(text.endsWith('\n')).toBe(true);
  });
});

const unavailable = frrUnavailable();

describe.skipIf(unavailable !== undefined)(`real FRR 8.4 accepts the configs${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('the harness catches what `vtysh -C` lets through', async () => {
    // Activating a neighbor that was never defined is valid syntax but a bgpd error.
    const broken = 'router bgp 65000\n address-family ipv4 unicast\n  neighbor 192.0.2.1 activate\n exit-address-family\nexit\n';
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'pelabt-rnd-'));
    try {
      await writeFile(join(dir, 'broken.conf'), broken);
      const dry = await run('vtysh', ['-C', '-f', join(dir, 'broken.conf')]);
      expect(dry.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const loaded = await loadIntoFrr(broken);
    expect(loaded.rejected).toMatch(/^FRR rejected the configuration of pelab_frrt-[\d-]+_r .*Specify remote-as or peer-group commands first/s);
    const garbage = await loadIntoFrr('router bgp 65000\n neighbor 192.0.2.1 remote-as 65001\n neighbor 192.0.2.1 frobnicate\nexit\n');
    expect(garbage.rejected).toMatch(/Unknown command/);
  });

  it('a ToR with every cluster peering option (bfdd running) keeps every line', async () => {
    const lab = parseLab(BASE_LAB.replace('    - { name: t1, role: tor, asn: 65002 }', PEERING), 'peering.yaml');
    const conf = renderFabricRouter(lab, 't1');
    const { rejected, running } = await loadIntoFrr(conf);
    expect(rejected).toBeUndefined();
    const have = configBlocks(running);
    for (const [header, lines] of configBlocks(conf)) {
      if (header.startsWith('hostname ') || header === 'ip forwarding') continue;
      expect(have.has(header), `"${header}" missing from running-config:\n${running}`).toBe(true);
      for (const l of lines) expect(have.get(header)!.has(l), `"${header}" lost "${l}":\n${running}`).toBe(true);
    }
  });

  const routers = LAB_NAMES.flatMap((name) => [name]);
  it.each(routers)('%s: every router loads with no error and every line survives', async (name) => {
    const lab = await repoLab(name);
    for (const r of lab.routers) {
      const conf = renderFabricRouter(lab, r.name, { header: ['test'] });
      const { rejected, running } = await loadIntoFrr(conf);
      expect({ router: r.name, rejected }).toEqual({ router: r.name, rejected: undefined });
      // FRR reorders, but a line it silently ignored would be missing from its block.
      const have = configBlocks(running);
      // hostname: no effect without a UTS namespace (FRR 8.4); ip forwarding: on is the default, not shown.
      for (const [header, lines] of configBlocks(conf)) {
        if (header.startsWith('hostname ') || header === 'ip forwarding') continue;
        expect(have.has(header), `${r.name}: "${header}" missing from running-config:\n${running}`).toBe(true);
        for (const l of lines) expect(have.get(header)!.has(l), `${r.name}: "${header}" lost "${l}"`).toBe(true);
      }
    }
  });
});
