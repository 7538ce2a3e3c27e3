// How the netns runtime names what it creates. Every name starts with `pelab.<instance>.` so a
// lab's objects can be found (and removed) by prefix, and two instances never collide: instance
// names cannot contain a dot.
import { join } from 'node:path';

const RUN_ROOT = '/run/pelab';
export const FRR_RUN_ROOT = '/var/run/frr';
export const FRR_CONF_ROOT = '/etc/frr';

const INSTANCE = /^[a-z][a-z0-9-]{0,19}$/;

function assertInstanceName(instance: string): string {
  if (!INSTANCE.test(instance)) {
    throw new Error(`invalid lab instance name ${JSON.stringify(instance)}: expected lowercase letters, digits and "-", at most 20 characters`);
  }
  return instance;
}

function prefixOf(instance: string): string {
  return `pelab.${instance}.`;
}

/** Prefix of FRR pathspace names and directories of an instance. */
export function frrPrefixOf(instance: string): string {
  return `pelab_${instance}_`;
}

export interface InstanceNames {
  readonly instance: string;
  readonly prefix: string;
  /** Directory holding the ledger (state.jsonl), configs, logs and pid files of the instance. */
  readonly dir: string;
  readonly stateFile: string;
  ns(node: string): string;
  /** Namespace of a VRF on a router (or PE router). */
  vrfNs(router: string, vrf: string): string;
  peNs(node: string): string;
  /** FRR pathspace name of the router living in namespace `ns`. */
  frrInstance(ns: string): string;
  frrRunDir(ns: string): string;
  frrConfDir(ns: string): string;
  /** Per-router directory whose entries are the only VRF namespaces that router's zebra sees. */
  vrfView(ns: string): string;
  nodeDir(ns: string): string;
}

export function instanceNames(instance: string): InstanceNames {
  assertInstanceName(instance);
  const prefix = prefixOf(instance);
  const dir = join(RUN_ROOT, instance);
  const ns = (node: string): string => `${prefix}${node}`;
  const frrInstance = (n: string): string => n.replace(/\./g, '_');
  return {
    instance,
    prefix,
    dir,
    stateFile: join(dir, 'state.jsonl'),
    ns,
    vrfNs: (router, vrf) => `${ns(router)}.${vrf}`,
    peNs: (node) => `${ns(node)}.pe`,
    // FRR forbids dots in a pathspace; instance names cannot contain "_", so the prefix stays unambiguous.
    frrInstance,
    frrRunDir: (n) => join(FRR_RUN_ROOT, frrInstance(n)),
    frrConfDir: (n) => join(FRR_CONF_ROOT, frrInstance(n)),
    vrfView: (n) => join(dir, 'vrf-views', n),
    nodeDir: (n) => join(dir, 'nodes', n),
  };
}
