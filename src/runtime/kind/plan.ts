// The real lab's bring-up and teardown as data: ordered steps, each a description, the exact
// argv, and the files it needs on disk. Pure: the same lab and options give the same plan, so
// tests read it and the dry-run prints it; only the executor (executor.ts) touches the host.
// The order follows upstream's lab scripts (OpenPERouter clab/ and Makefile): host bridges,
// containerlab (which creates the kind cluster through its k8s-kind node), kubeconfig, fabric
// addresses, images, then frr-k8s, MetalLB (frr-k8s external) and OpenPERouter.
import { stringify } from 'yaml';
import { clusterNodeSetupCommands, renderClabTopologyYaml, routerFiles, type ClabOptions } from '../../render/clab.ts';
import { renderFabricRouter, renderFrrDaemons, routerNeedsBfdd, type FabricRouterOptions } from '../../render/frr-fabric.ts';
import { hostSetupCommands } from '../../render/host-setup.ts';
import { renderKindConfig, type KindConfigOptions } from '../../render/kind-config.ts';
import type { Lab } from '../../lab/model.ts';
import { PINNED, splitImage, type Artifacts, type ChartName, type ChartSource } from './artifacts.ts';
import type { DockerCall } from './docker-call.ts';
import { assertIfName, assertK8sName, clabContainer, FRRK8S, kindNodeContainer, METALLB, OPENPEROUTER, workFiles, type LabRecord } from './names.ts';
import { METALLB_IGNORE_EXCLUDE_LB } from '../../k8s/l2-election.ts';
import { NODE_NETWORK_CIDR, NODE_NETWORK_GATEWAY } from '../../lab/node-network.ts';

/**
 * kind's node network as kind itself creates it (kind 0.27 network.go: bridge, IP masquerade, the
 * IPv6 ULA subnet derived from the name), plus the IPv4 subnet the lab model assumes, configured:
 * kind reuses a network of that name.
 */
const KIND_NETWORK = {
  name: 'kind',
  ipv6Subnet: 'fc00:f853:ccd:e793::/64',
  options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
} as const;


export type Phase =
  | 'preflight'
  | 'files'
  | 'bridges'
  | 'containerlab'
  | 'kubeconfig'
  | 'fabric'
  | 'hosts'
  | 'l2-clients'
  | 'images'
  | 'charts'
  | 'namespaces'
  | 'node-labels'
  | 'node-index'
  | 'frr-k8s'
  | 'metallb'
  | 'openperouter'
  | 'teardown';

interface FileWrite {
  readonly path: string;
  readonly content: string;
}

export interface Step {
  readonly phase: Phase;
  readonly description: string;
  /** The command (a CLI tool: kind, containerlab, helm, kubectl, git, ip); absent for a Docker call or a step that only writes files. */
  readonly argv?: readonly string[];
  /** A call to the Docker engine (through dockerode), instead of argv. */
  readonly docker?: DockerCall;
  /** A long step (pulls, loads, cluster creation, chart installs): its progress is reported (UpOptions.onProgress). */
  readonly long?: boolean;
  /** Written (parent directories created) before argv runs. */
  readonly writes?: readonly FileWrite[];
  /** Skip the step when this probe exits 0: what it creates is there already. */
  readonly unless?: readonly string[];
  /** Run the step only when this probe exits 0: what it removes is there. */
  readonly onlyIf?: readonly string[];
  /** Run the step only when this probe exits 0 and prints nothing (e.g. a bridge without ports). */
  readonly onlyIfSilent?: readonly string[];
  /** Added to the command's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The command's stdout becomes this file (kind prints the kubeconfig). */
  readonly stdoutTo?: string;
  readonly timeoutMs?: number;
  /** What to tell the user when the step fails. */
  readonly hint?: string;
}

/** CRDs each install must have established before anything is applied. */
export const CHART_CRDS: Readonly<Record<ChartName, readonly string[]>> = {
  frrk8s: ['frrconfigurations.frrk8s.metallb.io', 'bgpsessionstates.frrk8s.metallb.io'],
  metallb: ['ipaddresspools.metallb.io', 'bgpadvertisements.metallb.io', 'bgppeers.metallb.io'],
  openperouter: ['underlays.network.openperouter.io', 'l3vnis.network.openperouter.io', 'l3passthroughs.network.openperouter.io'],
};

/**
 * Fabric routers as upstream's lab configures them (clab/frr.conf.template, leafkind.conf.template):
 * `timers bgp 3 9`, `timers connect 5`, and no allowas-in on the leaves that share AS 64520.
 */
