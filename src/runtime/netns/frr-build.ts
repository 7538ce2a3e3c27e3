// Which FRR build a lab runs, and how its commands are started. Two builds exist:
// - the system's FRR (Debian 12: 8.4.4, Debian 13: 10.3), run as is;
// - FRR 10 from the private Debian 13 root (or testing, FRR10_SUITE=forky) that scripts/frr10-root.sh builds (PELAB_FRR=10 on a
//   machine whose own FRR is older): trixie's FRR needs glibc 2.38, so it cannot be installed
//   into bookworm. Its daemons, vtysh and frr-reload run chrooted into that root, inside the
//   router's private mount namespace, where /proc, /sys and the host's FRR and pelab folders are
//   mounted (see holderScript).
// A lab records its build in its ledger when it comes up, so later commands (apply, status, exec)
// use the same daemons whatever their own environment says.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, LabBuildError } from '../../errors.ts';
import { REPO_ROOT } from '../../paths.ts';

export const FRR_BIN = '/usr/lib/frr';
/** The private root scripts/frr10-root.sh builds; `.pelab-complete` marks a finished build. */
export const FRR10_ROOT = join(REPO_ROOT, '.cache', 'frr10', 'root');

export interface FrrBuild {
  /** Upstream version, e.g. "8.4.4" or "10.3". */
  readonly version: string;
  /** Where it came from: the Debian package and version, and the system or the private root. */
  readonly source: string;
  /** The root the daemons, vtysh and frr-reload run chrooted in; absent for the system's FRR. */
  readonly root?: string;
}

/** The major version ("10.3" -> 10). */
export function frrMajor(build: Pick<FrrBuild, 'version'>): number {
  return Number(build.version.split('.')[0]);
}

/** A Debian package's installed version from a dpkg status file, or undefined. Pure. */
export function dpkgVersion(status: string, pkg: string): string | undefined {
  for (const stanza of status.split(/\n\n+/)) {
    if (!new RegExp(`^Package: ${pkg.replace(/[.+]/g, '\\$&')}$`, 'm').test(stanza)) continue;
    if (!/^Status: install ok installed$/m.test(stanza)) continue;
    return /^Version: (\S+)$/m.exec(stanza)?.[1];
  }
  return undefined;
}

/** The upstream part of a Debian version: no epoch, no Debian revision ("1:10.3-1+b1" -> "10.3"). Pure. */
export function upstreamVersion(debian: string): string {
  return debian.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[~+].*$/, '');
}

/** The Debian release a root holds, from its os-release ("Debian 13 (trixie)"); Debian 13 is the default build. */
function debianRelease(root: string): string {
  const file = join(root, 'etc/os-release');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
  const version = field('VERSION_ID');
  const codename = field('VERSION_CODENAME');
  if (version && codename) return `Debian ${version} (${codename})`;
  return codename ? `Debian ${codename}` : 'Debian';
}

/** The FRR build installed under `root` ('' for the system), from dpkg or else `zebra --version`. */
export function installedFrr(root: string): FrrBuild | undefined {
  const statusFile = join(root || '/', 'var/lib/dpkg/status');
  const debian = existsSync(statusFile) ? dpkgVersion(readFileSync(statusFile, 'utf8'), 'frr') : undefined;
  const where = root ? `the private ${debianRelease(root)} root ${root}` : `the system (${FRR_BIN})`;
  if (debian) return { version: upstreamVersion(debian), source: `Debian package frr ${debian} from ${where}`, ...(root ? { root } : {}) };
  const argv = root ? ['chroot', root, join(FRR_BIN, 'zebra'), '--version'] : [join(FRR_BIN, 'zebra'), '--version'];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  const version = /zebra version (\S+)/.exec(r.stdout ?? '')?.[1];
  return version ? { version, source: `FRR ${version} (not a Debian package) from ${where}`, ...(root ? { root } : {}) } : undefined;
}

/**
 * The build PELAB_FRR selects: unset is the system's FRR; `10` is the system's FRR when that is
 * 10.x already (Debian 13), else the private root, which must have been built. Anything else is
 * bad input. `system` and `privateRoot` are what is installed (undefined: nothing). Pure.
 */
export function selectFrrBuild(selected: string | undefined, system: FrrBuild | undefined, privateRoot: FrrBuild | undefined): FrrBuild | InputError | LabBuildError {
  if (selected !== undefined && selected !== '' && selected !== '10') {
    // A bad value is the user's input (exit 2): named like a file's path, the environment variable.
    return new InputError('environment', 'PELAB_FRR', `10 or unset (the system FRR), not ${JSON.stringify(selected)}`);
  }
  if (selected === '10') {
    if (system && frrMajor(system) >= 10) return system;
    if (privateRoot) return privateRoot;
    return new LabBuildError(
      `PELAB_FRR=10: the system's FRR is ${system?.version ?? 'not installed'} and the private FRR 10 root (${FRR10_ROOT}) is not built`,
      'PELAB_FRR=10 make setup (or make frr10-root) builds it, about 35 s',
    );
  }
  if (!system) return new LabBuildError('no FRR is installed', 'apt-get install frr frr-pythontools (or run: make setup)');
  return system;
}

