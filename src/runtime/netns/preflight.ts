// The netns runtime needs root, FRR and a few system tools. Say exactly what is missing and how
// to get it, before anything is created.
import { accessSync, constants, existsSync } from 'node:fs';
import { LabBuildError } from '../../errors.ts';
import { FRR_BIN } from './frr.ts';

const TOOLS: readonly { path: string[]; pkg: string }[] = [
  { path: ['/usr/bin/vtysh'], pkg: 'frr' },
  { path: [`${FRR_BIN}/zebra`, `${FRR_BIN}/bgpd`], pkg: 'frr' },
  { path: [`${FRR_BIN}/frr-reload.py`], pkg: 'frr' },
  { path: ['/usr/bin/python3'], pkg: 'python3' },
  { path: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'], pkg: 'iproute2' },
  { path: ['/usr/sbin/bridge', '/sbin/bridge', '/usr/bin/bridge'], pkg: 'iproute2' },
  { path: ['/usr/bin/curl'], pkg: 'curl' },
  { path: ['/usr/bin/nsenter', '/usr/bin/unshare'], pkg: 'util-linux' },
  // The emulated cluster: kube-proxy's rules, and real nginx (with the stock welcome page) in nginx pods.
  { path: ['/usr/sbin/nft'], pkg: 'nftables' },
  { path: ['/usr/sbin/nginx'], pkg: 'nginx-light' },
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function missingRequirements(): { root: boolean; packages: string[] } {
  const packages = new Set<string>();
  for (const tool of TOOLS) {
    const ok = tool.pkg === 'util-linux' || tool.pkg === 'frr' && tool.path.length > 1
      ? tool.path.every(executable)
      : tool.path.some(executable);
    if (!ok) packages.add(tool.pkg);
  }
  return { root: process.getuid?.() === 0, packages: [...packages] };
}

/** The error for a machine that lacks something, or undefined when it has everything. Pure. */
export function preflightError(found: { root: boolean; packages: readonly string[] }): LabBuildError | undefined {
  if (!found.root) {
    return new LabBuildError(
      'the netns runtime needs root: it creates network namespaces, veths and mounts',
      'run it as root (sudo -E bin/pelab ...), or use --runtime kind',
    );
  }
  if (found.packages.length > 0) {
    return new LabBuildError(
      `missing Debian packages for the netns runtime: ${found.packages.join(', ')}`,
      `apt-get install ${found.packages.join(' ')}  (or run: make setup)`,
    );
  }
  return undefined;
}

export async function preflight(): Promise<void> {
  const error = preflightError(missingRequirements());
  if (error) throw error;
  if (!existsSync('/proc/self/ns/net')) throw new LabBuildError('this kernel has no network namespaces');
}
