// The real lab's bring-up and teardown as data: ordered steps, each a description, the exact
// argv, and the files it needs on disk. Pure: the same lab and options give the same plan, so
// tests read it and the dry-run prints it; only the executor (executor.ts) touches the host.
// The order follows upstream's lab scripts (OpenPERouter clab/ and Makefile): host bridges,
// containerlab (which creates the kind cluster through its k8s-kind node), kubeconfig, fabric
// addresses, images, then frr-k8s, MetalLB (frr-k8s external) and OpenPERouter.
import { stringify } from 'yaml';
import { clusterNodeSetupCommands, renderClabTopologyYaml, routerFiles, type ClabOptions } from '../../render/clab.ts';
import { renderFabricRouter, renderFrrDaemons } from '../../render/frr-fabric.ts';
import { hostSetupCommands } from '../../render/host-setup.ts';
import { renderKindConfig } from '../../render/kind-config.ts';
import type { Lab } from '../../lab/model.ts';
import { assertIfName, clabContainer, FRRK8S, kindNodeContainer, METALLB, OPENPEROUTER, workFiles, type LabRecord } from './names.ts';

export type Phase =
  | 'preflight'
  | 'files'
  | 'bridges'
  | 'containerlab'
  | 'kubeconfig'
  | 'fabric'
  | 'hosts'
  | 'images'
  | 'namespaces'
  | 'frr-k8s'
  | 'metallb'
  | 'openperouter'
  | 'teardown';

export interface FileWrite {
  readonly path: string;
  readonly content: string;
}

export interface Step {
  readonly phase: Phase;
  readonly description: string;
  /** The command; absent for a step that only writes files. */
  readonly argv?: readonly string[];
  /** Written (parent directories created) before argv runs. */
  readonly writes?: readonly FileWrite[];
  /** Skip the step when this probe exits 0: what it creates is there already. */
  readonly unless?: readonly string[];
  /** Run the step only when this probe exits 0: what it removes is there. */
  readonly onlyIf?: readonly string[];
  /** The command's stdout becomes this file (kind prints the kubeconfig). */
  readonly stdoutTo?: string;
  readonly timeoutMs?: number;
  /** What to tell the user when the step fails. */
  readonly hint?: string;
}

export interface ChartRef {
  readonly release: string;
  /** A chart name in `repo`, or a local chart directory when repo is absent. */
  readonly chart: string;
  readonly repo?: string;
  readonly version?: string;
  readonly namespace: string;
}

export type ChartName = 'frrk8s' | 'metallb' | 'openperouter';

/**
 * Pinned charts. MetalLB 0.15.3 ships frr-k8s 0.0.21 as its own dependency, so the external
 * frr-k8s is pinned to the same release. OpenPERouter: the lab's manifests use the
 * network.openperouter.io group (renamed upstream on 2026-07-16, PR #525); the chart must be a
 * release that serves it. The plan checks for those CRDs after the install and fails with that
 * hint otherwise; point `charts.openperouter` at a newer version or a local chart checkout.
 */
export const PINNED_CHARTS: Readonly<Record<ChartName, ChartRef>> = {
  frrk8s: { release: 'frr-k8s', chart: 'frr-k8s', repo: 'https://metallb.github.io/frr-k8s', version: '0.0.21', namespace: FRRK8S.namespace },
  metallb: { release: 'metallb', chart: 'metallb', repo: 'https://metallb.github.io/metallb', version: '0.15.3', namespace: METALLB.namespace },
  openperouter: {
    release: 'openperouter',
    chart: 'openperouter',
    repo: 'https://openperouter.github.io/openperouter',
    version: '0.0.5',
    namespace: OPENPEROUTER.namespace,
  },
};

/** CRDs each install must have established before anything is applied. */
export const CHART_CRDS: Readonly<Record<ChartName, readonly string[]>> = {
  frrk8s: ['frrconfigurations.frrk8s.metallb.io', 'bgpsessionstates.frrk8s.metallb.io'],
  metallb: ['ipaddresspools.metallb.io', 'bgpadvertisements.metallb.io', 'bgppeers.metallb.io'],
  openperouter: ['underlays.network.openperouter.io', 'l3vnis.network.openperouter.io', 'l3passthroughs.network.openperouter.io'],
};

