// The netns runtime needs root, FRR and a few system tools. Say exactly what is missing and which
// Debian package provides it, before anything is created. The list lives in requirements.ts,
// which scripts/setup.sh installs from. Which FRR build runs (PELAB_FRR) is frr-build.ts's.
import { existsSync } from 'node:fs';
import { LabBuildError } from '../../errors.ts';
import { missingPackages, thisRelease } from './requirements.ts';

export function missingRequirements(): { root: boolean; packages: string[] } {
  return { root: process.getuid?.() === 0, packages: missingPackages(['lab'], thisRelease()) };
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
