// A plan step's call to the Docker engine, as data: the plan (plan.ts) says what, the Docker client
// (docker.ts, dockerode) does it, and the dry run prints it as the docker CLI line a person could
// paste, followed by the Engine API request pelab itself sends. Pure.
import { assertContainer } from './names.ts';

export type DockerCall =
  /** The engine answers (GET /version): the preflight. */
  | { readonly op: 'version' }
  /** A command in a running container (kind nodes, fabric hosts); a non-zero exit fails the step. */
  | { readonly op: 'exec'; readonly container: string; readonly argv: readonly string[] }
  /** Pulls one platform of an image from its registry. */
  | { readonly op: 'pull'; readonly ref: string; readonly platform: string }
  /** Writes one platform of a pulled image as an archive (what `kind load image-archive` reads). */
  | { readonly op: 'save'; readonly ref: string; readonly platform: string; readonly path: string }
  /**
   * Creates a bridge network with the given subnets, unless one of that name exists (then nothing
   * changes). Docker gives a container a fixed address only on a network whose subnet was configured
   * by the user, which kind's own `kind` network is not for IPv4 (it sets only the IPv6 one).
   */
  | { readonly op: 'network'; readonly name: string; readonly ipv4Subnet: string; readonly ipv4Gateway: string; readonly ipv6Subnet: string; readonly options: Readonly<Record<string, string>> }
  /** Creates and starts a container on one network at a fixed IPv4 address (a stale one of that name is removed first). */
  | { readonly op: 'run'; readonly name: string; readonly image: string; readonly network: string; readonly ipv4Address: string; readonly argv: readonly string[] }
  /** Removes a container, running or not; absent is fine. */
  | { readonly op: 'remove'; readonly container: string };

/** `linux/amd64` -> the OCI platform object the engine's image endpoints take, JSON-encoded. */
export function ociPlatform(platform: string): string {
  const [os, architecture, variant] = platform.split('/');
  if (!os || !architecture) throw new Error(`invalid platform ${JSON.stringify(platform)} (want os/arch, e.g. linux/amd64)`);
  return JSON.stringify({ os, architecture, ...(variant ? { variant } : {}) });
}

/**
 * fromImage and tag of POST /images/create for a reference, split as dockerode's pull does
 * (util.parseRepositoryTag): a digest becomes the tag `sha256:<hex>`, no tag means latest.
 */
function pullQuery(ref: string): { fromImage: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

/** The docker CLI command doing the same, for people to read and paste. */
export function dockerCliArgv(call: DockerCall): string[] {
  switch (call.op) {
    case 'version':
      return ['docker', 'version', '--format', '{{.Server.Version}}'];
    case 'exec':
      return ['docker', 'exec', assertContainer(call.container), ...call.argv];
    case 'pull':
      return ['docker', 'image', 'pull', '--platform', call.platform, call.ref];
    case 'save':
      return ['docker', 'image', 'save', '--platform', call.platform, '--output', call.path, call.ref];
    case 'network':
      return [
        'docker', 'network', 'create', '--driver', 'bridge',
        '--subnet', call.ipv4Subnet, '--gateway', call.ipv4Gateway, '--ipv6', '--subnet', call.ipv6Subnet,
        ...Object.entries(call.options).flatMap(([k, v]) => ['--opt', `${k}=${v}`]),
        call.name,
      ];
    case 'run':
      return ['docker', 'run', '--detach', '--name', assertContainer(call.name), '--network', call.network, '--ip', call.ipv4Address, call.image, ...call.argv];
    case 'remove':
      return ['docker', 'rm', '--force', assertContainer(call.container)];
  }
}

/** The Engine API request(s) pelab sends for it (through dockerode). */
export function dockerApiRequest(call: DockerCall): string {
  switch (call.op) {
    case 'version':
      return 'GET /version';
    case 'exec':
      return `POST /containers/${assertContainer(call.container)}/exec, POST /exec/{id}/start, GET /exec/{id}/json`;
    case 'pull': {
      const q = new URLSearchParams({ ...pullQuery(call.ref), platform: call.platform });
      return `POST /images/create?${q.toString()}`;
    }
    case 'save':
      return `GET /images/${call.ref}/get?${new URLSearchParams({ platform: ociPlatform(call.platform) }).toString()} > ${call.path}`;
    case 'network':
      return `GET /networks/${call.name} (404: POST /networks/create)`;
    case 'run':
      return `DELETE /containers/${assertContainer(call.name)}?force=1 (404 ignored), POST /containers/create?name=${call.name}, POST /containers/${call.name}/start`;
    case 'remove':
      return `DELETE /containers/${assertContainer(call.container)}?force=1 (404 ignored)`;
  }
}
