// Shared by the lab and render tests: the repository's labs, and small inline labs whose line
// numbers the validation tests can point at.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLab, parseLab } from '../../src/lab/load.ts';
import type { Lab } from '../../src/lab/model.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAB_NAMES = ['singlecluster', 'mini'] as const;

function labFile(name: string): string {
  return resolve(repoRoot, 'labs', `${name}.yaml`);
}

export function repoLab(name: string): Promise<Lab> {
  return loadLab(labFile(name));
}

/** The error a parse throws (InputError or InputErrors), as its message; fails if none. */
export function parseError(text: string, file = 'inline.yaml'): string {
  try {
    parseLab(text, file);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the lab to be rejected, but it parsed');
}

/** A small valid lab (leaf + spine + tor + two hosts + cluster); tests edit it line by line. */
export const BASE_LAB = `apiVersion: pelab.dev/v1alpha1
kind: Lab
metadata:
  name: t
spec:
  pools:
    fabricLinks: 10.0.0.0/24
    vteps: 10.1.0.0/24
  vrfs:
    - { name: red, vni: 10 }
    - { name: blue, vni: 20 }
  routers:
    - { name: s1, role: spine, asn: 65000 }
    - { name: l1, role: leaf, asn: 65001 }
    - { name: t1, role: tor, asn: 65002 }
  links:
    - { a: s1:e1, b: l1:up }
    - { a: s1:e2, b: t1:up }
  hosts:
    - { name: h1, leaf: l1, leafInterface: h1if, vrf: red, subnet: 10.2.0.0/24 }
    - { name: h2, leaf: l1, leafInterface: h2if, subnet: 10.3.0.0/24 }
  switches:
    - { name: sw1, tor: t1, torInterface: down, subnet: 10.4.0.0/24, nodeInterface: fab }
  cluster:
    name: c
    nodeASN: 65010
    nodes:
      - { name: c-control-plane, role: control-plane }
      - { name: c-worker, role: worker }
`;

/** BASE_LAB with one line replaced (1-based line number, so tests can name the line). */
export function withLine(line: number, text: string): string {
  const lines = BASE_LAB.split('\n');
  if (line < 1 || line > lines.length) throw new Error(`BASE_LAB has no line ${line}`);
  lines[line - 1] = text;
  return lines.join('\n');
}

export function lineOf(fragment: string): number {
  const i = BASE_LAB.split('\n').findIndex((l) => l.includes(fragment));
  if (i < 0) throw new Error(`BASE_LAB has no line with ${fragment}`);
  return i + 1;
}
