import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { dotString, labGraph, mermaidIds, mermaidText, toDot, toMermaid } from '../../src/report/graph.ts';
import type { Lab } from '../../src/lab/model.ts';
import { loadLab } from '../../src/lab/load.ts';
import { lab as miniLab } from './fixtures.ts';
import { needsTool } from './tools.ts';

const realLabPath = new URL('../../labs/singlecluster.yaml', import.meta.url).pathname;

/**
 * A structural Mermaid flowchart checker: every line is a header, subgraph/end, node
 * definition, edge, classDef/class or linkStyle; ids are plain; labels are quoted and carry no
 * raw quote; subgraphs balance; edges and classes name declared nodes; linkStyle indexes exist.
 */
function checkMermaid(text: string): { nodes: Set<string>; edges: number } {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^flowchart (TB|TD|LR|RL|BT)$/);
  const ID = '[A-Za-z][A-Za-z0-9_]*';
  const LABEL = '"[^"]*"';
  const nodes = new Set<string>();
  const classes = new Set<string>();
  let depth = 0;
  let edges = 0;
  const pending: [string, string][] = [];
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^subgraph (${ID})\\[(${LABEL})\\]$`).exec(line))) depth++;
    else if (line === 'end') {
      depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    } else if ((m = new RegExp(`^(${ID})(\\[${LABEL}\\]|\\(${LABEL}\\)|\\{\\{${LABEL}\\}\\}|\\[\\[${LABEL}\\]\\])$`).exec(line))) {
      expect(nodes.has(m[1]!), `node ${m[1]} declared twice`).toBe(false);
      expect(m[1]).not.toMatch(/^(end|graph|subgraph|flowchart|class|classDef|style|linkStyle|click)$/);
      nodes.add(m[1]!);
    } else if ((m = new RegExp(`^(${ID}) ---(?:\\|(${LABEL})\\|)? (${ID})$`).exec(line))) {
      pending.push([m[1]!, m[3]!]);
      edges++;
    } else if ((m = /^classDef ([A-Za-z0-9_]+) ([a-z-]+:[^,\s]+(,[a-z-]+:[^,\s]+)*)$/.exec(line))) classes.add(m[1]!);
    else if ((m = new RegExp(`^class (${ID}) ([A-Za-z0-9_]+)$`).exec(line))) {
      expect(classes.has(m[2]!), `class ${m[2]} used before classDef`).toBe(true);
      pending.push([m[1]!, m[1]!]);
    } else if ((m = /^linkStyle (\d+) ([a-z-]+:[^,\s]+(,[a-z-]+:[^,\s]+)*)$/.exec(line))) expect(Number(m[1])).toBeLessThan(edges);
    else throw new Error(`not a flowchart line: ${JSON.stringify(raw)}`);
  }
  expect(depth).toBe(0);
  for (const [a, b] of pending) {
    expect(nodes.has(a), `${a} is not declared`).toBe(true);
    expect(nodes.has(b), `${b} is not declared`).toBe(true);
  }
  return { nodes, edges };
}

async function renderDot(dot: string): Promise<string> {
  const r = await execa('dot', ['-Tsvg'], { input: dot, reject: false });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

function sharedAssertions(lab: Lab, name: string) {
  describe(name, () => {
    const mermaid = toMermaid(lab);
    const dot = toDot(lab);
    const allNodes = [...lab.routers, ...lab.hosts, ...lab.switches, ...(lab.cluster?.nodes ?? [])];

    it('is deterministic', () => {
      expect(toMermaid(lab)).toBe(mermaid);
      expect(toDot(lab)).toBe(dot);
    });

    it('Mermaid is a well-formed flowchart with every node and link', () => {
      const { nodes, edges } = checkMermaid(mermaid);
      expect(nodes.size).toBe(allNodes.length);
      const attachments = (lab.cluster?.nodes ?? []).reduce((n, c) => n + c.attachments.length, 0);
      expect(edges).toBe(lab.links.length + lab.hosts.length + lab.switches.length + attachments);
    });

    it('labels links with interface names and addresses, and nodes with ASN and VTEP', () => {
      for (const text of [mermaid, dot]) {
        expect(text).toContain('eth1 192.168.1.0/31');
        expect(text).toContain('ethred 192.168.20.1/24');
        expect(text).toContain('eth1 192.168.20.2/24');
        expect(text).toContain('toswitch1 192.168.11.3/24');
        expect(text).toContain('AS 64612');
        expect(text).toContain('VTEP 100.64.0.1');
        expect(text).toContain('PE AS 64514');
      }
    });

    it('groups nodes: routers by role, hosts, switches, cluster', () => {
      for (const g of ['spine', 'leaf', 'tor', 'hosts', 'switches', 'cluster']) {
        expect(mermaid).toContain(`subgraph g_${g}[`);
        expect(dot).toContain(`subgraph "cluster_${g}"`);
      }
    });

    it('colours VRFs: red and blue hosts and links differ from the default', () => {
      expect(mermaid).toMatch(/class n_hostA_red vrf_red/);
      expect(mermaid).toMatch(/class n_hostA_blue vrf_blue/);
      expect(mermaid).toMatch(/class n_hostA_default vrf_default/);
      expect(mermaid).toMatch(/linkStyle \d+ stroke:#d62728/);
      expect(dot).toMatch(/"leafA" -- "hostA_red" \[color="#d62728"/);
      expect(dot).toMatch(/"leafA" -- "hostA_blue" \[color="#1f77b4"/);
      expect(dot).toMatch(/"leafA" -- "hostA_default" \[color="#555555"/);
    });

    it.runIf(needsTool('dot'))('Graphviz renders the DOT without error', async () => {
      const svg = await renderDot(dot);
      expect(svg).toContain('<svg');
      // Graphviz writes '-' as &#45; in SVG text.
      const text = svg.replace(/&#45;/g, '-');
      for (const n of allNodes) expect(text).toContain(`>${n.name}<`);
    });
  });
}

sharedAssertions(miniLab, 'the hand-written mini lab');

describe.runIf(existsSync(realLabPath))('the real singlecluster lab', async () => {
  const lab = await loadLab(realLabPath);
  sharedAssertions(lab, 'singlecluster');
  it('shows leafB and both ToRs', () => {
    const g = labGraph(lab);
    expect(g.groups.find((x) => x.kind === 'leaf')!.nodes.map((n) => n.name)).toEqual(['leafA', 'leafB']);
    expect(g.groups.find((x) => x.kind === 'tor')!.nodes.map((n) => n.name)).toEqual(['leafkind1', 'leafkind2']);
  });
});

describe('escaping', () => {
  it('gives unique, keyword-free Mermaid ids', () => {
    const ids = mermaidIds(['leaf-1', 'leaf_1', 'end', 'a.b', 'leaf-1']);
    expect([...ids.values()]).toEqual(['n_leaf_1', 'n_leaf_1_2', 'n_end', 'n_a_b']);
  });
  it('escapes Mermaid label text', () => {
    expect(mermaidText('a "b" <c> #1 | d')).toBe('a #quot;b#quot; #lt;c#gt; #35;1 #124; d');
  });
  it('escapes DOT strings', () => {
    expect(dotString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
  });
  it.runIf(needsTool('dot'))('a lab with awkward names still renders', async () => {
    const odd: Lab = {
      ...miniLab,
      name: 'odd "lab"',
      hosts: miniLab.hosts.map((h, i) => (i === 0 ? { ...h, name: 'host "q" \\ end' } : h)),
      vrfs: [...miniLab.vrfs, { name: 'green-1', vni: 300 }],
    };
    checkMermaid(toMermaid(odd));
    await renderDot(toDot(odd));
  });
});
