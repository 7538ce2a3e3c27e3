// Renderers read everything from the Lab: no node name, address or ASN of a real lab may appear
// in their code (comments may mention them, as explanation).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/model.ts';
import { LAB_NAMES, repoLab, repoRoot } from '../lab/helpers.ts';

const FORMAT_WORDS = new Set(['nodes']);

function literalsOf(lab: Lab): string[] {
  const roles = new Set(['spine', 'leaf', 'tor']);
  const names = [
    ...lab.routers.map((r) => r.name).filter((n) => !roles.has(n)),
    ...lab.hosts.map((h) => h.name),
    ...lab.switches.map((s) => s.name),
    ...(lab.cluster ? [lab.cluster.name, ...lab.cluster.nodes.map((n) => n.name)] : []),
    // eth<N> is every container's naming; "nodes" (mini's ToR port) is also containerlab's key.
    ...lab.routers.flatMap((r) => r.interfaces.map((i) => i.name)).filter((n) => !/^eth\d+$/.test(n) && !FORMAT_WORDS.has(n)),
  ];
  const addresses = [
    ...lab.routers.flatMap((r) => [r.routerId, ...(r.vtep ? [r.vtep] : []), ...r.interfaces.map((i) => i.address?.ip ?? '')]),
    ...lab.hosts.flatMap((h) => [h.subnet, h.gateway, h.address.ip]),
    ...lab.switches.map((s) => s.subnet),
  ].filter(Boolean);
  const asns = [...lab.routers.map((r) => String(r.asn)), ...(lab.cluster ? [String(lab.cluster.nodeASN)] : [])];
  return [...new Set([...names, ...addresses, ...asns])];
}

function codeOnly(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function containsLiteral(code: string, literal: string): boolean {
  return new RegExp(`(^|[^\\w.-])${literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`).test(code);
}

it('the check itself finds literals in code and ignores comments', () => {
  expect(containsLiteral(codeOnly("const x = 'leafA';"), 'leafA')).toBe(true);
  expect(containsLiteral(codeOnly('const y = `${a}192.168.1.0/31`;'), '192.168.1.0/31')).toBe(true);
  expect(containsLiteral(codeOnly('// leafA shares an AS'), 'leafA')).toBe(false);
  expect(containsLiteral(codeOnly("const z = 'leafAB';"), 'leafA')).toBe(false);
  expect(containsLiteral(codeOnly("const w = '10.0.0.10';"), '10.0.0.1')).toBe(false);
});

describe.each(LAB_NAMES)('src/render has no literal from %s', (name) => {
  it('uses no node name, interface name, address or ASN of the lab', async () => {
    const lab = await repoLab(name);
    const dir = join(repoRoot, 'src', 'render');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const code = codeOnly(readFileSync(join(dir, file), 'utf8'));
      for (const literal of literalsOf(lab)) {
        expect(containsLiteral(code, literal), `src/render/${file} contains "${literal}"`).toBe(false);
      }
    }
  });
});
