// containerlab topology for a lab: the same fabric as the netns runtime, in containers, with the
// kind cluster created by containerlab's k8s-kind node and its node containers wired in as
// ext-container nodes (the way the upstream OpenPERouter lab is brought up).
import { createHash } from 'node:crypto';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { clusterNode, router as routerOf, vniOf } from '../lab/query.ts';
import type { Lab } from '../lab/model.ts';
import { hostSetupCommands, shellJoin } from './host-setup.ts';
import { assertKindNodeNames } from './kind-config.ts';

/** agnhost's HTTP server: /clientip shows the source address the server saw (no SNAT check). */
const DEFAULT_HOST_CMD = 'netexec --http-port=8090';

export interface ClabOptions {
  /** Images come from the kind runtime's artifact table (runtime/kind/artifacts.ts), the one place they are pinned. */
  readonly routerImage: string;
  readonly hostImage: string;
  readonly hostCmd?: string;
  /** kind config path, relative to the topology file's directory. */
  readonly kindConfigPath?: string;
}

interface ClabNode {
  kind: 'linux' | 'bridge' | 'k8s-kind' | 'ext-container';
  image?: string;
  cmd?: string;
  'startup-config'?: string;
  binds?: string[];
  exec?: string[];
}

interface ClabTopology {
  name: string;
  topology: {
    nodes: Record<string, ClabNode>;
    links: { endpoints: [string, string] }[];
  };
}

/** containerlab's lab name: the kind cluster's name when there is one, else the lab's. */
export function clabLabName(lab: Lab): string {
  return lab.cluster?.name ?? lab.name;
}

/** Where scripts/generate.ts puts the kind config, seen from clab/<lab>/. */
function defaultKindConfigPath(lab: Lab): string {
  return `../../kind/${lab.name}.yaml`;
}

/** Files of a router, relative to the topology file's directory. */
export function routerFiles(routerName: string): { frrConf: string; daemons: string } {
  return { frrConf: `${routerName}/frr.conf`, daemons: `${routerName}/daemons` };
}

/**
 * Name of the host-side veth that containerlab plugs into a `bridge` node. It lives in the host's
 * namespace, so it must fit IFNAMSIZ (15) and not look like any lab interface; long switch names
 * fall back to a short hash.
 */
export function bridgePortName(switchName: string, index: number): string {
  const plain = `${switchName}-p${index}`;
  if (plain.length <= 15) return plain;
  const digest = createHash('sha256').update(switchName).digest('hex').slice(0, 6);
  return `sw${digest}-p${index}`;
}

/** Linux routing table of a VRF device; offset so no VNI lands on local/main/default (253-255). */
export function vrfTable(vni: number): number {
  return 1000 + vni;
}

/**
 * Interface addresses, the VTEP, and per VRF the kernel VRF device plus the L3VNI bridge and
 * VXLAN device FRR's `vrf X / vni N` binds to. Order matters: interfaces join their VRF before
 * getting an address, and the VXLAN device is created after FRR's config exists (a container
 * starts FRR before exec runs), which is the order zebra wires an L3VNI up in.
 */
export function routerSetupCommands(lab: Lab, routerName: string): string[][] {
  const r = routerOf(lab, routerName);
  const cmds: string[][] = [];
  for (const vrf of r.vrfs) {
    cmds.push(['ip', 'link', 'add', vrf, 'type', 'vrf', 'table', String(vrfTable(vniOf(lab, vrf)))]);
    cmds.push(['ip', 'link', 'set', 'dev', vrf, 'up']);
  }
  for (const i of r.interfaces) if (i.vrf) cmds.push(['ip', 'link', 'set', 'dev', i.name, 'master', i.vrf]);
  for (const i of r.interfaces) {
    if (i.address) cmds.push(['ip', 'address', 'add', `${i.address.ip}/${i.address.prefixLength}`, 'dev', i.name]);
  }
  if (r.vtep) cmds.push(['ip', 'address', 'add', `${r.vtep}/32`, 'dev', 'lo']);
  for (const vrf of r.vrfs) {
    if (!r.vtep || !r.routerMac) throw new Error(`router ${r.name} has VRF ${vrf} but no VTEP`);
    const vni = String(vniOf(lab, vrf));
    const br = `br${vni}`;
    const vx = `vni${vni}`;
    cmds.push(
      ['ip', 'link', 'add', br, 'type', 'bridge'],
      ['ip', 'link', 'set', 'dev', br, 'master', vrf, 'address', r.routerMac, 'addrgenmode', 'none'],
      ['ip', 'link', 'add', vx, 'type', 'vxlan', 'local', r.vtep, 'dstport', '4789', 'id', vni, 'nolearning'],
      ['ip', 'link', 'set', 'dev', vx, 'master', br, 'addrgenmode', 'none'],
      ['bridge', 'link', 'set', 'dev', vx, 'neigh_suppress', 'on', 'learning', 'off'],
      ['ip', 'link', 'set', 'dev', vx, 'up'],
      ['ip', 'link', 'set', 'dev', br, 'up'],
    );
  }
  return cmds;
}

