// The one list of what the netns runtime runs on the machine: every command or file it needs, and
// the Debian package that provides it. scripts/setup.sh installs from this list (through
// scripts/requirements.ts) and the preflight checks it, so the two cannot drift apart.
// test/runtime/requirements.test.ts asks dpkg which package owns each path.
//
// To add a requirement: one entry below. `paths` are alternatives (any one executable will do),
// canonical /usr path first; `package` is what `dpkg -S <path>` names on Debian 12; `byRelease`
// overrides it where a later Debian release moved the file to another package.
// Checked against Debian 13's real packages (CHECK_FRESH_SUITE=trixie make check-fresh, then the
// requirement test on its dpkg database): every file below has the same owner on 12 and 13, so no
// override is needed today; the paths differ (/bin/ip on 12, /usr/bin/ip on 13), which `paths` covers.
import { accessSync, constants, readFileSync } from 'node:fs';
import { FRR_BIN } from './frr-build.ts';

/** What needs it: the lab itself, or only the test suite (report rendering, JUnit validation). */
export type RequirementScope = 'lab' | 'test';

export interface Requirement {
  /** What pelab uses it for, shown nowhere but kept next to the path on purpose. */
  readonly why: string;
  readonly paths: readonly string[];
  readonly package: string;
  /** Debian codename -> package, where it differs from `package`. */
  readonly byRelease?: Readonly<Record<string, string>>;
  readonly scope: RequirementScope;
  /** A file pelab reads rather than runs (present when readable). */
  readonly data?: true;
}

export const REQUIREMENTS: readonly Requirement[] = [
  { why: 'talks to each router\'s FRR', paths: ['/usr/bin/vtysh'], package: 'frr', scope: 'lab' },
  { why: 'FRR daemons, one set per router', paths: [`${FRR_BIN}/zebra`], package: 'frr', scope: 'lab' },
  { why: 'FRR daemons, one set per router', paths: [`${FRR_BIN}/bgpd`], package: 'frr', scope: 'lab' },
  { why: 'BFD, where a router\'s configuration uses it', paths: [`${FRR_BIN}/bfdd`], package: 'frr', scope: 'lab' },
  // Debian's frr only suggests frr-pythontools; without it `apply`/`delete` cannot reload configs.
  { why: 'applies config changes as a minimal diff', paths: [`${FRR_BIN}/frr-reload.py`], package: 'frr-pythontools', scope: 'lab' },
  { why: 'runs frr-reload.py and the endpoint server', paths: ['/usr/bin/python3'], package: 'python3-minimal', scope: 'lab' },
  // python3-minimal lacks json and friends; pydoc3 stands for the `python3` package, which brings the standard library.
  { why: 'python3\'s full standard library (json, selectors)', paths: ['/usr/bin/pydoc3'], package: 'python3', scope: 'lab' },
  { why: 'namespaces, links, addresses, routes', paths: ['/usr/bin/ip', '/usr/sbin/ip', '/bin/ip', '/sbin/ip'], package: 'iproute2', scope: 'lab' },
  { why: 'VXLAN FDB and bridge state in checks and bundles', paths: ['/usr/bin/bridge', '/usr/sbin/bridge', '/bin/bridge', '/sbin/bridge'], package: 'iproute2', scope: 'lab' },
  { why: 'forwarding sysctls inside namespaces', paths: ['/usr/sbin/sysctl', '/sbin/sysctl'], package: 'procps', scope: 'lab' },
  { why: 'enters a router\'s namespaces', paths: ['/usr/bin/nsenter'], package: 'util-linux', scope: 'lab' },
  { why: 'private mount namespace per router', paths: ['/usr/bin/unshare'], package: 'util-linux', scope: 'lab' },
  { why: 'VRF views and namespace bind mounts', paths: ['/usr/bin/mount', '/bin/mount'], package: 'mount', scope: 'lab' },
  { why: 'VRF views and namespace bind mounts', paths: ['/usr/bin/umount', '/bin/umount'], package: 'mount', scope: 'lab' },
  { why: 'router hostnames in their UTS namespace', paths: ['/usr/bin/hostname', '/bin/hostname'], package: 'hostname', scope: 'lab' },
  { why: 'HTTP reachability checks', paths: ['/usr/bin/curl'], package: 'curl', scope: 'lab' },
  { why: 'isolation checks read one curl\'s transfers as they end (line-buffered stdout)', paths: ['/usr/bin/stdbuf'], package: 'coreutils', scope: 'lab' },
  // nginx-light is only a metapackage over `nginx` on Debian 12 and 13: `nginx` owns the binary on both.
  { why: 'nginx pods run real nginx', paths: ['/usr/sbin/nginx'], package: 'nginx', scope: 'lab' },
  { why: 'nginx pods serve the stock welcome page', paths: ['/usr/share/nginx/html/index.html'], package: 'nginx-common', scope: 'lab', data: true },
  { why: 'kube-proxy\'s rules in the emulated nodes', paths: ['/usr/sbin/nft'], package: 'nftables', scope: 'lab' },
  { why: 'ARP probes from clients on the nodes\' network (l2-announcement checks)', paths: ['/usr/bin/arping'], package: 'iputils-arping', scope: 'lab' },
  { why: 'topology picture tests', paths: ['/usr/bin/dot'], package: 'graphviz', scope: 'test' },
  { why: 'JUnit output validation tests', paths: ['/usr/bin/xmllint'], package: 'libxml2-utils', scope: 'test' },
  { why: 'HTML report tests in headless Chromium (playwright-core drives it)', paths: ['/usr/bin/chromium'], package: 'chromium', scope: 'test' },
  { why: 'make check-fresh builds a Debian 12 or 13 root; PELAB_FRR=10 builds the FRR 10 root', paths: ['/usr/sbin/debootstrap'], package: 'debootstrap', scope: 'test' },
];

/** The Debian releases pelab is set up and checked on (make check-fresh, CHECK_FRESH_SUITE), by codename. */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = { bookworm: 'Debian 12', trixie: 'Debian 13' };

/** The Debian codename of the machine (`bookworm`, `trixie`), or undefined when not Debian-like. */
export function debianRelease(osRelease: string): string | undefined {
  const m = /^VERSION_CODENAME=("?)([a-z]+)\1$/m.exec(osRelease);
  return m?.[2];
}

export function thisRelease(): string | undefined {
  try {
    return debianRelease(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return undefined;
  }
}

export function packageFor(req: Requirement, release: string | undefined): string {
  return (release && req.byRelease?.[release]) || req.package;
}

export function requirementsIn(scopes: readonly RequirementScope[]): Requirement[] {
  return REQUIREMENTS.filter((r) => scopes.includes(r.scope));
}

/** Whether a requirement's path is usable: executable, or readable for data files. */
function usable(path: string, data = false): boolean {
  try {
    accessSync(path, data ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Packages to install so that every requirement in `scopes` is met, in list order, each once. Pure given `present`. */
export function missingPackages(
  scopes: readonly RequirementScope[],
  release: string | undefined,
  present: (path: string, data: boolean) => boolean = usable,
): string[] {
  const missing = requirementsIn(scopes).filter((r) => !r.paths.some((p) => present(p, r.data ?? false))).map((r) => packageFor(r, release));
  return [...new Set(missing)];
}