/**
 * Images loaded into the kind nodes: the workload image of pelab's scenarios (upstream's demos
 * pull nginx on the host and `kind load` it the same way, to spare every node the pull).
 */
export const DEFAULT_CLUSTER_IMAGES: readonly string[] = ['nginx:1.27'];

export interface PlanOptions {
  /** Absolute work directory (.pelab/kind/<instance>). */
  readonly workDir: string;
  readonly routerImage?: string;
  readonly hostImage?: string;
  /** kindest/node image; kind's default when absent. */
  readonly nodeImage?: string;
  /** Pulled on the host and loaded into every kind node. */
  readonly images?: readonly string[];
  readonly charts?: Partial<Record<ChartName, Partial<ChartRef>>>;
  /**
   * frr-k8s refreshes BGPSessionStates every 2 min by default; checks read them, so the lab
   * lowers it (Helm frrk8s.frrStatus.pollInterval).
   */
  readonly sessionStatePollInterval?: string;
  /** kubectl/helm wait timeout, e.g. "300s". */
  readonly waitTimeout?: string;
}

export const DEFAULT_SESSION_STATE_POLL = '5s';
export const DEFAULT_WAIT_TIMEOUT = '300s';

const MINUTE = 60_000;

export function chartOf(name: ChartName, options: Pick<PlanOptions, 'charts'> = {}): ChartRef {
  const override = options.charts?.[name] ?? {};
  const merged = { ...PINNED_CHARTS[name], ...override };
  // A local chart path has no repo and no version: drop the pinned ones unless given again.
  if (override.chart !== undefined && override.repo === undefined) {
    const { repo: _repo, version: _version, ...local } = merged;
    return override.version !== undefined ? { ...local, version: override.version } : local;
  }
  return merged;
}

/** `--set` pairs per chart, in the order they are passed. */
export function chartValues(name: ChartName, options: Pick<PlanOptions, 'sessionStatePollInterval'> = {}): readonly (readonly [string, string])[] {
  switch (name) {
    case 'frrk8s':
      return [['frrk8s.frrStatus.pollInterval', options.sessionStatePollInterval ?? DEFAULT_SESSION_STATE_POLL]];
    case 'metallb':
      // MetalLB without its own FRR, driving the frr-k8s installed above (the OpenPERouter demos).
      return [
        ['frrk8s.enabled', 'false'],
        ['frrk8s.external', 'true'],
        ['frrk8s.namespace', FRRK8S.namespace],
        ['speaker.frr.enabled', 'false'],
        ['speaker.ignoreExcludeLB', 'true'],
      ];
    case 'openperouter':
      return [['openperouter.image.pullPolicy', 'IfNotPresent']];
  }
}

/** The namespaces the charts run in, labelled privileged as upstream's scripts do. */
export function namespacesManifest(): string {
  const docs = [FRRK8S.namespace, METALLB.namespace, OPENPEROUTER.namespace].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/audit': 'privileged',
        'pod-security.kubernetes.io/warn': 'privileged',
      },
    },
  }));
  return docs.map((d) => stringify(d)).join('---\n');
}

/** Every file the lab needs on disk: topology, kind config, per-router frr.conf and daemons. */
export function generatedFiles(lab: Lab, options: PlanOptions): FileWrite[] {
  const files = workFiles(options.workDir);
  const header = [`Generated by pelab (kind runtime) from ${lab.source}.`];
  const clab: ClabOptions = {
    ...(options.routerImage ? { routerImage: options.routerImage } : {}),
    ...(options.hostImage ? { hostImage: options.hostImage } : {}),
    kindConfigPath: 'kind.yaml',
  };
  const out: FileWrite[] = [{ path: files.topology, content: renderClabTopologyYaml(lab, clab, header) }];
  if (lab.cluster) {
    const kind = renderKindConfig(lab, options.nodeImage ? { nodeImage: options.nodeImage } : {});
    out.push({ path: files.kindConfig, content: `# ${header[0]}\n${stringify(kind)}` });
  }
  for (const r of lab.routers) {
    const rel = routerFiles(r.name);
    out.push({ path: `${options.workDir}/${rel.frrConf}`, content: renderFabricRouter(lab, r.name, { header }) });
    out.push({ path: `${options.workDir}/${rel.daemons}`, content: renderFrrDaemons(header) });
  }
  out.push({ path: files.namespaces, content: namespacesManifest() });
  const record: LabRecord = { lab: lab.source, name: lab.name };
  out.push({ path: files.labRecord, content: `${JSON.stringify(record)}\n` });
  return out;
}

