// The netns runtime's instances: found by their ledger under /run/pelab/<instance>/ and by their
// `pelab.<instance>.*` namespaces; attached by reading the lab file the ledger recorded.
import { InputError, LabBuildError, LabNotUpError } from '../../errors.ts';
import { loadLab } from '../../lab/load.ts';
import type { AttachOptions, CreateOptions, DestroyReport, RuntimeProvider } from '../provider.ts';
import { Ledger } from './ledger.ts';
import { instanceNames } from './names.ts';
import { NetnsRuntime } from './runtime.ts';
import { leftoverInstances, teardownInstance } from './teardown.ts';

function refuseDryRun(options: { dryRun?: boolean }): void {
  if (options.dryRun) throw new LabBuildError('the netns runtime has no dry run', 'use --runtime kind --dry-run');
}

export const netnsProvider: RuntimeProvider = {
  kind: 'netns',
  canDryRun: false,

  async create(lab, options: CreateOptions = {}) {
    refuseDryRun(options);
    if ((options.artifacts ?? []).length > 0) throw new InputError('command line', '--artifact', 'nothing: the netns runtime pulls no charts or images (--runtime kind)');
    return new NetnsRuntime(lab, options.instance ? { instance: options.instance } : {});
  },

  async attach(instance, options: AttachOptions = {}) {
    refuseDryRun(options);
    const ledger = Ledger.read(instanceNames(instance).stateFile);
    if (!ledger) throw new LabNotUpError(`lab instance "${instance}" is not up`, `run: pelab up --name ${instance}`);
    const lab = options.lab ?? (await loadLab(ledger.data.labFile));
    return new NetnsRuntime(lab, { instance });
  },

  list: leftoverInstances,

  async destroy(instance, options: AttachOptions = {}): Promise<DestroyReport> {
    refuseDryRun(options);
    const r = await teardownInstance(instance);
    return { detail: `${r.namespaces} namespaces, ${r.killed} processes, ${r.mounts} mounts`, ms: r.ms, dryRun: false };
  },

  noInstanceHelp: () => ({ problem: 'no pelab lab is up on this machine', hint: 'run: pelab up' }),
};
