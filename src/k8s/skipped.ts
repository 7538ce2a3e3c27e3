// Objects a user's manifest set may hold that cannot change anything pelab checks (routes,
// sessions, reachability) and that pelab does not emulate: monitoring objects. They are left
// out with a warning naming them. Anything else pelab does not know stays an error, since it
// might change routing in ways the emulation would silently miss.
import type { Manifest } from './manifest.ts';

/** API groups whose objects only observe the cluster (Prometheus Operator). */
const OBSERVE_ONLY_GROUPS = new Set(['monitoring.coreos.com']);

export function isSkipped(m: Pick<Manifest, 'apiVersion'>): boolean {
  const group = m.apiVersion.includes('/') ? (m.apiVersion.split('/')[0] as string) : '';
  return OBSERVE_ONLY_GROUPS.has(group);
}

export function skippedWarning(m: Manifest): string {
  const ns = m.metadata.namespace ? `${m.metadata.namespace}/` : '';
  return `${m.source.file}:${m.source.line}: ${m.apiVersion} ${m.kind} ${ns}${m.metadata.name} skipped: it only observes the cluster (it cannot change routes, sessions or reachability) and pelab does not emulate it`;
}