/** A kind node's fabric addresses. Its default route stays on eth0: the cluster needs it. */
export function clusterNodeSetupCommands(lab: Lab, nodeName: string): string[][] {
  return clusterNode(lab, nodeName).attachments.map((a) => [
    'ip', 'address', 'add', `${a.address.ip}/${a.address.prefixLength}`, 'dev', a.interface,
  ]);
}

export function renderClabTopology(lab: Lab, options: ClabOptions): ClabTopology {
  const nodes: Record<string, ClabNode> = {};
  const links: { endpoints: [string, string] }[] = [];
  // The k8s-kind node takes the cluster's name, which the lab file does not keep apart from
  // node names; one object silently replacing another would lose part of the fabric.
  const add = (name: string, node: ClabNode): void => {
    if (name in nodes) throw new Error(`${lab.source}: containerlab node name "${name}" is used twice (the kind cluster node is named after the cluster)`);
    nodes[name] = node;
  };
  const exec = (cmds: string[][]): { exec?: string[] } => (cmds.length > 0 ? { exec: cmds.map(shellJoin) } : {});

  for (const r of lab.routers) {
    const files = routerFiles(r.name);
    add(r.name, {
      kind: 'linux',
      image: options.routerImage,
      binds: [`${files.frrConf}:/etc/frr/frr.conf`, `${files.daemons}:/etc/frr/daemons`],
      ...exec(routerSetupCommands(lab, r.name)),
    });
  }
  for (const h of lab.hosts) {
    add(h.name, {
      kind: 'linux',
      image: options.hostImage,
      cmd: options.hostCmd ?? DEFAULT_HOST_CMD,
      ...exec(hostSetupCommands(lab, h.name, { deleteExistingDefault: true })),
    });
  }
  // Bridges are host-level Linux bridges that must exist before deploy (the kind runtime
  // creates them); containerlab only plugs veths into them.
  for (const s of lab.switches) add(s.name, { kind: 'bridge' });

  const cluster = lab.cluster ? assertKindNodeNames(lab) : undefined;
  if (cluster) {
    add(cluster.name, { kind: 'k8s-kind', 'startup-config': options.kindConfigPath ?? defaultKindConfigPath(lab) });
    for (const n of cluster.nodes) add(n.name, { kind: 'ext-container', ...exec(clusterNodeSetupCommands(lab, n.name)) });
  }

  for (const l of lab.links) links.push({ endpoints: [`${l.a.node}:${l.a.interface}`, `${l.b.node}:${l.b.interface}`] });
  for (const h of lab.hosts) links.push({ endpoints: [`${h.leaf}:${h.leafInterface}`, `${h.name}:${h.interface.name}`] });
  for (const s of lab.switches) {
    let port = 0;
    links.push({ endpoints: [`${s.tor}:${s.torInterface}`, `${s.name}:${bridgePortName(s.name, port++)}`] });
    for (const n of cluster?.nodes ?? []) {
      const a = n.attachments.find((x) => x.switch === s.name);
      if (a) links.push({ endpoints: [`${n.name}:${a.interface}`, `${s.name}:${bridgePortName(s.name, port++)}`] });
    }
  }
  return { name: clabLabName(lab), topology: { nodes, links } };
}

/** YAML text of the topology; link endpoints in flow style, as containerlab's docs write them. */
export function renderClabTopologyYaml(lab: Lab, options: ClabOptions, header: readonly string[] = []): string {
  const doc = new Document(renderClabTopology(lab, options));
  visit(doc, {
    Pair(_, pair) {
      if (isSeq(pair.value) && (pair.key as { value?: unknown } | null)?.value === 'endpoints') {
        pair.value.flow = true;
        for (const item of pair.value.items) if (isScalar(item)) item.type = 'QUOTE_DOUBLE';
      }
    },
  });
  if (header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
