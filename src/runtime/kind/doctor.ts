// `pelab doctor`: what a kind bring-up would trip over, found before anything is created. Tool
// versions against the artifact table's minimums, the Docker engine and its image store, whether
// every pinned image and chart exists where it will be pulled from (asked of the registry, nothing
// is pulled), names the lab would take that are in use, and fixed host ports. Probes are the only
// side effects and sit behind DoctorProbes; evaluating their answers is pure.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { run, type RunResult } from '../../proc/run.ts';
import type { Lab } from '../../lab/model.ts';
import { clabLabName } from '../../render/clab.ts';
import { renderKindConfig, type KindCluster } from '../../render/kind-config.ts';
import type { Artifacts, ChartName, ImageName, ToolName } from './artifacts.ts';

type DoctorStatus = 'ok' | 'warn' | 'fail';

interface DoctorCheck {
  readonly area: 'tools' | 'docker' | 'images' | 'charts' | 'names' | 'ports';
  readonly name: string;
  readonly status: DoctorStatus;
  readonly detail: string;
}

/** What doctor asks the Docker engine (dockerode in production, a recorded engine in tests). */
interface DockerProbe {
  version(): Promise<{ readonly Version?: string }>;
  info(): Promise<{ readonly Driver?: string; readonly DriverStatus?: readonly (readonly string[])[]; readonly Architecture?: string }>;
  /** The registry's manifest of an image, via the engine (GET /distribution/{name}/json): no pull. */
  distribution(ref: string): Promise<{ readonly Descriptor?: { readonly digest?: string }; readonly Platforms?: readonly { readonly architecture?: string; readonly os?: string }[] }>;
  containerNames(): Promise<string[]>;
}

export interface DoctorProbes {
  readonly command: (argv: readonly string[]) => Promise<RunResult>;
  readonly docker: DockerProbe;
  readonly portFree: (port: number) => Promise<boolean>;
  readonly fileExists: (path: string) => boolean;
}

export function dockerodeProbe(docker: Docker = new Docker()): DockerProbe {
  return {
    version: () => docker.version(),
    info: () => docker.info() as Promise<{ Driver?: string; DriverStatus?: string[][]; Architecture?: string }>,
    distribution: (ref) => docker.getImage(ref).distribution(),
    async containerNames() {
      const list = await docker.listContainers({ all: true });
      return list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
    },
  };
}

/** True when nothing listens on 127.0.0.1:port (a listen attempt, closed at once). */
export function portFreeOnLoopback(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}

export function realProbes(): DoctorProbes {
  return {
    command: (argv) => run(argv, { allowFailure: true, timeoutMs: 30_000 }),
    docker: dockerodeProbe(),
    portFree: portFreeOnLoopback,
    fileExists: existsSync,
  };
}

/** How each tool reports its version, and where the number is in that output. */
export const VERSION_COMMANDS: Readonly<Record<Exclude<ToolName, 'docker'>, readonly string[]>> = {
  kind: ['kind', 'version'],
  containerlab: ['containerlab', 'version'],
  kubectl: ['kubectl', 'version', '--client', '--output', 'json'],
  helm: ['helm', 'version', '--short'],
  git: ['git', 'version'],
};

