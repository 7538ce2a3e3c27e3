// Every external thing the kind runtime pulls, in one table: charts (release or upstream commit),
// images (tag), and the minimum tool versions. The plan, `pelab doctor` and the README read it from
// here only. `--artifact KEY=VALUE` overrides one entry (parseArtifactOverrides); nothing else
// changes what a real run downloads.
import { InputError } from '../../errors.ts';
import { FRRK8S, METALLB, OPENPEROUTER } from './names.ts';

export type ChartName = 'frrk8s' | 'metallb' | 'openperouter';

/** Where helm gets a chart: a released version in a chart repository, an upstream commit, or a local directory. */
export type ChartSource =
  | { readonly type: 'repo'; readonly repo: string; readonly chart: string; readonly version: string }
  | { readonly type: 'git'; readonly url: string; readonly commit: string; readonly path: string }
  | { readonly type: 'local'; readonly path: string };

interface ChartArtifact {
  readonly release: string;
  readonly namespace: string;
  readonly source: ChartSource;
  /** Why this one: what fails with the obvious alternative. */
  readonly why: string;
}

export type ImageName = 'router' | 'frrk8s' | 'frrk8sFrr' | 'metallbController' | 'metallbSpeaker' | 'fabric' | 'host' | 'client' | 'node' | 'workload';

interface ImageArtifact {
  readonly ref: string;
  readonly why: string;
  /** Pulled on the host and loaded into every kind node (docker save + kind load image-archive). */
  readonly preload: boolean;
}

export type ToolName = 'docker' | 'kind' | 'containerlab' | 'kubectl' | 'helm' | 'git';

interface ToolArtifact {
  readonly minimum: string;
  readonly why: string;
}

export interface Artifacts {
  readonly charts: Readonly<Record<ChartName, ChartArtifact>>;
  readonly images: Readonly<Record<ImageName, ImageArtifact>>;
  readonly tools: Readonly<Record<ToolName, ToolArtifact>>;
}

/** OpenPERouter commit whose chart serves network.openperouter.io (the API group pelab applies). */
const OPENPEROUTER_COMMIT = '1d5dcdfd8b9e538d46ecee90df4249a00d33e948';

export const PINNED: Artifacts = {
  charts: {
    frrk8s: {
      release: 'frr-k8s',
      namespace: FRRK8S.namespace,
      source: { type: 'repo', repo: 'https://metallb.github.io/frr-k8s', chart: 'frr-k8s', version: '0.0.25' },
      why: 'first releases without the kube-rbac-proxy sidecar are >= 0.0.23; 0.0.21 pulls gcr.io/kubebuilder/kube-rbac-proxy, which is gone (frr-k8s 38059bd)',
    },
    metallb: {
      release: 'metallb',
      namespace: METALLB.namespace,
      source: { type: 'repo', repo: 'https://metallb.github.io/metallb', chart: 'metallb', version: '0.15.3' },
      why: 'installed with frrk8s.external=true, so its bundled frr-k8s 0.0.21 (and its kube-rbac-proxy) is not rendered',
    },
    openperouter: {
      release: 'openperouter',
      namespace: OPENPEROUTER.namespace,
      source: { type: 'git', url: 'https://github.com/openperouter/openperouter.git', commit: OPENPEROUTER_COMMIT, path: 'charts/openperouter' },
      why: 'every released chart (<= 0.2.0) serves only openpe.openperouter.github.io; the rename to network.openperouter.io (PR #525) is on main only',
    },
  },
  images: {
    router: {
      ref: 'quay.io/openperouter/router:main',
      why: 'the chart at the pinned commit defaults to its appVersion v0.0.0 (a 2025 image without the named netns); upstream publishes only branch and release tags, so `main` is what upstream CI deploys',
      preload: true,
    },
    frrk8s: { ref: 'quay.io/metallb/frr-k8s:v0.0.25', why: 'the appVersion of the frr-k8s chart above', preload: true },
    frrk8sFrr: { ref: 'quay.io/frrouting/frr:10.4.3', why: 'the FRR image frr-k8s 0.0.25 ships with', preload: true },
    metallbController: { ref: 'quay.io/metallb/controller:v0.15.3', why: 'the appVersion of the MetalLB chart above', preload: false },
    metallbSpeaker: { ref: 'quay.io/metallb/speaker:v0.15.3', why: 'the appVersion of the MetalLB chart above', preload: false },
    fabric: { ref: 'quay.io/frrouting/frr:10.6.0', why: "the fabric routers' FRR in upstream's lab (clab/ topology)", preload: false },
    host: { ref: 'registry.k8s.io/e2e-test-images/agnhost:2.53', why: 'HTTP server that reports the client address; has curl and iproute2', preload: false },
    client: { ref: 'nicolaka/netshoot:v0.13', why: "L2 clients (cluster.l2Clients): iputils arping (the l2-announcement check's probe, as on netns), curl and iproute2", preload: false },
    node: { ref: 'kindest/node:v1.32.2', why: "upstream's KIND_NODE_VERSION; kind 0.27's default node image", preload: false },
    workload: { ref: 'nginx:1.27', why: "the scenarios' workload image, loaded once instead of pulled by every node", preload: true },
  },
  tools: {
    docker: { minimum: '24.0.0', why: 'containerd image store (default from Engine 29) is handled by docker save + kind load image-archive' },
    kind: { minimum: '0.27.0', why: "upstream's KIND_VERSION" },
    containerlab: { minimum: '0.74.1', why: "upstream's CLAB_VERSION; the k8s-kind node kind and `inspect --format json` keyed by lab" },
    kubectl: { minimum: '1.27.0', why: "upstream's KUBECTL_VERSION; server-side apply" },
    helm: { minimum: '3.12.3', why: "upstream's HELM_VERSION" },
    git: { minimum: '2.5.0', why: 'fetches the OpenPERouter chart by commit (`git fetch <sha>`)' },
  },
};