/** The build this process would start a new lab with (PELAB_FRR and what is installed). */
export function frrBuildForNewLab(env: NodeJS.ProcessEnv = process.env): FrrBuild {
  const privateRoot = existsSync(join(FRR10_ROOT, '.pelab-complete')) ? installedFrr(FRR10_ROOT) : undefined;
  const chosen = selectFrrBuild(env.PELAB_FRR, installedFrr(''), env.PELAB_FRR === '10' ? privateRoot : undefined);
  if (chosen instanceof Error) throw chosen;
  return chosen;
}

/** `argv` as the build runs it: chrooted into its root inside the mount namespace of `holderPid`. */
export function inFrrBuild(build: FrrBuild, holderPid: number | undefined, argv: readonly string[]): string[] {
  if (!build.root) return [...argv];
  if (holderPid === undefined) throw new LabBuildError(`cannot run ${argv[0]} in the FRR ${build.version} root: the router's namespace holder is not running`);
  return ['nsenter', '-t', String(holderPid), '-m', '--', 'chroot', build.root, ...argv];
}

/** The `frr` user and group as the build's daemons resolve them (the root has its own /etc/passwd). */
export function frrIds(build: FrrBuild): { uid: number; gid: number } {
  const passwd = readFileSync(join(build.root ?? '/', 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith('frr:'));
  if (!passwd) throw new LabBuildError(`the frr user does not exist in ${build.root ?? 'this system'}`, build.root ? 'rebuild the root: rm -rf .cache/frr10 && make frr10-root' : 'install FRR from Debian: apt-get install frr');
  const [, , uid, gid] = passwd.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * The namespace holder's program for a build with a root: in the router's fresh private mount
 * namespace (and its network namespace, which the sysfs mount reflects), mount what the chrooted
 * daemons need, set the router's hostname in its UTS namespace, then sleep. A constant script;
 * the values come in as arguments. A tmpfs on the root's /run (its /var/run links there) gives
 * per-holder mount points, so nothing is written into the shared root; everything goes with the
 * mount namespace when the holder dies. So does a tmpfs on /var/tmp (FRR_CRASH_TMP).
 *   $1 root, $2 host FRR run folder, $3 host FRR config folder, $4 lab folder, $5 VRF view or '',
 *   $6 hostname
 */
export const HOLDER_SCRIPT = [
  'set -e',
  'hostname "$6"',
  'mount -t proc proc "$1/proc"',
  'mount -t sysfs sysfs "$1/sys"',
  'mount -t tmpfs -o mode=0755 tmpfs "$1/run"',
  'mount -t tmpfs -o mode=1777 tmpfs "$1/var/tmp"',
  'mkdir -p "$1/run/frr" "$1/run/netns" "$1/$4"',
  'mount --bind "$2" "$1/run/frr"',
  'mount --bind "$3" "$1/etc/frr"',
  'mount --bind "$4" "$1/$4"',
  'if [ -n "$5" ]; then mount --rbind "$5" "$1/run/netns"; fi',
  'exec sleep infinity',
].join('\n');

/**
 * Every FRR daemon makes /var/tmp/frr/<daemon>.<pid>/ at start for its crash log and per-thread
 * log buffers (8 KiB files), and removes it only on a clean exit; `down` kills the daemons, so
 * each one left its folder on the host: 37,367 folders, 1.2 GB, on the project machine after a
 * few days of labs. The holders give their daemons a tmpfs on /var/tmp instead, which goes with
 * the holder's mount namespace, also after a kill or a crash.
 */
export const FRR_CRASH_TMP = '/var/tmp';

/**
 * The holder's program for the system's FRR: the hostname, the daemons' own /var/tmp
 * (FRR_CRASH_TMP), and the VRF view over /run/netns in its own mount namespace, done by the holder
 * itself instead of `nsenter` processes per router afterwards. $1 hostname, $2 VRF view or '',
 * $3 /run/netns, $4 /var/tmp.
 */
export const SYSTEM_HOLDER_SCRIPT = [
  'set -e',
  'hostname "$1"',
  'mount -t tmpfs -o mode=1777 tmpfs "$4"',
  'if [ -n "$2" ]; then mount --rbind "$2" "$3"; fi',
  'exec sleep infinity',
].join('\n');
