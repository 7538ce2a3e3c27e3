// Hand-written inputs for the report tests: a cut-down singlecluster lab (spine, one leaf with
// red/blue/default hosts, one ToR with a switch and two cluster nodes) and run results.
import type { Lab } from '../../src/lab/model.ts';
import type { CheckResult, RunResult } from '../../src/report/result.ts';

const mac = (n: number) => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

export const lab: Lab = {
  name: 'mini',
  description: 'cut-down singlecluster',
  source: 'test/report/fixtures.ts',
  vrfs: [
    { name: 'red', vni: 100 },
    { name: 'blue', vni: 200 },
  ],
  routers: [
    {
      name: 'spine',
      role: 'spine',
      asn: 64612,
      routerId: '192.168.1.0',
      timers: { keepalive: 3, hold: 9, connect: 5 },
      interfaces: [
        { name: 'eth1', address: { ip: '192.168.1.0', prefixLength: 31 }, mac: mac(1), peer: { kind: 'node', name: 'leafA', interface: 'eth1' } },
        { name: 'eth3', address: { ip: '192.168.1.4', prefixLength: 31 }, mac: mac(2), peer: { kind: 'node', name: 'leafkind1', interface: 'eth1' } },
      ],
      vrfs: [],
    },
    {
      name: 'leafA',
      role: 'leaf',
      asn: 64520,
      routerId: '100.64.0.1',
      vtep: '100.64.0.1',
      routerMac: mac(3),
      interfaces: [
        { name: 'eth1', address: { ip: '192.168.1.1', prefixLength: 31 }, mac: mac(4), peer: { kind: 'node', name: 'spine', interface: 'eth1' } },
        { name: 'ethred', address: { ip: '192.168.20.1', prefixLength: 24 }, mac: mac(5), vrf: 'red', peer: { kind: 'node', name: 'hostA_red', interface: 'eth1' } },
        { name: 'ethblue', address: { ip: '192.168.21.1', prefixLength: 24 }, mac: mac(6), vrf: 'blue', peer: { kind: 'node', name: 'hostA_blue', interface: 'eth1' } },
        { name: 'ethdefault', address: { ip: '192.168.22.1', prefixLength: 24 }, mac: mac(7), peer: { kind: 'node', name: 'hostA_default', interface: 'eth1' } },
      ],
      vrfs: ['red', 'blue'],
    },
    {
      name: 'leafkind1',
      role: 'tor',
      asn: 64512,
      routerId: '192.168.1.5',
      interfaces: [
        { name: 'eth1', address: { ip: '192.168.1.5', prefixLength: 31 }, mac: mac(8), peer: { kind: 'node', name: 'spine', interface: 'eth3' } },
        { name: 'toswitch1', address: { ip: '192.168.11.2', prefixLength: 24 }, mac: mac(9), peer: { kind: 'switch', name: 'leafkind1-sw' } },
      ],
      vrfs: [],
    },
  ],
  links: [
    { a: { node: 'spine', interface: 'eth1' }, b: { node: 'leafA', interface: 'eth1' }, subnet: '192.168.1.0/31' },
    { a: { node: 'spine', interface: 'eth3' }, b: { node: 'leafkind1', interface: 'eth1' }, subnet: '192.168.1.4/31' },
  ],
  hosts: (
    [
      ['hostA_red', 'ethred', 'red', 20],
      ['hostA_blue', 'ethblue', 'blue', 21],
      ['hostA_default', 'ethdefault', undefined, 22],
    ] as const
  ).map(([name, leafInterface, vrf, net], i) => ({
    name,
    leaf: 'leafA',
    leafInterface,
    ...(vrf ? { vrf } : {}),
    subnet: `192.168.${net}.0/24`,
    address: { ip: `192.168.${net}.2`, prefixLength: 24 },
    gateway: `192.168.${net}.1`,
    interface: { name: 'eth1', address: { ip: `192.168.${net}.2`, prefixLength: 24 }, mac: mac(20 + i), peer: { kind: 'node', name: 'leafA', interface: leafInterface } },
  })),
  switches: [{ name: 'leafkind1-sw', tor: 'leafkind1', torInterface: 'toswitch1', subnet: '192.168.11.0/24', torAddress: '192.168.11.2', nodeInterface: 'toswitch1' }],
  cluster: {
    name: 'pe-kind',
    nodeASN: 64514,
    l2Clients: [],
    nodes: [
      { name: 'pe-kind-control-plane', role: 'control-plane', index: 0, attachments: [{ switch: 'leafkind1-sw', interface: 'toswitch1', address: { ip: '192.168.11.3', prefixLength: 24 }, mac: mac(30) }] },
      { name: 'pe-kind-worker', role: 'worker', index: 1, attachments: [{ switch: 'leafkind1-sw', interface: 'toswitch1', address: { ip: '192.168.11.4', prefixLength: 24 }, mac: mac(31) }] },
    ],
  },
};