/** The table with overrides applied. */
export function withOverrides(base: Artifacts, overrides: ArtifactOverrides): Artifacts {
  const charts = { ...base.charts };
  for (const [name, source] of Object.entries(overrides.charts ?? {}) as [ChartName, ChartSource][]) charts[name] = { ...charts[name], source, why: 'overridden with --artifact' };
  const images = { ...base.images };
  for (const [name, ref] of Object.entries(overrides.images ?? {}) as [ImageName, string][]) images[name] = { ...images[name], ref, why: 'overridden with --artifact' };
  return { ...base, charts, images };
}

interface ArtifactOverrides {
  readonly charts?: Partial<Record<ChartName, ChartSource>>;
  readonly images?: Partial<Record<ImageName, string>>;
}

const COMMIT = /^[0-9a-f]{7,40}$/;
// A chart version as helm's repositories write them (semver, optionally with a pre-release).
const VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
// An image reference: [registry/]path[:tag][@sha256:digest], no spaces or shell characters.
const IMAGE = /^[a-z0-9][a-z0-9._/:-]*(@sha256:[0-9a-f]{64})?$/;

const ARTIFACT_KEYS: readonly string[] = [
  ...(Object.keys(PINNED.charts) as ChartName[]).map((c) => `chart.${c}`),
  ...(Object.keys(PINNED.images) as ImageName[]).map((i) => `image.${i}`),
];

/**
 * `KEY=VALUE` pairs from `--artifact`. `chart.NAME=VERSION` picks another release of a repo chart,
 * `chart.NAME=COMMIT` another upstream commit of a git chart, `chart.NAME=/path` or `./path` a local
 * chart directory; `image.NAME=REF` another image.
 */
export function parseArtifactOverrides(pairs: readonly string[], base: Artifacts = PINNED): ArtifactOverrides {
  const charts: Partial<Record<ChartName, ChartSource>> = {};
  const images: Partial<Record<ImageName, string>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    const bad = (expected: string) => new InputError('command line', `--artifact ${key}`, expected);
    if (!ARTIFACT_KEYS.includes(key)) throw bad(`one of ${ARTIFACT_KEYS.join(', ')} (got ${JSON.stringify(pair)})`);
    if (value === '') throw bad('KEY=VALUE with a non-empty value');
    const [kind, name] = key.split('.') as ['chart' | 'image', string];
    if (kind === 'image') {
      if (!IMAGE.test(value)) throw bad(`an image reference like quay.io/org/name:tag or …@sha256:<64 hex> (got ${JSON.stringify(value)})`);
      images[name as ImageName] = value;
      continue;
    }
    const current = base.charts[name as ChartName].source;
    if (value.startsWith('/') || value.startsWith('./') || value.startsWith('../')) charts[name as ChartName] = { type: 'local', path: value };
    else if (current.type === 'git' && COMMIT.test(value)) charts[name as ChartName] = { ...current, commit: value };
    else if (current.type === 'repo' && VERSION.test(value)) charts[name as ChartName] = { ...current, version: value.replace(/^v/, '') };
    else {
      const what = current.type === 'git' ? 'a commit (7-40 hex digits)' : current.type === 'repo' ? 'a chart version like 0.0.25' : 'a path';
      throw bad(`${what}, or a local chart directory starting with / or ./ (got ${JSON.stringify(value)})`);
    }
  }
  return { charts, images };
}

/** An image reference split into repository and tag, for charts that take them apart. */
export function splitImage(ref: string): { repository: string; tag: string } {
  const at = ref.indexOf('@sha256:');
  // Charts render `repository:tag`; splitting a digest as `…@sha256` + `<hex>` renders it intact.
  if (at >= 0) return { repository: ref.slice(0, at + '@sha256'.length), tag: ref.slice(at + '@sha256:'.length) };
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/')) return { repository: ref, tag: 'latest' };
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}