/** The version number in a tool's version output, without a leading v; undefined when absent. */
export function parseToolVersion(tool: ToolName, stdout: string): string | undefined {
  const number = (re: RegExp) => re.exec(stdout)?.[1];
  switch (tool) {
    case 'kubectl': {
      try {
        const v = (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
        return v === undefined ? undefined : /^v?(\d+\.\d+\.\d+)/.exec(v)?.[1];
      } catch {
        return undefined;
      }
    }
    case 'containerlab':
      return number(/^\s*version:\s*v?(\d+\.\d+\.\d+)/m);
    case 'kind':
      return number(/^kind v(\d+\.\d+\.\d+)/m);
    case 'helm':
      return number(/^v(\d+\.\d+\.\d+)/m);
    case 'git':
      return number(/^git version (\d+\.\d+\.\d+)/m);
    case 'docker':
      return number(/^v?(\d+\.\d+\.\d+)/);
  }
}

/** Numeric comparison of dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function toolCheck(tool: ToolName, minimum: string, result: RunResult | undefined, hint: string): DoctorCheck {
  if (!result || result.exitCode !== 0) {
    const why = result ? (result.stderr.trim() || result.stdout.trim() || `not on PATH, or exit ${result.exitCode} without output`).split('\n')[0] : 'not run';
    return { area: 'tools', name: tool, status: 'fail', detail: `not usable (${why}); ${hint}` };
  }
  const version = parseToolVersion(tool, result.stdout);
  if (!version) return { area: 'tools', name: tool, status: 'warn', detail: `version not recognised in ${JSON.stringify(result.stdout.trim().slice(0, 80))}; need >= ${minimum}` };
  return compareVersions(version, minimum) >= 0
    ? { area: 'tools', name: tool, status: 'ok', detail: `${version} (>= ${minimum})` }
    : { area: 'tools', name: tool, status: 'fail', detail: `${version} is older than ${minimum}; ${hint}` };
}

const INSTALL_HINTS: Readonly<Record<ToolName, string>> = {
  docker: 'install Docker Engine and start it: https://docs.docker.com/engine/install/',
  kind: 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  containerlab: 'install containerlab: https://containerlab.dev/install/',
  kubectl: 'install kubectl: https://kubernetes.io/docs/tasks/tools/',
  helm: 'install helm 3: https://helm.sh/docs/intro/install/',
  git: 'install git',
};

/** The image store from GET /info: containerd's snapshotters report driver-type io.containerd.snapshotter.v1. */
function imageStoreCheck(info: { Driver?: string; DriverStatus?: readonly (readonly string[])[] }): DoctorCheck {
  const containerd = (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v === 'io.containerd.snapshotter.v1');
  return {
    area: 'docker',
    name: 'image store',
    status: 'ok',
    detail: containerd
      ? `containerd image store (${info.Driver ?? '?'}): \`kind load docker-image\` fails here (kubernetes-sigs/kind#3795); pelab loads image archives, which work`
      : `classic image store (${info.Driver ?? '?'})`,
  };
}

function dockerArch(nodeArch: string): string {
  return nodeArch === 'x64' ? 'amd64' : nodeArch;
}

function imageCheck(name: ImageName, ref: string, answer: Awaited<ReturnType<DockerProbe['distribution']>> | Error, arch: string): DoctorCheck {
  if (answer instanceof Error) return { area: 'images', name, status: 'fail', detail: `${ref}: not found or not accessible at its registry (${answer.message.split('\n')[0]})` };
  const platforms = answer.Platforms ?? [];
  const digest = answer.Descriptor?.digest ?? 'no digest';
  if (platforms.length > 0 && !platforms.some((p) => p.os === 'linux' && p.architecture === arch)) {
    return { area: 'images', name, status: 'fail', detail: `${ref} (${digest}) has no linux/${arch} image (has ${platforms.map((p) => `${p.os}/${p.architecture}`).join(', ')})` };
  }
  return { area: 'images', name, status: 'ok', detail: `${ref} (${digest})` };
}

/** Host ports a kind config binds: the API server port when fixed, and extraPortMappings. */
export function hostPortsOf(config: { readonly networking: object; readonly nodes: readonly object[] }): number[] {
  const api = (config.networking as { apiServerPort?: unknown }).apiServerPort;
  const mapped = config.nodes.flatMap((n) => ((n as { extraPortMappings?: { hostPort?: unknown }[] }).extraPortMappings ?? []).map((m) => m.hostPort));
  return [api, ...mapped].filter((p): p is number => typeof p === 'number' && p > 0);
}

async function attempt<T>(fn: () => Promise<T>): Promise<T | Error> {
  try {
    return await fn();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

interface DoctorOptions {
  readonly artifacts: Artifacts;
  readonly lab?: Lab;
  /** Node's process.arch of the host. */
  readonly arch?: string;
  readonly repoRoot?: string;
}

export async function runDoctor(probes: DoctorProbes, options: DoctorOptions): Promise<DoctorCheck[]> {
  const { artifacts, lab } = options;
  const arch = dockerArch(options.arch ?? process.arch);
  const checks: DoctorCheck[] = [];

  // Docker engine first: without it nothing else about images can be asked.
  const version = await attempt(() => probes.docker.version());
  const dockerMin = artifacts.tools.docker.minimum;
  if (version instanceof Error) {
    checks.push({ area: 'tools', name: 'docker', status: 'fail', detail: `no Docker engine answers (${version.message.split('\n')[0]}); ${INSTALL_HINTS.docker}` });
  } else {
    checks.push(toolCheck('docker', dockerMin, { exitCode: 0, stdout: version.Version ?? '', stderr: '', ms: 0 }, INSTALL_HINTS.docker));
    const info = await attempt(() => probes.docker.info());
    if (info instanceof Error) checks.push({ area: 'docker', name: 'image store', status: 'fail', detail: `GET /info failed: ${info.message}` });
    else checks.push(imageStoreCheck(info));
  }

  const tools = await Promise.all(
    (Object.entries(VERSION_COMMANDS) as [Exclude<ToolName, 'docker'>, readonly string[]][]).map(async ([tool, argv]) => {
      const r = await attempt(() => probes.command(argv));
      return toolCheck(tool, artifacts.tools[tool].minimum, r instanceof Error ? { exitCode: 127, stdout: '', stderr: r.message, ms: 0 } : r, INSTALL_HINTS[tool]);
    }),
  );
  checks.push(...tools);

  if (!(version instanceof Error)) {
    const images = await Promise.all(
      (Object.entries(artifacts.images) as [ImageName, { ref: string }][]).map(async ([name, image]) =>
        imageCheck(name, image.ref, await attempt(() => probes.docker.distribution(image.ref)), arch),
      ),
    );
    checks.push(...images);
  } else {
    checks.push({ area: 'images', name: 'all', status: 'fail', detail: 'not checked: no Docker engine to ask the registries' });
  }

  for (const [name, chart] of Object.entries(artifacts.charts) as [ChartName, Artifacts['charts'][ChartName]][]) {
    const s = chart.source;
    if (s.type === 'local') {
      const file = resolve(options.repoRoot ?? process.cwd(), s.path, 'Chart.yaml');
      checks.push({ area: 'charts', name, status: probes.fileExists(file) ? 'ok' : 'fail', detail: probes.fileExists(file) ? `local chart ${s.path}` : `no ${file}` });
      continue;
    }
    const argv = s.type === 'repo' ? ['helm', 'show', 'chart', s.chart, '--repo', s.repo, '--version', s.version] : ['git', 'ls-remote', '--exit-code', s.url, 'HEAD'];
    const r = await attempt(() => probes.command(argv));
    const okay = !(r instanceof Error) && r.exitCode === 0;
    const what = s.type === 'repo' ? `${s.chart} ${s.version} in ${s.repo}` : `${s.url} (commit ${s.commit.slice(0, 12)} is fetched at up)`;
    const why = r instanceof Error ? r.message : (r.stderr.trim() || r.stdout.trim() || `${argv[0]} not on PATH, or exit ${r.exitCode} without output`).split('\n')[0];
    checks.push({ area: 'charts', name, status: okay ? 'ok' : 'fail', detail: okay ? what : `${what}: not reachable (${why})` });
  }

  if (lab) checks.push(...(await nameChecks(probes, lab, version instanceof Error)));
  return checks;
}

async function nameChecks(probes: DoctorProbes, lab: Lab, noDocker: boolean): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const cluster = lab.cluster;
  if (cluster) {
    const r = await attempt(() => probes.command(['kind', 'get', 'clusters']));
    const listed = !(r instanceof Error) && r.exitCode === 0;
    const taken = listed && r.stdout.split('\n').map((l) => l.trim()).includes(cluster.name);
    checks.push({
      area: 'names',
      name: `kind cluster ${cluster.name}`,
      status: taken || !listed ? 'warn' : 'ok',
      detail: !listed
        ? 'not checked: `kind get clusters` failed'
        : taken ? `exists already: containerlab recreates it (remove it with: kind delete cluster --name ${cluster.name})` : 'free',
    });
    const config: KindCluster = renderKindConfig(lab);
    const ports = hostPortsOf(config);
    if (ports.length === 0) checks.push({ area: 'ports', name: 'host ports', status: 'ok', detail: 'none fixed: kind binds its API server to a free loopback port' });
    for (const port of ports) {
      const free = await probes.portFree(port);
      checks.push({ area: 'ports', name: `port ${port}`, status: free ? 'ok' : 'fail', detail: free ? 'free' : 'in use on 127.0.0.1' });
    }
  }
  if (!noDocker) {
    const names = await attempt(() => probes.docker.containerNames());
    if (!(names instanceof Error)) {
      const prefix = `clab-${clabLabName(lab)}-`;
      const mine = names.filter((n) => n.startsWith(prefix) || (cluster?.nodes.some((k) => k.name === n) ?? false));
      checks.push({
        area: 'names',
        name: 'containers',
        status: mine.length > 0 ? 'warn' : 'ok',
        detail: mine.length > 0 ? `in use: ${mine.join(', ')} (a lab of the same name is up; pelab down --runtime kind --name ${lab.name})` : `no container named ${prefix}* or like a kind node`,
      });
    }
  }
  for (const s of lab.switches) {
    const r = await attempt(() => probes.command(['ip', 'link', 'show', 'dev', s.name]));
    const exists = !(r instanceof Error) && r.exitCode === 0;
    checks.push({
      area: 'names',
      name: `bridge ${s.name}`,
      status: exists ? 'warn' : 'ok',
      detail: exists ? 'exists already (up reuses it; down deletes it, also if another lab, e.g. upstream\'s, uses it)' : 'free',
    });
  }
  return checks;
}

/** The report, one line per check, then what would fail. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  const mark: Record<DoctorStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };
  const lines = checks.map((c) => `${mark[c.status]} ${c.area.padEnd(6)} ${c.name}: ${c.detail}`);
  const failed = checks.filter((c) => c.status === 'fail');
  lines.push(
    failed.length === 0
      ? 'nothing found that would stop `pelab up --runtime kind`'
      : `${failed.length} problem(s): \`pelab up --runtime kind\` would fail (${failed.map((c) => `${c.area} ${c.name}`).join(', ')})`,
  );
  return `${lines.join('\n')}\n`;
}