/**
 * containerlab's `exec:` already ran these at deploy. They run again through docker exec so a
 * failure stops the bring-up (containerlab only logs exec errors) and so a second `up` over a
 * running lab is harmless: `replace` instead of `add`.
 */
function idempotent(argv: readonly string[]): string[] {
  return argv[0] === 'ip' && argv[1] === 'address' && argv[2] === 'add' ? ['ip', 'address', 'replace', ...argv.slice(3)] : [...argv];
}

export function kubectl(kubeconfig: string, ...args: string[]): string[] {
  return ['kubectl', '--kubeconfig', kubeconfig, ...args];
}

export function helmInstall(name: ChartName, kubeconfig: string, options: Pick<PlanOptions, 'charts' | 'sessionStatePollInterval'>, timeout = '10m'): string[] {
  const c = chartOf(name, options);
  return [
    'helm', 'upgrade', '--install', c.release, c.chart,
    ...(c.repo ? ['--repo', c.repo] : []),
    ...(c.version ? ['--version', c.version] : []),
    '--namespace', c.namespace, '--create-namespace',
    '--kubeconfig', kubeconfig,
    // helm waits for the release's DaemonSets and Deployments to roll out.
    '--wait', '--timeout', timeout,
    ...chartValues(name, options).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ];
}

const TOOLS: readonly (readonly [string, readonly string[], string])[] = [
  ['docker', ['docker', 'version', '--format', '{{.Server.Version}}'], 'install Docker and start its daemon (the kind runtime needs a Docker engine)'],
  ['containerlab', ['containerlab', 'version'], 'install containerlab: https://containerlab.dev/install/'],
  ['kind', ['kind', 'version'], 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation'],
  ['kubectl', ['kubectl', 'version', '--client'], 'install kubectl'],
  ['helm', ['helm', 'version', '--short'], 'install helm 3'],
];

export function planUp(lab: Lab, options: PlanOptions): Step[] {
  const cluster = lab.cluster;
  const files = workFiles(options.workDir);
  const kc = files.kubeconfig;
  const wait = options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
  const steps: Step[] = [];

  for (const [tool, argv, hint] of TOOLS) {
    if (!cluster && tool !== 'docker' && tool !== 'containerlab') continue;
    steps.push({ phase: 'preflight', description: `check that ${tool} is available`, argv, hint, timeoutMs: 30_000 });
  }

  steps.push({ phase: 'files', description: `write the generated topology, kind config and FRR configs to ${options.workDir}`, writes: generatedFiles(lab, options) });

  for (const s of lab.switches) {
    const br = assertIfName(s.name);
    steps.push({
      phase: 'bridges',
      description: `create host bridge ${br} (switch of ${s.tor})`,
      argv: ['ip', 'link', 'add', 'name', br, 'type', 'bridge'],
      unless: ['ip', 'link', 'show', 'dev', br],
      hint: 'host bridges need root',
    });
    steps.push({ phase: 'bridges', description: `bring host bridge ${br} up`, argv: ['ip', 'link', 'set', 'dev', br, 'up'] });
  }

  steps.push({
    phase: 'containerlab',
    description: cluster
      ? `deploy the fabric and the kind cluster ${cluster.name} with containerlab`
      : 'deploy the fabric with containerlab',
    argv: ['containerlab', 'deploy', '--reconfigure', '-t', files.topology],
    timeoutMs: 20 * MINUTE,
    hint: 'containerlab needs root; `containerlab deploy` output above says which node failed',
  });

  if (cluster) {
    steps.push({
      phase: 'kubeconfig',
      description: `write the kubeconfig of kind cluster ${cluster.name}`,
      argv: ['kind', 'get', 'kubeconfig', '--name', cluster.name],
      stdoutTo: kc,
    });
    steps.push({
      phase: 'kubeconfig',
      description: 'wait for every Kubernetes node to be Ready',
      argv: kubectl(kc, 'wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${wait}`),
      timeoutMs: 10 * MINUTE,
    });
    for (const n of cluster.nodes) {
      const container = kindNodeContainer(n.name);
      for (const a of n.attachments) {
        steps.push({
          phase: 'fabric',
          description: `bring ${n.name}:${a.interface} up`,
          argv: ['docker', 'exec', container, 'ip', 'link', 'set', 'dev', assertIfName(a.interface), 'up'],
        });
      }
      for (const cmd of clusterNodeSetupCommands(lab, n.name)) {
        steps.push({ phase: 'fabric', description: `fabric address on ${n.name}`, argv: ['docker', 'exec', container, ...idempotent(cmd)] });
      }
    }
  }

  for (const h of lab.hosts) {
    const container = clabContainer(lab, h.name);
    for (const cmd of hostSetupCommands(lab, h.name, { deleteExistingDefault: true })) {
      steps.push({ phase: 'hosts', description: `host setup of ${h.name}`, argv: ['docker', 'exec', container, ...idempotent(cmd)] });
    }
  }

  if (!cluster) return steps;

  for (const image of options.images ?? DEFAULT_CLUSTER_IMAGES) {
    steps.push({ phase: 'images', description: `pull ${image}`, argv: ['docker', 'pull', image], timeoutMs: 10 * MINUTE });
    steps.push({
      phase: 'images',
      description: `load ${image} into the kind nodes`,
      argv: ['kind', 'load', 'docker-image', image, '--name', cluster.name],
      timeoutMs: 10 * MINUTE,
    });
  }

  steps.push({
    phase: 'namespaces',
    description: 'create the frr-k8s, MetalLB and OpenPERouter namespaces (privileged pod security)',
    argv: kubectl(kc, 'apply', '--server-side', '-f', files.namespaces),
  });

  const install = (name: ChartName, phase: Phase, what: string) => {
    const c = chartOf(name, options);
    const where = c.repo ? `${c.chart} ${c.version ?? '(latest)'} from ${c.repo}` : `${c.chart} (local chart)`;
    steps.push({ phase, description: `install ${what}: helm chart ${where}`, argv: helmInstall(name, kc, options), timeoutMs: 15 * MINUTE });
    steps.push({
      phase,
      description: `wait for the ${what} CRDs to be established`,
      argv: kubectl(kc, 'wait', '--for=condition=established', `--timeout=${wait}`, ...CHART_CRDS[name].map((c) => `crd/${c}`)),
      timeoutMs: 10 * MINUTE,
      hint:
        name === 'openperouter'
          ? 'the installed OpenPERouter chart does not serve network.openperouter.io; use a chart released after the API group rename (charts.openperouter)'
          : `the ${what} chart did not install its CRDs`,
    });
    steps.push({
      phase,
      description: `wait for the ${what} pods to be Ready`,
      argv: kubectl(kc, 'wait', '--for=condition=Ready', 'pods', '--all', '-n', c.namespace, `--timeout=${wait}`),
      timeoutMs: 10 * MINUTE,
    });
  };
  install('frrk8s', 'frr-k8s', 'frr-k8s');
  install('metallb', 'metallb', 'MetalLB');
  install('openperouter', 'openperouter', 'OpenPERouter');
  return steps;
}

export function planDown(lab: Lab, options: PlanOptions): Step[] {
  const files = workFiles(options.workDir);
  const steps: Step[] = [
    // containerlab destroy reads the topology to find every node, the kind cluster included.
    { phase: 'teardown', description: 'write the topology containerlab destroys from', writes: generatedFiles(lab, options) },
    {
      phase: 'teardown',
      description: 'destroy the containerlab fabric (and its lab directory)',
      argv: ['containerlab', 'destroy', '--cleanup', '-t', files.topology],
      timeoutMs: 10 * MINUTE,
    },
  ];
  if (lab.cluster) {
    steps.push({
      phase: 'teardown',
      description: `delete kind cluster ${lab.cluster.name}`,
      argv: ['kind', 'delete', 'cluster', '--name', lab.cluster.name],
      timeoutMs: 5 * MINUTE,
    });
  }
  for (const s of lab.switches) {
    const br = assertIfName(s.name);
    steps.push({ phase: 'teardown', description: `delete host bridge ${br}`, argv: ['ip', 'link', 'del', 'dev', br], onlyIf: ['ip', 'link', 'show', 'dev', br] });
  }
  steps.push({ phase: 'teardown', description: `remove the work directory ${options.workDir}`, argv: ['rm', '-rf', '--', options.workDir] });
  return steps;
}
