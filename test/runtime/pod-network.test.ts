// The pod network's ip -batch lines (kindnet's wiring) and what the lab HTTP server answers.
import { describe, expect, test } from 'vitest';
import { nodeNetworkLines, podLinkLines, podNs, podVeth } from '../../src/runtime/netns/pod-network.ts';
import { nodeNetworkAddress } from '../../src/lab/node-network.ts';
import { instanceNames } from '../../src/runtime/netns/names.ts';
import { renderNginxConfig } from '../../src/runtime/netns/pod-servers.ts';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ENDPOINT_SERVER_ARGV } from '../../src/runtime/netns/endpoints.ts';
import { eventuallyValue } from '../../src/proc/wait.ts';
import { singlecluster } from '../k8s/helpers/cluster.ts';

const names = instanceNames('t1');
const pod = { namespace: 'red', name: 'web-0', ip: '10.244.1.2' };

describe('pod network', () => {
  test('a pod: veth to its node, the gateway as /32 on the node side, a /32 route to the pod, routes via the gateway inside', () => {
    const veth = podVeth(pod);
    expect(veth).toMatch(/^veth[0-9a-f]{8}$/);
    expect(podNs(names, pod)).toBe('pelab.t1.pod.red.web-0');
    expect(podLinkLines(names, pod, { index: 1 })).toEqual({
      inNode: [`link add ${veth} type veth peer name eth0 netns pelab.t1.pod.red.web-0`, `address add 10.244.1.1/32 dev ${veth}`, `link set ${veth} up`, `route add 10.244.1.2/32 dev ${veth} scope host`],
      inPod: ['link set lo up', 'address add 10.244.1.2/24 dev eth0 noprefixroute', 'link set eth0 up', 'route add 10.244.1.1/32 dev eth0 scope link', 'route add 10.244.1.0/24 via 10.244.1.1 dev eth0', 'route add default via 10.244.1.1 dev eth0'],
    });
  });

  test('the nodes on one kind network, each routing the other nodes\' pod CIDRs via them', () => {
    expect(singlecluster.nodes.map(nodeNetworkAddress)).toEqual(['172.18.0.2', '172.18.0.3', '172.18.0.4']);
    const { links, config } = nodeNetworkLines(names, singlecluster.nodes);
    expect(links.get('pelab.t1.kind-network')).toEqual([
      'link add br0 type bridge stp_state 0',
      'link add node0 type veth peer name eth0 netns pelab.t1.pe-kind-control-plane',
      'link add node1 type veth peer name eth0 netns pelab.t1.pe-kind-worker',
      'link add node2 type veth peer name eth0 netns pelab.t1.pe-kind-worker2',
    ]);
    expect(config.get('pelab.t1.pe-kind-worker')).toEqual([
      'address add 172.18.0.3/16 dev eth0',
      'link set eth0 up',
      'route add 10.244.0.0/24 via 172.18.0.2 dev eth0',
      'route add 10.244.2.0/24 via 172.18.0.4 dev eth0',
    ]);
  });
});

describe('servers', () => {
  test('nginx: the image default site on the given ports, every path in the pod run folder', () => {
    const conf = renderNginxConfig('/run/pelab/t1/pods/p', [80]);
    expect(conf).toContain('    listen 80;');
    expect(conf).toContain('location / { root /usr/share/nginx/html; index index.html index.htm; }');
    expect(conf).toContain('pid /run/pelab/t1/pods/p/nginx.pid;');
    expect(conf).toContain('env PELAB_OWNER;');
  });

});

// The real server (python3) in a real namespace of a throwaway instance, reached with real curl.
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/curl');
describe.skipIf(!canRun)(`the lab HTTP server${canRun ? '' : ' (skipped: needs root and curl)'}`, () => {
  const ns = 'pelab.ut-endpoint.a';
  const dir = mkdtempSync(join(tmpdir(), 'pelab-ep-'));
  const config = join(dir, 'endpoints.json');
  let pid: number | undefined;
  const curl = (url: string): string => execFileSync('nsenter', [`--net=/run/netns/${ns}`, '--', 'curl', '-sS', '-m', '3', url], { encoding: 'utf8' });
  const listeners = (extra: object[] = []) => ({
    listeners: [{ ns, ports: [8090], kind: 'agnhost-netexec', identity: 'web-0' }, ...extra],
  });
  const ready = (keys: string[]) =>
    eventuallyValue(async () => {
      const held = existsSync(`${config}.ready`) ? (JSON.parse(readFileSync(`${config}.ready`, 'utf8')) as string[]) : [];
      return JSON.stringify(held.sort()) === JSON.stringify([...keys].sort()) ? true : undefined;
    }, { timeoutMs: 5_000, intervalMs: 20, what: keys.join(',') });

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    writeFileSync(config, JSON.stringify(listeners()));
    const [file, ...args] = ENDPOINT_SERVER_ARGV;
    const child = spawn(file!, [...args, 'serve', config], { stdio: 'ignore' });
    pid = child.pid;
    await ready([`${ns}:8090`]);
  });
  afterAll(() => {
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
    execFileSync('ip', ['netns', 'del', ns]);
  });

  test('agnhost netexec endpoints, in the namespace the listener names', () => {
    expect(curl('http://127.0.0.1:8090/clientip')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(curl('http://127.0.0.1:8090/hostname')).toBe('web-0');
    expect(curl('http://127.0.0.1:8090/echo?msg=hi+there')).toBe('hi there');
    expect(curl('http://127.0.0.1:8090/other')).toMatch(/^NOW: \d{4}-\d\d-\d\dT/);
  });

  test('SIGHUP adds and removes listeners; the generic server names the image', async () => {
    writeFileSync(config, JSON.stringify(listeners([{ ns, ports: [9000], kind: 'generic', identity: 'shop-0', image: 'ghcr.io/acme/shop:2' }])));
    process.kill(pid!, 'SIGHUP');
    await ready([`${ns}:8090`, `${ns}:9000`]);
    expect(curl('http://127.0.0.1:9000/clientip')).toMatch(/^pelab generic server \(image ghcr\.io\/acme\/shop:2 is not emulated\)\npod: shop-0\nclient: 127\.0\.0\.1:\d+\n$/);
    writeFileSync(config, JSON.stringify({ listeners: [] }));
    process.kill(pid!, 'SIGHUP');
    await ready([]);
    expect(() => curl('http://127.0.0.1:8090/')).toThrow(/Connection refused|Failed to connect/);
  });
});