export const KIND_FABRIC_OPTIONS: FabricRouterOptions = {
  defaultTimers: { keepalive: 3, hold: 9, connect: 5 },
  allowasInSharedAs: false,
};

/** OpenPERouter's node index annotation: the nodemarker keeps a valid one (nodes_allocation.go). */
export const NODE_INDEX_ANNOTATION = 'openpe.io/nodeindex';

export interface PlanOptions {
  /** Absolute work directory (.pelab/kind/<instance>). */
  readonly workDir: string;
  /** Charts and images; the pinned table (artifacts.ts) when absent. */
  readonly artifacts?: Artifacts;
  /** `linux/<arch>` images are pulled for; the host's when absent. */
  readonly platform?: string;
  /**
   * frr-k8s refreshes BGPSessionStates every 2 min by default; checks read them, so the lab
   * lowers it (Helm frrk8s.frrStatus.pollInterval).
   */
  readonly sessionStatePollInterval?: string;
  /** kubectl/helm wait timeout, e.g. "300s". */
  readonly waitTimeout?: string;
}

const DEFAULT_SESSION_STATE_POLL = '5s';
const DEFAULT_WAIT_TIMEOUT = '300s';

const MINUTE = 60_000;

/** The host's platform as docker names it. */
function hostPlatform(arch: string = process.arch): string {
  return `linux/${arch === 'x64' ? 'amd64' : arch}`;
}

/** Where a chart from git is checked out inside the work directory. */
function chartCheckoutDir(workDir: string, name: ChartName): string {
  return `${workDir}/charts/${name}`;
}

/** The `helm upgrade --install` chart argument and its source flags. */
function chartArgs(name: ChartName, source: ChartSource, workDir: string): string[] {
  switch (source.type) {
    case 'repo':
      return [source.chart, '--repo', source.repo, '--version', source.version];
    case 'git':
      return [`${chartCheckoutDir(workDir, name)}/${source.path}`];
    case 'local':
      return [source.path];
  }
}

/**
 * `--set` pairs per chart, in the order they are passed. Every image the chart runs is set from the
 * artifact table, so the table is what runs (test/kind/chart-values.test.ts checks each key
 * against the chart's values schema).
 */
export function chartValues(name: ChartName, options: Pick<PlanOptions, 'sessionStatePollInterval' | 'artifacts'> = {}): readonly (readonly [string, string])[] {
  const images = (options.artifacts ?? PINNED).images;
  const image = (prefix: string, ref: string): [string, string][] => {
    const { repository, tag } = splitImage(ref);
    return [[`${prefix}.repository`, repository], [`${prefix}.tag`, tag]];
  };
  switch (name) {
    case 'frrk8s':
      return [
        ...image('frrk8s.image', images.frrk8s.ref),
        ...image('frrk8s.frr.image', images.frrk8sFrr.ref),
        ['frrk8s.frrStatus.pollInterval', options.sessionStatePollInterval ?? DEFAULT_SESSION_STATE_POLL],
      ];
    case 'metallb':
      // MetalLB without its own FRR, driving the frr-k8s installed above (the OpenPERouter demos).
      return [
        ...image('controller.image', images.metallbController.ref),
        ...image('speaker.image', images.metallbSpeaker.ref),
        ['frrk8s.enabled', 'false'],
        ['frrk8s.external', 'true'],
        ['frrk8s.namespace', FRRK8S.namespace],
        ['speaker.frr.enabled', 'false'],
        ['speaker.ignoreExcludeLB', String(METALLB_IGNORE_EXCLUDE_LB)],
      ];
    case 'openperouter':
      // The chart's default tag is its appVersion, v0.0.0 on main: always set the tag.
      return [...image('openperouter.image', images.router.ref), ['openperouter.image.pullPolicy', 'IfNotPresent']];
  }
}

