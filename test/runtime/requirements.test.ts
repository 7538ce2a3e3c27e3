// The declared requirement list against the real package database: every path must belong to
// the package the list names (so setup installs the right thing and the preflight's hint is
// true), and setup.sh installs from the same list. The per-release packages are checked against
// each Debian release's own dpkg database where this machine has one: the one `make check-fresh`
// keeps after a pass (.cache/check-fresh/<suite>-dpkg, everything setup installed there) and the
// private FRR 10 root (.cache/frr10/root, a trixie root holding FRR).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBIAN_RELEASES, missingPackages, packageFor, REQUIREMENTS, requirementsIn, thisRelease, debianRelease, type Requirement } from '../../src/runtime/netns/requirements.ts';
import { preflightError } from '../../src/runtime/netns/preflight.ts';

const release = thisRelease();
const hasDpkg = existsSync('/usr/bin/dpkg-query');
if (!hasDpkg) console.log('requirements: skipping the dpkg ownership test: no dpkg on this machine');

/**
 * The package that owns `path` in a dpkg database (this machine's, or `admindir`'s). dpkg records
 * paths as the package ships them: /bin/ip on Debian 12, /usr/bin/ip on Debian 13.
 */
function dpkgOwner(path: string, admindir?: string): string | undefined {
  const where = admindir ? [`--admindir=${admindir}`] : [];
  for (const candidate of [path, path.replace(/^\/usr\/(s?bin)\//, '/$1/')]) {
    const r = spawnSync('dpkg-query', [...where, '-S', candidate], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.split(':')[0]!.trim();
  }
  return undefined;
}

const cache = resolve(import.meta.dirname, '../../.cache');
const frr10Root = `${cache}/frr10/root`;
interface ReleaseDatabase { suite: string; admindir: string; what: string; requirements: (readonly [string, Requirement])[] }
const asCases = (reqs: readonly Requirement[]): (readonly [string, Requirement])[] => reqs.map((r) => [r.paths[0]!, r] as const);
/** Each release's dpkg database on this machine, with the requirements it can answer for. */
const releaseDatabases: ReleaseDatabase[] = [];
/** Whether `pkg` is installed in the dpkg database at `admindir`. */
function installedIn(admindir: string, pkg: string): boolean {
  const r = spawnSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', '${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.endsWith(' installed');
}
for (const suite of Object.keys(DEBIAN_RELEASES)) {
  const fresh = `${cache}/check-fresh/${suite}-dpkg`;
  if (!existsSync(`${fresh}/status`)) {
    console.log(`requirements: skipping the ${suite} database check: no ${fresh} (CHECK_FRESH_SUITE=${suite} make check-fresh leaves it after a pass)`);
    continue;
  }
  // setup installed every package of the list there, as the list stood then. A package it did not
  // install is newer than that run: skipped, said, and checked after the next check-fresh. (A wrong
  // name still fails: setup installed it there, and it does not own the path.)
  const later = REQUIREMENTS.filter((r) => !installedIn(fresh, packageFor(r, suite)));
  if (later.length > 0) console.log(`requirements: skipping in ${fresh}: ${[...new Set(later.map((r) => packageFor(r, suite)))].join(', ')} joined the list after that check-fresh run`);
  releaseDatabases.push({ suite, admindir: fresh, what: `the ${suite} root make check-fresh set up`, requirements: asCases(REQUIREMENTS.filter((r) => !later.includes(r))) });
}
if (existsSync(`${frr10Root}/.pelab-complete`)) {
  // A trixie minbase root plus FRR: it answers for the requirements whose files it holds.
  const held = REQUIREMENTS.filter((r) => r.paths.some((p) => existsSync(`${frr10Root}${p}`)));
  releaseDatabases.push({ suite: 'trixie', admindir: `${frr10Root}/var/lib/dpkg`, what: 'the private FRR 10 root', requirements: asCases(held) });
} else {
  console.log(`requirements: skipping the FRR 10 root's database check: no ${frr10Root} (make frr10-root builds it)`);
}
const hasDpkgQuery = spawnSync('dpkg-query', ['--version']).status === 0;

describe('netns requirements', () => {
  it.skipIf(!hasDpkg).each(REQUIREMENTS.map((r) => [r.paths[0]!, r] as const))('%s belongs to the package the list names', (_, req) => {
    const path = req.paths.find((p) => existsSync(p));
    // make test runs setup first, which installs every listed package: a missing path is a setup bug.
    expect(path, `none of ${req.paths.join(', ')} exists (setup should have installed ${packageFor(req, release)})`).toBeDefined();
    expect(dpkgOwner(path!), `dpkg -S ${path}`).toBe(packageFor(req, release));
  });

  describe.skipIf(!hasDpkgQuery).each(releaseDatabases)('in $what ($suite)', ({ suite, admindir, requirements }) => {
    it.each(requirements)('%s belongs to the package the list names for this release', (_, req) => {
      const owner = req.paths.map((p) => dpkgOwner(p, admindir)).find((o) => o !== undefined);
      expect(owner, `none of ${req.paths.join(', ')} is in ${admindir}`).toBeDefined();
      expect(owner, `dpkg-query --admindir=${admindir} -S ${req.paths.join(' | ')}`).toBe(packageFor(req, suite));
    });
  });

  it('names frr-pythontools, not frr, when only frr-reload.py is missing', () => {
    const present = (p: string): boolean => !p.endsWith('/frr-reload.py');
    expect(missingPackages(['lab'], 'bookworm', present)).toEqual(['frr-pythontools']);
    expect(preflightError({ root: true, packages: missingPackages(['lab'], 'bookworm', present) })?.message).toContain('apt-get install frr-pythontools');
  });

  it('lists each package once, and test-only packages only for tests', () => {
    const none = (): boolean => false;
    const lab = missingPackages(['lab'], 'bookworm', none);
    expect(lab).toEqual([...new Set(lab)]);
    expect(lab).toEqual(expect.arrayContaining(['frr', 'frr-pythontools', 'iproute2', 'curl', 'nginx', 'nftables', 'procps']));
    expect(lab).not.toContain('graphviz');
    expect(missingPackages(['lab', 'test'], 'bookworm', none)).toEqual(expect.arrayContaining(['graphviz', 'libxml2-utils']));
  });

  it('reads the Debian codename from os-release', () => {
    expect(debianRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n')).toBe('bookworm');
    expect(debianRelease('VERSION_CODENAME="trixie"\n')).toBe('trixie');
    expect(debianRelease('ID=alpine\n')).toBeUndefined();
  });

  it('setup.sh installs from the same list', () => {
    // The script setup.sh runs prints the list's packages; on this machine (set up) nothing is missing.
    const node = process.execPath;
    const all = execFileSync(node, ['scripts/requirements.ts', 'all', '--test'], { encoding: 'utf8' }).trim().split(' ');
    expect(new Set(all)).toEqual(new Set(requirementsIn(['lab', 'test']).map((r) => packageFor(r, release))));
    expect(execFileSync(node, ['scripts/requirements.ts', 'missing', '--test'], { encoding: 'utf8' }).trim()).toBe('');
  });
});
