// The netns runtime needs root, FRR and a few system tools. Say exactly what is missing and which
// Debian package provides it, before anything is created. The list lives in requirements.ts,
// which scripts/setup.sh installs from.
import { existsSync } from 'node:fs';
import { InputError, LabBuildError } from '../../errors.ts';
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

/**
 * PELAB_FRR selects the FRR build: unset is the system's FRR (8.4 on Debian 12, 10.3 on Debian 13).
 * `10` on Debian 12 means FRR 10 from the private trixie root (scripts/frr10-root.sh), which
 * setup builds but the runtime does not start daemons from yet: refuse rather than silently run
 * 8.4 under a name that says 10. Pure.
 */
export function frrSelectionError(selected: string | undefined, release: string | undefined): LabBuildError | InputError | undefined {
  if (selected === undefined || selected === '') return undefined;
  // A bad value is the user's input (exit 2): named like a file's path, the environment variable.
  if (selected !== '10') return new InputError('environment', 'PELAB_FRR', `10 or unset (the system FRR), not ${JSON.stringify(selected)}`);
  if (release === 'bookworm') {
    return new LabBuildError(
      'PELAB_FRR=10 on Debian 12: the private FRR 10 root is built (make frr10-root) but the netns runtime does not run daemons from it yet',
      'unset PELAB_FRR to use Debian 12\'s FRR 8.4, or run on Debian 13, whose FRR is 10.3',
    );
  }
  return undefined;
}

export async function preflight(): Promise<void> {
  const selection = frrSelectionError(process.env.PELAB_FRR, thisRelease());
  if (selection) throw selection;
  const error = preflightError(missingRequirements());
  if (error) throw error;
  if (!existsSync('/proc/self/ns/net')) throw new LabBuildError('this kernel has no network namespaces');
}
