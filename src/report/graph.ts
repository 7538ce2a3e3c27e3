// The lab as a picture: Mermaid (renders in GitHub markdown) and Graphviz DOT. Both come from
// one neutral description (nodes, groups, edges) so they always show the same thing.
// Output depends only on the lab (its order of routers, hosts, ...), never on time or maps.
import type { Interface, Lab, Router } from '../lab/model.ts';

type GroupKind = 'spine' | 'leaf' | 'tor' | 'hosts' | 'switches' | 'cluster';

interface GraphNode {
  readonly name: string;
  readonly group: GroupKind;
  /** Label lines, first is the name. */
  readonly lines: readonly string[];
  /** VRF colouring for hosts; undefined for nodes that carry several VRFs. */
  readonly vrf?: string;
  readonly shape: 'router' | 'host' | 'switch' | 'cluster-node';
}

interface GraphEdge {
  readonly a: string;
  readonly b: string;
  readonly aLabel: string;
  readonly bLabel: string;
  /** `default` for the underlay and default-table segments. */
  readonly vrf: string;
  readonly subnet?: string;
}

interface LabGraph {
  readonly name: string;
  readonly groups: readonly { readonly kind: GroupKind; readonly title: string; readonly nodes: readonly GraphNode[] }[];
  readonly edges: readonly GraphEdge[];
  readonly vrfs: readonly { readonly name: string; readonly vni?: number; readonly color: string; readonly fill: string }[];
}

const FIXED_COLORS: Readonly<Record<string, { color: string; fill: string }>> = {
  red: { color: '#d62728', fill: '#fbdcdc' },
  blue: { color: '#1f77b4', fill: '#dbe9f7' },
  default: { color: '#555555', fill: '#eeeeee' },
};
const PALETTE = [
  { color: '#2ca02c', fill: '#dcf2dc' },
  { color: '#9467bd', fill: '#ebe1f4' },
  { color: '#ff7f0e', fill: '#fde7d1' },
  { color: '#8c564b', fill: '#ecdeda' },
  { color: '#e377c2', fill: '#fae2f2' },
  { color: '#17becf', fill: '#d8f4f7' },
];

const cidr = (a?: { ip: string; prefixLength: number }) => (a ? `${a.ip}/${a.prefixLength}` : undefined);

function ifaceLabel(i: Interface | undefined, name: string): string {
  const addr = cidr(i?.address);
  return addr ? `${name} ${addr}` : name;
}

function routerLines(lab: Lab, r: Router): string[] {
  const lines = [r.name, `${r.role} · AS ${r.asn}`, `router-id ${r.routerId}`];
  if (r.vtep) lines.push(`VTEP ${r.vtep}`);
  if (r.vrfs.length > 0) {
    lines.push(`VRF ${r.vrfs.map((v) => {
      const vni = lab.vrfs.find((x) => x.name === v)?.vni;
      return vni === undefined ? v : `${v}:${vni}`;
    }).join(', ')}`);
  }
  return lines;
}

