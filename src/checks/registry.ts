// Every check kind, by the name scenarios use. Adding a kind = one file in kinds/ + one line here.
import { bfdSession } from './kinds/bfd-session.ts';
import { bgpRoute } from './kinds/bgp-route.ts';
import { bgpSession } from './kinds/bgp-session.ts';
import { evpnRoute } from './kinds/evpn-route.ts';
import { frrJson } from './kinds/frr-json.ts';
import { http } from './kinds/http.ts';
import { k8sStatus } from './kinds/k8s-status.ts';
import { kernelRoute } from './kinds/kernel-route.ts';
import { l2Announcement } from './kinds/l2-announcement.ts';
import type { AnyCheckKind } from './kinds/types.ts';

export const CHECK_KINDS = {
  'bgp-session': bgpSession,
  'bgp-route': bgpRoute,
  'bfd-session': bfdSession,
  'evpn-route': evpnRoute,
  'kernel-route': kernelRoute,
  http,
  'k8s-status': k8sStatus,
  'frr-json': frrJson,
  'l2-announcement': l2Announcement,
} as const satisfies Record<string, AnyCheckKind>;

type CheckKindName = keyof typeof CHECK_KINDS;

export const checkKindNames = (): CheckKindName[] => Object.keys(CHECK_KINDS) as CheckKindName[];

export function getCheckKind(name: string): AnyCheckKind | undefined {
  return Object.prototype.hasOwnProperty.call(CHECK_KINDS, name) ? CHECK_KINDS[name as CheckKindName] : undefined;
}
