// Every rejected lab file names the file, the path inside it and the line to fix.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, InputErrors, exitCodeOf, ExitCode } from '../../src/errors.ts';
import { loadLab, parseLab } from '../../src/lab/load.ts';
import { BASE_LAB, lineOf, parseError } from './helpers.ts';

const FILE = 'labs/broken.yaml';
const edit = (from: string, to: string): string => {
  if (!BASE_LAB.includes(from)) throw new Error(`BASE_LAB has no ${from}`);
  return BASE_LAB.replace(from, to);
};
const at = (fragment: string): string => `${FILE}:${lineOf(fragment)}`;

describe('the base lab used below', () => {
  it('is valid', () => {
    expect(parseLab(BASE_LAB, FILE).name).toBe('t');
  });
});

describe('validation errors name file, path and line', () => {
  const clients = (entries: string): string => `${BASE_LAB}    l2Clients:\n${entries}`;
  const cases: { name: string; text: string; message: string }[] = [
    {
      name: 'an L2 client address off the nodes\' network',
      text: clients('      - { name: lan1, address: 10.9.0.5 }\n'),
      message: `${FILE}:${BASE_LAB.split('\n').length + 1}: spec.cluster.l2Clients[0].address: an address on the nodes' L2 network 172.18.0.0/16 (kind's docker network)`,
    },
    {
      name: 'an L2 client on docker\'s gateway',
      text: clients('      - { name: lan1, address: 172.18.0.1 }\n'),
      message: `${FILE}:${BASE_LAB.split('\n').length + 1}: spec.cluster.l2Clients[0].address: an address other than 172.18.0.1 (the network's gateway)`,
    },
    {
      name: 'an L2 client on a node\'s address',
      text: clients('      - { name: lan1, address: 172.18.0.3 }\n'),
      message: `${FILE}:${BASE_LAB.split('\n').length + 1}: spec.cluster.l2Clients[0].address: a unique address (172.18.0.3 for lan1:eth0 is already used by c-worker:eth0)`,
    },
    {
      name: 'an L2 client named like a host',
      text: clients('      - { name: h1 }\n'),
      message: `${FILE}:${BASE_LAB.split('\n').length + 1}: spec.cluster.l2Clients[0].name: a unique name ("h1" is already used by spec.hosts.0.name)`,
    },
    {
      name: 'unknown node in a link',
      text: edit('{ a: s1:e1, b: l1:up }', '{ a: s1:e1, b: zz:up }'),
      message: `${at('b: l1:up')}: spec.links[0].b: a router defined in spec.routers (unknown node "zz")`,
    },
    {
      name: 'a host address equal to another host\'s',
      text: edit('{ name: h2, leaf: l1, leafInterface: h2if, subnet: 10.3.0.0/24 }', '{ name: h2, leaf: l1, leafInterface: h2if, subnet: 10.2.0.0/24, gateway: 10.2.0.100, address: 10.2.0.2 }'),
      message: `${at('name: h2')}: spec.hosts[1].address: a unique address (10.2.0.2 for h2:eth1 is already used by h1:eth1)`,
    },
    {
      name: 'an explicit VTEP colliding with a link address',
      text: edit('{ name: l1, role: leaf, asn: 65001 }', '{ name: l1, role: leaf, asn: 65001, vtep: 10.0.0.1 }'),
      message: `${at('name: l1')}: spec.routers[1].vtep: a unique address (10.0.0.1 for l1:lo is already used by l1:up)`,
    },
    {
      name: 'ASN above 32 bits',
      text: edit('asn: 65000', 'asn: 4294967296'),
      message: `${at('asn: 65000')}: spec.routers[0].asn: an ASN from 1 to 4294967295`,
    },
    {
      name: 'ASN zero',
      text: edit('asn: 65000', 'asn: 0'),
      message: `${at('asn: 65000')}: spec.routers[0].asn: an ASN from 1 to 4294967295`,
    },
    {
      name: 'interface name over 15 characters (host side of a leaf)',
      text: edit('leafInterface: h1if', 'leafInterface: sixteen-chars-xx'),
      message: `${at('leafInterface: h1if')}: spec.hosts[0].leafInterface: an interface name of at most 15 characters (Linux IFNAMSIZ)`,
    },
    {
      name: 'interface name over 15 characters (link endpoint)',
      text: edit('b: l1:up }', 'b: l1:sixteen-chars-xx }'),
      message: `${at('b: l1:up')}: spec.links[0].b: an endpoint whose interface name has at most 15 characters (Linux IFNAMSIZ)`,
    },
    {
      name: 'VNI reused by two VRFs',
      text: edit('vni: 20', 'vni: 10'),
      message: `${at('vni: 20')}: spec.vrfs[1].vni: a VNI not used by another VRF (10 is already VRF "red")`,
    },
    {
      name: 'unknown VRF on a host',
      text: edit('vrf: red,', 'vrf: green,'),
      message: `${at('name: h1')}: spec.hosts[0].vrf: a VRF defined in spec.vrfs (unknown VRF "green")`,
    },
    {
      name: 'host on a router that is not a leaf',
      text: edit('{ name: h1, leaf: l1,', '{ name: h1, leaf: s1,'),
      message: `${at('name: h1')}: spec.hosts[0].leaf: a router with role leaf ("s1" is a spine)`,
    },
    {
      name: 'unknown field',
      text: edit('{ name: s1, role: spine, asn: 65000 }', '{ name: s1, role: spine, asn: 65000, colour: red }'),
      message: `${at('name: s1')}: spec.routers[0].colour: unknown field(s) "colour"`,
    },
    {
      name: 'bad CIDR (prefix length)',
      text: edit('subnet: 10.2.0.0/24', 'subnet: 10.2.0.0/33'),
      message: `${at('name: h1')}: spec.hosts[0].subnet: an IPv4 CIDR like 192.168.1.0/24`,
    },
    {
      name: 'bad CIDR (three octets)',
      text: edit('fabricLinks: 10.0.0.0/24', 'fabricLinks: 10.0.0/24'),
      message: `${at('fabricLinks:')}: spec.pools.fabricLinks: an IPv4 CIDR like 192.168.1.0/24`,
    },
    {
      name: 'pool with host bits set',
      text: edit('fabricLinks: 10.0.0.0/24', 'fabricLinks: 10.0.0.1/24'),
      message: `${at('fabricLinks:')}: spec.pools.fabricLinks: a network address with no host bits set (10.0.0.0/24, not 10.0.0.1/24)`,
    },
    {
      name: 'explicit link subnet with host bits set',
      text: edit('{ a: s1:e1, b: l1:up }', '{ a: s1:e1, b: l1:up, subnet: 10.9.0.1/31 }'),
      message: `${at('b: l1:up')}: spec.links[0].subnet: a network address with no host bits set (10.9.0.0/31, not 10.9.0.1/31)`,
    },
    {
      name: 'VTEP pool too small',
      text: edit('vteps: 10.1.0.0/24', 'vteps: 10.1.0.0/32'),
      message: `${at('vteps:')}: spec.pools.vteps: a pool with room for host 1 (one VTEP per leaf, in file order)`,
    },
    {
      name: 'YAML syntax error',
      text: edit('{ name: s1, role: spine, asn: 65000 }', '{ name: s1, role: spine, asn: 65000'),
      message: `${at('name: l1')}: (document): valid YAML (BAD_INDENT: Flow map in block collection must be sufficiently indented and end with a })`,
    },
    {
      name: 'tab indentation',
      text: edit('  name: t', '\tname: t'),
      message: `${at('name: t')}: (document): valid YAML (TAB_AS_INDENT: Tabs are not allowed as indentation)`,
    },
  ];

  it.each(cases)('$name', ({ text, message }) => {
    expect(parseError(text, FILE)).toBe(message);
  });

  it('reports every problem of a file at once, each as an InputError', () => {
    const text = edit('vrf: red,', 'vrf: green,').replace('{ name: h1, leaf: l1,', '{ name: h1, leaf: s1,');
    let caught: unknown;
    try {
      parseLab(text, FILE);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputErrors);
    const errors = (caught as InputErrors).errors;
    expect(errors.map((e) => e.path)).toEqual(['spec.hosts[0].leaf', 'spec.hosts[0].vrf']);
    for (const e of errors) {
      expect(e).toBeInstanceOf(InputError);
      expect(e.file).toBe(FILE);
      expect(e.line).toBe(lineOf('name: h1'));
    }
    expect(exitCodeOf(caught)).toBe(ExitCode.badInput);
  });

  it('names the real path of a file loaded from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pelab-lab-'));
    try {
      const path = join(dir, 'lab.yaml');
      await writeFile(path, edit('vni: 20', 'vni: 10'));
      await expect(loadLab(path)).rejects.toThrow(`${path}:${lineOf('vni: 20')}: spec.vrfs[1].vni:`);
      await expect(loadLab(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: \(document\): a readable file \(ENOENT\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a file with no or several documents', () => {
    expect(parseError('', FILE)).toBe(`${FILE}:1: (document): exactly one YAML document (found 0)`);
    expect(parseError(`${BASE_LAB}---\nkind: Lab\n`, FILE)).toBe(`${FILE}:1: (document): exactly one YAML document (found 2)`);
  });
});
