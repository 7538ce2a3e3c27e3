// The emulated Kubernetes nodes. Each node has its host side (where MetalLB + frr-k8s speak
// BGP and Services answer) and an OpenPERouter router namespace. Both run FRR configured from
// the manifests applied to the lab, the way the real controllers would render them.
import type { Manifest } from '../../k8s/manifest.ts';
import type { ApplyResult, ServiceState, SessionState, Target } from '../runtime.ts';
import type { Ledger } from './ledger.ts';
import type { ClusterNodePlan } from './plan.ts';
import type { NetnsRuntime } from './runtime.ts';
import { Endpoint } from './endpoints.ts';
import { LabBuildError } from '../../errors.ts';

export class ClusterEmulator {
  private readonly rt: NetnsRuntime;

  constructor(rt: NetnsRuntime) {
    this.rt = rt;
  }

  async startNode(node: ClusterNodePlan): Promise<void> {
    await Promise.all([
      this.rt.frrRouter(node.peNs, `${node.name}-pe`, new Map(), true).start(),
      this.rt.frrRouter(node.ns, node.name).start(),
    ]);
    await new Endpoint(node.ns, this.rt.names.nodeDir(node.ns)).start({ identity: node.name, ports: [8090], services: {} }, this.rt.ledger, this.rt.instance);
  }

  appliedKeys(_ledger: Ledger): string[] {
    return [];
  }

  async apply(_manifests: readonly Manifest[]): Promise<ApplyResult> {
    throw new LabBuildError('not implemented yet');
  }

  async delete(_manifests: readonly Manifest[]): Promise<ApplyResult> {
    throw new LabBuildError('not implemented yet');
  }

  async restartFrr(_target: Target): Promise<void> {
    throw new LabBuildError('not implemented yet');
  }

  async sessionStates(): Promise<readonly SessionState[]> {
    return [];
  }

  async services(): Promise<readonly ServiceState[]> {
    return [];
  }
}
