// Where each target's commands run in the real lab, as argv.
import { describe, expect, it } from 'vitest';
import { execArgv, linkArgv, vtyshArgv } from '../../src/runtime/kind/exec.ts';
import { repoLab } from '../lab/helpers.ts';

const KC = '/w/kubeconfig';

describe('execArgv', () => {
  it('runs on fabric routers and hosts with docker exec into clab-<lab>-<node>', async () => {
    const lab = await repoLab('singlecluster');
    expect(execArgv(lab, { kind: 'router', name: 'leafA' }, ['ip', '-j', 'route'])).toEqual(['docker', 'exec', 'clab-pe-kind-leafA', 'ip', '-j', 'route']);
    expect(execArgv(lab, { kind: 'host', name: 'hostA_red' }, ['curl', '-sS', 'http://172.30.0.10/'])).toEqual([
      'docker', 'exec', 'clab-pe-kind-hostA_red', 'curl', '-sS', 'http://172.30.0.10/',
    ]);
  });

  it('enters a VRF with ip vrf exec, and passes -i when stdin is fed', async () => {
    const lab = await repoLab('singlecluster');
    expect(execArgv(lab, { kind: 'router', name: 'leafA' }, ['ip', 'route'], { vrf: 'red', stdin: true })).toEqual([
      'docker', 'exec', '-i', 'clab-pe-kind-leafA', 'ip', 'vrf', 'exec', 'red', 'ip', 'route',
    ]);
  });

  it('runs on the PE in the router pod\'s frr container, inside the perouter netns (as upstream e2e)', async () => {
    const lab = await repoLab('singlecluster');
    const pe = { kind: 'pe', node: 'pe-kind-worker' } as const;
    expect(execArgv(lab, pe, ['ip', 'addr'], {}, { kubeconfig: KC, pod: 'openperouter-router-r5n9c' })).toEqual([
      'kubectl', '--kubeconfig', KC, 'exec', '-n', 'openperouter-system', 'openperouter-router-r5n9c', '-c', 'frr', '--',
      'nsenter', '--net=/var/run/netns/perouter', 'ip', 'addr',
    ]);
  });

  it('D5: scopes a command to a VRF in a pod with iproute2\'s `vrf NAME`, never `ip vrf exec`', async () => {
    const lab = await repoLab('singlecluster');
    const pod = { kubeconfig: KC, pod: 'openperouter-router-r5n9c' };
    const pe = { kind: 'pe', node: 'pe-kind-worker' } as const;
    const inner = (argv: string[]) => {
      const full = execArgv(lab, pe, argv, { vrf: 'blue' }, pod);
      return full.slice(full.indexOf('--') + 1);
    };
    // What kernel-route checks and the failure bundle run.
    expect(inner(['ip', '-j', 'route', 'show', '192.168.21.0/24'])).toEqual(['nsenter', '--net=/var/run/netns/perouter', 'ip', '-j', 'route', 'show', 'vrf', 'blue', '192.168.21.0/24']);
    expect(inner(['ip', '-j', 'route', 'show', 'table', 'all'])).toEqual(['nsenter', '--net=/var/run/netns/perouter', 'ip', '-j', 'route', 'show', 'vrf', 'blue']);
    expect(inner(['ip', '-d', '-j', 'link'])).toEqual(['nsenter', '--net=/var/run/netns/perouter', 'ip', '-d', '-j', 'link', 'show', 'vrf', 'blue']);
    expect(inner(['ip', '-j', 'addr'])).toEqual(['nsenter', '--net=/var/run/netns/perouter', 'ip', '-j', 'addr', 'show', 'vrf', 'blue']);
    expect(inner(['ip', 'neigh'])).toEqual(['nsenter', '--net=/var/run/netns/perouter', 'ip', 'neigh', 'show', 'vrf', 'blue']);
    const speaker = execArgv(lab, { kind: 'speaker', node: 'pe-kind-worker' }, ['ip', 'route'], { vrf: 'red' }, { kubeconfig: KC, pod: 'frr-k8s-lp2vc' });
    expect(speaker.slice(speaker.indexOf('--') + 1)).toEqual(['ip', 'route', 'show', 'vrf', 'red']);
    // Nothing that needs the cgroup ip vrf exec writes; commands iproute2 cannot scope are refused.
    for (const argv of [['vtysh', '-c', 'show bgp summary'], ['curl', 'http://10.0.0.1/'], ['bridge', 'fdb', 'show'], ['ip', 'route', 'get', '10.0.0.1'], ['ip', 'vrf', 'exec', 'blue', 'true']]) {
      expect(() => execArgv(lab, pe, argv, { vrf: 'blue' }, pod)).toThrow(/privileges the router pod does not have/);
    }
  });

  it('runs on the speaker in the frr-k8s pod\'s frr container (host network, no nsenter)', async () => {
    const lab = await repoLab('singlecluster');
    expect(execArgv(lab, { kind: 'speaker', node: 'pe-kind-worker2' }, vtyshArgv('show bgp summary json'), { stdin: true }, { kubeconfig: KC, pod: 'frr-k8s-lp2vc' })).toEqual([
      'kubectl', '--kubeconfig', KC, 'exec', '-i', '-n', 'frr-k8s-system', 'frr-k8s-lp2vc', '-c', 'frr', '--', 'vtysh', '-c', 'show bgp summary json',
    ]);
  });

  it('refuses targets the lab does not have, bad names and empty commands', async () => {
    const lab = await repoLab('mini');
    expect(() => execArgv(lab, { kind: 'router', name: 'leafA' }, ['true'])).toThrow(/no router "leafA"/);
    expect(() => execArgv(lab, { kind: 'host', name: 'edge1' }, ['true'])).toThrow(/no host/);
    expect(() => execArgv(lab, { kind: 'pe', node: 'pe-kind-worker' }, ['true'], {}, { kubeconfig: KC, pod: 'p' })).toThrow(/no cluster node/);
    expect(() => execArgv(lab, { kind: 'pe', node: 'mini-control-plane' }, ['true'])).toThrow(/no router pod/);
    expect(() => execArgv(lab, { kind: 'pe', node: 'mini-control-plane' }, ['true'], {}, { kubeconfig: KC, pod: '--all' })).toThrow(/Kubernetes object name/);
    expect(() => execArgv(lab, { kind: 'router', name: 'edge1' }, ['true'], { vrf: '-x' })).toThrow(/VRF name/);
    expect(() => execArgv(lab, { kind: 'router', name: 'edge1' }, [])).toThrow(/empty command/);
    expect(() => vtyshArgv('  ')).toThrow(/empty/);
  });

  it('builds link faults', () => {
    expect(linkArgv('eth1', 'down')).toEqual(['ip', 'link', 'set', 'dev', 'eth1', 'down']);
  });
});