/** The namespaces the charts run in, labelled privileged as upstream's scripts do. */
function namespacesManifest(): string {
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

/** Images the fabric topology and the kind config use, from the artifact table. */
function renderImages(artifacts: Artifacts = PINNED): { clab: ClabOptions; kind: KindConfigOptions } {
  return {
    clab: { routerImage: artifacts.images.fabric.ref, hostImage: artifacts.images.host.ref },
    kind: { nodeImage: artifacts.images.node.ref },
  };
}

/** Every file the lab needs on disk: topology, kind config, per-router frr.conf and daemons. */
function generatedFiles(lab: Lab, options: PlanOptions): FileWrite[] {
  const files = workFiles(options.workDir);
  const header = [`Generated by pelab (kind runtime) from ${lab.source}.`];
  const images = renderImages(options.artifacts);
  const out: FileWrite[] = [{ path: files.topology, content: renderClabTopologyYaml(lab, { ...images.clab, kindConfigPath: 'kind.yaml' }, header) }];
  if (lab.cluster) {
    out.push({ path: files.kindConfig, content: `# ${header[0]}\n${stringify(renderKindConfig(lab, images.kind))}` });
  }
  for (const r of lab.routers) {
    const rel = routerFiles(r.name);
    out.push({ path: `${options.workDir}/${rel.frrConf}`, content: renderFabricRouter(lab, r.name, { ...KIND_FABRIC_OPTIONS, header }) });
    out.push({ path: `${options.workDir}/${rel.daemons}`, content: renderFrrDaemons(header, { bfdd: routerNeedsBfdd(r) }) });
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

/**
 * kind (also inside containerlab's k8s-kind node) adds and removes its cluster's context in the
 * kubeconfig $KUBECONFIG names, else the user's ~/.kube/config: point it at the lab's own file.
 */
function kindKubeconfigEnv(kubeconfig: string): Record<string, string> {
  return { KUBECONFIG: kubeconfig };
}

export function kubectl(kubeconfig: string, ...args: string[]): string[] {
  return ['kubectl', '--kubeconfig', kubeconfig, ...args];
}

export function helmInstall(name: ChartName, kubeconfig: string, options: Pick<PlanOptions, 'artifacts' | 'sessionStatePollInterval' | 'workDir'>, timeout = '10m'): string[] {
  const c = (options.artifacts ?? PINNED).charts[name];
  return [
    'helm', 'upgrade', '--install', c.release, ...chartArgs(name, c.source, options.workDir),
    '--namespace', c.namespace, '--create-namespace',
    '--kubeconfig', kubeconfig,
    // helm waits for the release's DaemonSets and Deployments to roll out.
    '--wait', '--timeout', timeout,
    ...chartValues(name, options).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ];
}

/** Fetches one commit of a chart's repository (GitHub serves any reachable commit by id). */
function chartFetchSteps(name: ChartName, source: Extract<ChartSource, { type: 'git' }>, workDir: string): Step[] {
  const dir = chartCheckoutDir(workDir, name);
  const have = ['git', '-C', dir, 'cat-file', '-e', `${source.commit}^{commit}`];
  return [
    { phase: 'charts', description: `create the git checkout for the ${name} chart`, argv: ['git', 'init', '--quiet', dir], unless: ['git', '-C', dir, 'rev-parse', '--git-dir'] },
    {
      phase: 'charts',
      description: `fetch ${source.url} at ${source.commit}`,
      argv: ['git', '-C', dir, 'fetch', '--quiet', '--depth', '1', source.url, source.commit],
      unless: have,
      timeoutMs: 5 * MINUTE,
      hint: 'the chart comes from an upstream commit (no released chart serves network.openperouter.io); override it with --artifact chart.openperouter=<commit or ./chart-dir>',
    },
    { phase: 'charts', description: `check out ${source.commit}`, argv: ['git', '-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', source.commit] },
  ];
}

/**
 * Images preloaded into every kind node. `docker save` + `kind load image-archive`, as upstream's
 * lab does (clab/common.sh): `kind load docker-image` fails on Docker's containerd image store,
 * the default from Engine 29 (kubernetes-sigs/kind#3795).
 */
function imageLoadSteps(artifacts: Artifacts, workDir: string, cluster: string, platform: string): Step[] {
  const steps: Step[] = [];
  for (const [name, image] of Object.entries(artifacts.images)) {
    if (!image.preload) continue;
    const archive = `${workDir}/${name}.image.tar`;
    steps.push(
      { phase: 'images', description: `pull ${image.ref} (${platform})`, docker: { op: 'pull', ref: image.ref, platform }, timeoutMs: 10 * MINUTE, long: true },
      { phase: 'images', description: `save ${image.ref} to ${archive}`, docker: { op: 'save', ref: image.ref, platform, path: archive }, timeoutMs: 10 * MINUTE, long: true },
      { phase: 'images', description: `load ${image.ref} into the kind nodes`, argv: ['kind', 'load', 'image-archive', archive, '--name', cluster], timeoutMs: 10 * MINUTE, long: true },
    );
  }
  return steps;
}

/**
 * `kubectl label node`: a value sets a key, null removes it. kind's own config cannot carry the
 * lab's labels: kubelet refuses `--node-labels` under kubernetes.io (node-role.kubernetes.io/...),
 * so they go on through the API once the nodes exist, before MetalLB and frr-k8s start.
 */
export function kubectlLabelArgv(kubeconfig: string, node: string, changes: Readonly<Record<string, string | null>>): string[] {
  const args = Object.entries(changes).map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`));
  return kubectl(kubeconfig, 'label', '--overwrite', 'node', assertK8sName(node), ...args);
}

function nodeLabelSteps(lab: Lab, kubeconfig: string): Step[] {
  return (lab.cluster?.nodes ?? [])
    .filter((n) => Object.keys(n.labels ?? {}).length > 0)
    .map((n) => ({
      phase: 'node-labels' as const,
      description: `label ${n.name} as the lab says (${Object.keys(n.labels ?? {}).join(', ')})`,
      argv: kubectlLabelArgv(kubeconfig, n.name, n.labels ?? {}),
    }));
}

/**
 * Pins OpenPERouter's node indices to the lab's order before the nodemarker runs: it keeps every
 * valid, unique annotation (nodes_allocation.go) and would otherwise number nodes in its cache's
 * order. The runtime reads them back after the install (nodeIndexMismatches).
 */
function nodeIndexSteps(lab: Lab, kubeconfig: string): Step[] {
  return (lab.cluster?.nodes ?? []).map((n) => ({
    phase: 'node-index' as const,
    description: `pin the OpenPERouter node index of ${n.name} to ${n.index}`,
    argv: kubectl(kubeconfig, 'annotate', '--overwrite', 'node', assertK8sName(n.name), `${NODE_INDEX_ANNOTATION}=${n.index}`),
  }));
}

const TOOLS: readonly (readonly [string, readonly string[], string])[] = [
  ['containerlab', ['containerlab', 'version'], 'install containerlab: https://containerlab.dev/install/'],
  ['kind', ['kind', 'version'], 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation'],
  ['kubectl', ['kubectl', 'version', '--client'], 'install kubectl'],
  ['helm', ['helm', 'version', '--short'], 'install helm 3'],
  ['git', ['git', 'version'], 'install git (the OpenPERouter chart is fetched by commit)'],
];

export function planUp(lab: Lab, options: PlanOptions): Step[] {
  const cluster = lab.cluster;
  const files = workFiles(options.workDir);
  const kc = files.kubeconfig;
  const wait = options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
  const artifacts = options.artifacts ?? PINNED;
  const steps: Step[] = [];

  steps.push({
    phase: 'preflight',
    description: 'check that docker is available (its engine answers)',
    docker: { op: 'version' },
    hint: 'install Docker and start its daemon (the kind runtime needs a Docker engine; DOCKER_HOST is honoured)',
    timeoutMs: 30_000,
  });
  for (const [tool, argv, hint] of TOOLS) {
    if (!cluster && tool !== 'containerlab') continue;
    if (tool === 'git' && !Object.values(artifacts.charts).some((c) => c.source.type === 'git')) continue;
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

  if (cluster && cluster.l2Clients.length > 0) {
    steps.push({
      phase: 'l2-clients',
      description: `create docker network ${KIND_NETWORK.name} with ${NODE_NETWORK_CIDR} configured (kind then uses it), unless it exists`,
      docker: { op: 'network', ...KIND_NETWORK, ipv4Subnet: NODE_NETWORK_CIDR, ipv4Gateway: NODE_NETWORK_GATEWAY },
      hint: `a client's fixed address needs ${KIND_NETWORK.name}'s IPv4 subnet configured; a ${KIND_NETWORK.name} network kind created itself has none: delete its other kind clusters, \`docker network rm ${KIND_NETWORK.name}\`, and bring the lab up again`,
    });
  }

  steps.push({
    phase: 'containerlab',
    description: cluster
      ? `deploy the fabric and the kind cluster ${cluster.name} with containerlab`
      : 'deploy the fabric with containerlab',
    argv: ['containerlab', 'deploy', '--reconfigure', '-t', files.topology],
    env: kindKubeconfigEnv(files.kubeconfig),
    timeoutMs: 20 * MINUTE,
    long: true,
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
          docker: { op: 'exec', container, argv: ['ip', 'link', 'set', 'dev', assertIfName(a.interface), 'up'] },
        });
      }
      for (const cmd of clusterNodeSetupCommands(lab, n.name)) {
        steps.push({ phase: 'fabric', description: `fabric address on ${n.name}`, docker: { op: 'exec', container, argv: idempotent(cmd) } });
      }
    }
  }

  for (const h of lab.hosts) {
    const container = clabContainer(lab, h.name);
    for (const cmd of hostSetupCommands(lab, h.name, { deleteExistingDefault: true })) {
      steps.push({ phase: 'hosts', description: `host setup of ${h.name}`, docker: { op: 'exec', container, argv: idempotent(cmd) } });
    }
  }

  if (!cluster) return steps;

  if (cluster.l2Clients.length > 0) {
    const image = artifacts.images.client.ref;
    steps.push({ phase: 'l2-clients', description: `pull ${image} (L2 clients)`, docker: { op: 'pull', ref: image, platform: options.platform ?? hostPlatform() }, long: true, timeoutMs: 10 * MINUTE });
    for (const c of cluster.l2Clients) {
      steps.push({
        phase: 'l2-clients',
        description: `start L2 client ${c.name} on docker network ${KIND_NETWORK.name} at ${c.address.ip}`,
        // Named as the fabric hosts are, so checks reach it through the same docker exec (exec.ts).
        docker: { op: 'run', name: clabContainer(lab, c.name), image, network: KIND_NETWORK.name, ipv4Address: c.address.ip, argv: ['sleep', 'infinity'] },
        hint: `docker refuses a fixed address on a network whose IPv4 subnet it chose itself: \`docker network rm ${KIND_NETWORK.name}\` once no kind cluster uses it, then bring the lab up again`,
      });
    }
  }

  steps.push(...imageLoadSteps(artifacts, options.workDir, cluster.name, options.platform ?? hostPlatform()));
  for (const [name, chart] of Object.entries(artifacts.charts) as [ChartName, Artifacts['charts'][ChartName]][]) {
    if (chart.source.type === 'git') steps.push(...chartFetchSteps(name, chart.source, options.workDir));
  }

  steps.push({
    phase: 'namespaces',
    description: 'create the frr-k8s, MetalLB and OpenPERouter namespaces (privileged pod security)',
    argv: kubectl(kc, 'apply', '--server-side', '-f', files.namespaces),
  });

  steps.push(...nodeLabelSteps(lab, kc));

  const install = (name: ChartName, phase: Phase, what: string) => {
    const c = artifacts.charts[name];
    const src = c.source;
    const where = src.type === 'repo' ? `${src.chart} ${src.version} from ${src.repo}` : src.type === 'git' ? `${src.path} of ${src.url} at ${src.commit.slice(0, 12)}` : `${src.path} (local chart)`;
    steps.push({ phase, description: `install ${what}: helm chart ${where}`, argv: helmInstall(name, kc, options), timeoutMs: 15 * MINUTE, long: true });
    steps.push({
      phase,
      description: `wait for the ${what} CRDs to be established`,
      argv: kubectl(kc, 'wait', '--for=condition=established', `--timeout=${wait}`, ...CHART_CRDS[name].map((c) => `crd/${c}`)),
      timeoutMs: 10 * MINUTE,
      hint:
        name === 'openperouter'
          ? 'the installed OpenPERouter chart does not serve network.openperouter.io; pick a chart that does with --artifact chart.openperouter=<commit or ./chart-dir>'
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
  steps.push(...nodeIndexSteps(lab, kc));
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
      env: kindKubeconfigEnv(files.kubeconfig),
      timeoutMs: 10 * MINUTE,
    },
  ];
  for (const c of lab.cluster?.l2Clients ?? []) {
    // Not part of the containerlab topology, so containerlab destroy leaves it.
    steps.push({ phase: 'teardown', description: `remove L2 client ${c.name}`, docker: { op: 'remove', container: clabContainer(lab, c.name) } });
  }
  if (lab.cluster) {
    steps.push({
      phase: 'teardown',
      description: `delete kind cluster ${lab.cluster.name}`,
      argv: ['kind', 'delete', 'cluster', '--name', lab.cluster.name],
      env: kindKubeconfigEnv(files.kubeconfig),
      timeoutMs: 5 * MINUTE,
    });
  }
  for (const s of lab.switches) {
    const br = assertIfName(s.name);
    // Only when it exists and nothing else is plugged in: containerlab destroy has removed this
    // lab's ports; a port left belongs to another lab on the same bridge name (upstream's uses it too).
    steps.push({ phase: 'teardown', description: `delete host bridge ${br}`, argv: ['ip', 'link', 'del', 'dev', br], onlyIfSilent: ['ip', 'link', 'show', 'master', br] });
  }
  steps.push({ phase: 'teardown', description: `remove the work directory ${options.workDir}`, argv: ['rm', '-rf', '--', options.workDir] });
  return steps;
}