/** The neutral description both renderers draw. */
export function labGraph(lab: Lab): LabGraph {
  const vrfs = [
    ...lab.vrfs.map((v, i) => ({ name: v.name, vni: v.vni, ...(FIXED_COLORS[v.name] ?? PALETTE[i % PALETTE.length]!) })),
    ...(lab.vrfs.some((v) => v.name === 'default') ? [] : [{ name: 'default', ...FIXED_COLORS['default']! }]),
  ];
  const routerNode = (r: Router): GraphNode => ({ name: r.name, group: r.role, lines: routerLines(lab, r), shape: 'router' });
  const groups: { kind: GroupKind; title: string; nodes: GraphNode[] }[] = [
    { kind: 'spine', title: 'spines', nodes: lab.routers.filter((r) => r.role === 'spine').map(routerNode) },
    { kind: 'leaf', title: 'leaves', nodes: lab.routers.filter((r) => r.role === 'leaf').map(routerNode) },
    { kind: 'tor', title: 'ToR leaves', nodes: lab.routers.filter((r) => r.role === 'tor').map(routerNode) },
    {
      kind: 'hosts',
      title: 'hosts',
      nodes: lab.hosts.map((h) => ({
        name: h.name,
        group: 'hosts' as const,
        lines: [h.name, `${h.address.ip}/${h.address.prefixLength}`, `gw ${h.gateway}`, `VRF ${h.vrf ?? 'default'}`],
        vrf: h.vrf ?? 'default',
        shape: 'host' as const,
      })),
    },
    {
      kind: 'switches',
      title: 'switches',
      nodes: lab.switches.map((s) => ({ name: s.name, group: 'switches' as const, lines: [s.name, `L2 ${s.subnet}`], shape: 'switch' as const })),
    },
  ];
  if (lab.cluster) {
    const c = lab.cluster;
    groups.push({
      kind: 'cluster',
      title: `cluster ${c.name} · PE AS ${c.nodeASN}`,
      nodes: c.nodes.map((n) => ({
        name: n.name,
        group: 'cluster' as const,
        lines: [n.name, `${n.role} · node ${n.index}`, `PE AS ${c.nodeASN}`],
        shape: 'cluster-node' as const,
      })),
    });
  }

  const iface = (node: string, name: string) => lab.routers.find((r) => r.name === node)?.interfaces.find((i) => i.name === name);
  const edges: GraphEdge[] = [];
  for (const l of lab.links) {
    const a = iface(l.a.node, l.a.interface);
    const b = iface(l.b.node, l.b.interface);
    edges.push({ a: l.a.node, b: l.b.node, aLabel: ifaceLabel(a, l.a.interface), bLabel: ifaceLabel(b, l.b.interface), vrf: a?.vrf ?? 'default', subnet: l.subnet });
  }
  for (const h of lab.hosts) {
    const leafSide = iface(h.leaf, h.leafInterface);
    edges.push({
      a: h.leaf,
      b: h.name,
      aLabel: ifaceLabel(leafSide, h.leafInterface),
      bLabel: ifaceLabel(h.interface, h.interface.name),
      vrf: h.vrf ?? 'default',
      subnet: h.subnet,
    });
  }
  for (const s of lab.switches) {
    const torSide = iface(s.tor, s.torInterface);
    edges.push({ a: s.tor, b: s.name, aLabel: torSide ? ifaceLabel(torSide, s.torInterface) : `${s.torInterface} ${s.torAddress}`, bLabel: '', vrf: 'default', subnet: s.subnet });
  }
  for (const n of lab.cluster?.nodes ?? []) {
    for (const at of n.attachments) {
      edges.push({ a: at.switch, b: n.name, aLabel: '', bLabel: `${at.interface} ${at.address.ip}/${at.address.prefixLength}`, vrf: 'default' });
    }
  }
  return { name: lab.name, groups: groups.filter((g) => g.nodes.length > 0), edges, vrfs };
}

function colorsOf(g: LabGraph, vrf: string): { color: string; fill: string } {
  return g.vrfs.find((v) => v.name === vrf) ?? FIXED_COLORS['default']!;
}

function edgeText(e: GraphEdge): string {
  return [e.aLabel, e.bLabel].filter((s) => s !== '').join(' ↔ ');
}

// ---------------------------------------------------------------- Mermaid

/**
 * Mermaid ids: letters, digits and `_` only, prefixed so none is a keyword (`end`, `graph`),
 * and made unique because `leaf-1` and `leaf_1` would otherwise collide.
 */
export function mermaidIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    if (ids.has(name)) continue;
    const base = `n_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** Text inside a quoted Mermaid label: entity codes for what Mermaid or its HTML would interpret. */
export function mermaidText(s: string): string {
  return s.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}

const mermaidLabel = (lines: readonly string[]) => `"${lines.map(mermaidText).join('<br/>')}"`;

export function toMermaid(lab: Lab): string {
  const g = labGraph(lab);
  const allNames = g.groups.flatMap((gr) => gr.nodes.map((n) => n.name));
  const ids = mermaidIds([...allNames, ...g.edges.flatMap((e) => [e.a, e.b])]);
  const id = (name: string) => ids.get(name)!;
  const out: string[] = ['flowchart TB'];
  for (const group of g.groups) {
    out.push(`  subgraph g_${group.kind}[${mermaidLabel([group.title])}]`);
    for (const n of group.nodes) {
      const label = mermaidLabel(n.lines);
      const shaped = n.shape === 'router' ? `[${label}]` : n.shape === 'host' ? `(${label})` : n.shape === 'switch' ? `{{${label}}}` : `[[${label}]]`;
      out.push(`    ${id(n.name)}${shaped}`);
    }
    out.push('  end');
  }
  g.edges.forEach((e) => {
    const text = edgeText(e);
    out.push(text ? `  ${id(e.a)} ---|${mermaidLabel([text])}| ${id(e.b)}` : `  ${id(e.a)} --- ${id(e.b)}`);
  });
  for (const v of g.vrfs) out.push(`  classDef vrf_${v.name.replace(/[^A-Za-z0-9_]/g, '_')} fill:${v.fill},stroke:${v.color},color:#000`);
  out.push('  classDef router fill:#fff7d6,stroke:#8a6d00,color:#000');
  out.push('  classDef switch fill:#f0f0f0,stroke:#777777,color:#000');
  out.push('  classDef clusterNode fill:#e6f4ea,stroke:#2e7d32,color:#000');
  for (const group of g.groups) {
    for (const n of group.nodes) {
      const cls = n.shape === 'host' ? `vrf_${(n.vrf ?? 'default').replace(/[^A-Za-z0-9_]/g, '_')}` : n.shape === 'router' ? 'router' : n.shape === 'switch' ? 'switch' : 'clusterNode';
      out.push(`  class ${id(n.name)} ${cls}`);
    }
  }
  g.edges.forEach((e, i) => {
    if (e.vrf !== 'default') out.push(`  linkStyle ${i} stroke:${colorsOf(g, e.vrf).color},stroke-width:2px`);
  });
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- DOT