function check(overrides: Partial<CheckResult> & Pick<CheckResult, 'name'>): CheckResult {
  return {
    kind: 'bgp-session',
    step: 0,
    mode: 'eventually',
    status: 'passed',
    ms: 1200,
    attempts: 3,
    expected: 'session Established',
    observed: 'Established',
    ...overrides,
  };
}

export const passingChecks: readonly CheckResult[] = [
  check({ name: 'leafkind1 sees PE pe-kind-worker Established', kind: 'bgp-session', observed: { bgpState: 'Established' } }),
  check({ name: 'leafA sees red service type-5', kind: 'evpn-route', step: 1, ms: 2400, attempts: 5, expected: '[5]:[0]:[32]:[172.30.0.10] with RT:64514:100', observed: { paths: 3 } }),
  check({ name: 'hostA_red reaches 172.30.0.10', kind: 'http', step: 1, ms: 300, attempts: 1, expected: 'HTTP 200 from http://172.30.0.10/', observed: { status: 200 } }),
  check({ name: 'hostA_blue cannot reach the red service', kind: 'http', step: 1, mode: 'consistently', ms: 5000, attempts: 5, expected: 'the request fails (isolation)', observed: { curlExit: 7 } }),
  check({ name: 'service red has an IP', kind: 'k8s-status', step: 1, ms: 100, attempts: 1, expected: 'external IP 172.30.0.10', observed: ['172.30.0.10'] }),
];

export const passingRun: RunResult = {
  passed: true,
  scenario: 'metallb-evpn',
  runtime: 'netns',
  lab: 'singlecluster',
  startedAt: '2026-08-07T10:00:00.000Z',
  ms: 8123,
  phases: [
    { name: 'lab-up', ms: 3600 },
    { name: 'apply', ms: 400 },
    { name: 'checks', ms: 4100 },
  ],
  checks: passingChecks,
  failures: [],
  timeline: [
    { at: 0, what: 'run started' },
    { at: 3600, what: 'lab up' },
    { at: 8123, what: 'run finished' },
  ],
  warnings: [],
};

/** Strings a real failure can carry: ANSI colour from a tool, a NUL, CDATA terminators, markup. */
export const nasty = 'curl: (7) Failed <to> connect & "quoted" \'single\' ]]> \x1b[31mred\x1b[0m \x00 nul \u0007 bell \uFFFF end \ud800 lone';

export const failedCheck: CheckResult = check({
  name: 'hostA_red reaches 172.30.0.10 <red> & ]]>',
  kind: 'http',
  step: 2,
  status: 'failed',
  ms: 300_000,
  attempts: 300,
  expected: 'HTTP 200 from http://172.30.0.10/',
  observed: { exitCode: 28, stderr: nasty, nested: { big: 10n, missing: undefined } },
  message: 'hostA_red reaches 172.30.0.10: expected HTTP 200, observed curl exit 28 (timeout)',
});

export const failingRun: RunResult = {
  ...passingRun,
  passed: false,
  scenario: 'metallb-evpn-fault',
  runtime: 'kind',
  ms: 312_000,
  checks: [...passingChecks, failedCheck],
  failures: [failedCheck],
  timeline: [...passingRun.timeline, { at: 9000, what: `fault restart-frr on leafA ${nasty}` }],
  warnings: ['L3VNI red: converted legacy field spec.localcidr to spec.hostSession.localCIDR'],
  bundle: 'out/bundles/metallb-evpn-fault',
};

/** Failed before any check could: the lab did not come up. */
export const brokenRun: RunResult = {
  ...passingRun,
  passed: false,
  scenario: 'broken-lab',
  checks: [],
  failures: [],
  phases: [{ name: 'lab-up', ms: 1500 }],
  timeline: [
    { at: 0, what: 'run started' },
    { at: 1500, what: 'lab-up failed: zebra did not start on leafA' },
  ],
};
