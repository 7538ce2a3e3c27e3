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
  | { readonly op: 'save'; readonly ref: string; readonly platform: string; readonly path: string };

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
  }
}