/** A DOT quoted string: only `"` and `\` need escaping; newlines become `\n` line breaks. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** How a node fared in a run: the HTML report marks the nodes checks ran on. */
export type NodeMark = 'failed' | 'passed';

/** A node marked in the picture: red for a failed check on it, a green outline when all passed. */
function markAttrs(mark: NodeMark | undefined): string[] {
  if (mark === 'failed') return ['fillcolor="#d50000"', 'fontcolor="#ffffff"', 'color="#7f0000"', 'penwidth=3', 'class="check_failed"'];
  if (mark === 'passed') return ['color="#1b5e20"', 'penwidth=3', 'class="check_passed"'];
  return [];
}

export function toDot(lab: Lab, options: { readonly marks?: ReadonlyMap<string, NodeMark> } = {}): string {
  const g = labGraph(lab);
  const out: string[] = [
    `graph ${dotString(g.name)} {`,
    `  graph [rankdir=TB, fontname="Helvetica", fontsize=11, label=${dotString(`lab ${g.name}`)}, labelloc=t, newrank=true, nodesep=0.5, ranksep=0.9];`,
    '  edge [labelfontsize=8, labeldistance=2.2];',
    '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#ffffff"];',
    '  edge [fontname="Helvetica", fontsize=8];',
  ];
  for (const group of g.groups) {
    out.push(`  subgraph ${dotString(`cluster_${group.kind}`)} {`);
    out.push(`    label=${dotString(group.title)}; style="rounded,dashed"; color="#999999";`);
    if (group.kind !== 'cluster') out.push('    rank=same;');
    for (const n of group.nodes) {
      const attrs: string[] = [`label=${dotString(n.lines.join('\n'))}`];
      if (n.shape === 'router') attrs.push('fillcolor="#fff7d6"', 'color="#8a6d00"');
      if (n.shape === 'switch') attrs.push('shape=hexagon', 'fillcolor="#f0f0f0"');
      if (n.shape === 'cluster-node') attrs.push('shape=box3d', 'fillcolor="#e6f4ea"');
      if (n.shape === 'host') {
        const c = colorsOf(g, n.vrf ?? 'default');
        attrs.push('shape=ellipse', `fillcolor="${c.fill}"`, `color="${c.color}"`);
      }
      // Later attributes win in DOT: the mark overrides the node's own colours.
      attrs.push(...markAttrs(options.marks?.get(n.name)));
      out.push(`    ${dotString(n.name)} [${attrs.join(', ')}];`);
    }
    out.push('  }');
  }
  for (const e of g.edges) {
    const c = colorsOf(g, e.vrf);
    const attrs = [`color="${c.color}"`];
    // Head and tail labels take no room in the layout and pile up where many links meet one
    // node (a switch and its cluster nodes); a one-sided link gets a middle label instead.
    const oneSided = !e.aLabel || !e.bLabel;
    if (!oneSided) attrs.push(`taillabel=${dotString(e.aLabel)}`, `headlabel=${dotString(e.bLabel)}`);
    const mid = [oneSided ? e.aLabel || e.bLabel : undefined, e.subnet, e.vrf !== 'default' ? `vrf ${e.vrf}` : undefined]
      .filter((s): s is string => s !== undefined && s !== '')
      .join('\n');
    if (mid) attrs.push(`label=${dotString(mid)}`);
    if (e.vrf !== 'default') attrs.push('penwidth=2');
    out.push(`  ${dotString(e.a)} -- ${dotString(e.b)} [${attrs.join(', ')}];`);
  }
  // A legend so the colours mean something on paper.
  out.push(`  subgraph "cluster_legend" {`, '    label="VRFs"; style="rounded"; color="#cccccc";');
  for (const v of g.vrfs) {
    out.push(`    ${dotString(`legend_${v.name}`)} [label=${dotString(v.vni === undefined ? v.name : `${v.name} (VNI ${v.vni})`)}, shape=note, fillcolor="${v.fill}", color="${v.color}"];`);
  }
  out.push('  }', '}');
  return out.join('\n') + '\n';
}
