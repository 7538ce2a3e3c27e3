// The pod network's ip -batch lines (kindnet's wiring) and what the lab HTTP server answers.
import { describe, expect, test } from 'vitest';
import { nodeNetworkAddress, nodeNetworkLines, podLinkLines, podNs, podVeth } from '../../src/runtime/netns/pod-network.ts';
import { instanceNames } from '../../src/runtime/netns/names.ts';
import { renderNginxConfig } from '../../src/runtime/netns/pod-servers.ts';
import { respond } from '../../src/runtime/netns/endpoint-server.mjs';
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

  test('agnhost netexec endpoints, and the generic server naming the image', () => {
    const agnhost = { ns: 'x', ports: [8080], kind: 'agnhost-netexec' as const, identity: 'web-0' };
    const req = (url: string) => respond(agnhost, { remoteIp: '192.168.20.2', remotePort: 41000, url, now: new Date('2026-11-30T00:00:00Z') });
    expect(req('/clientip')).toEqual({ status: 200, body: '192.168.20.2:41000' });
    expect(req('/hostname')).toEqual({ status: 200, body: 'web-0' });
    expect(req('/echo?msg=hi%20there')).toEqual({ status: 200, body: 'hi there' });
    expect(req('/anything')).toEqual({ status: 200, body: 'NOW: 2026-11-30T00:00:00.000Z' });
    const generic = respond({ ns: 'x', ports: [9000], kind: 'generic', identity: 'shop-0', image: 'ghcr.io/acme/shop:2' }, { remoteIp: '10.244.1.1', remotePort: 5, url: '/clientip', now: new Date() });
    expect(generic.body).toBe('pelab generic server (image ghcr.io/acme/shop:2 is not emulated)\npod: shop-0\nclient: 10.244.1.1:5\n');
  });
});
