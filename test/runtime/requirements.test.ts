// The declared requirement list against the real package database: every path must belong to
// the package the list names (so setup installs the right thing and the preflight's hint is
// true), and setup.sh installs from the same list.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingPackages, packageFor, REQUIREMENTS, requirementsIn, thisRelease, debianRelease } from '../../src/runtime/netns/requirements.ts';
import { preflightError } from '../../src/runtime/netns/preflight.ts';

const release = thisRelease();
const hasDpkg = existsSync('/usr/bin/dpkg-query');
if (!hasDpkg) console.log('requirements: skipping the dpkg ownership test: no dpkg on this machine');

/** dpkg records paths as the package ships them: /bin/ip on Debian 12, /usr/bin/ip later. */
function dpkgOwner(path: string): string | undefined {
  for (const candidate of [path, path.replace(/^\/usr\/(s?bin)\//, '/$1/')]) {
    const r = spawnSync('dpkg-query', ['-S', candidate], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.split(':')[0]!.trim();
  }
  return undefined;
}

describe('netns requirements', () => {
  it.skipIf(!hasDpkg).each(REQUIREMENTS.map((r) => [r.paths[0]!, r] as const))('%s belongs to the package the list names', (_, req) => {
    const path = req.paths.find((p) => existsSync(p));
    // make test runs setup first, which installs every listed package: a missing path is a setup bug.
    expect(path, `none of ${req.paths.join(', ')} exists (setup should have installed ${packageFor(req, release)})`).toBeDefined();
    expect(dpkgOwner(path!), `dpkg -S ${path}`).toBe(packageFor(req, release));
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
