// The kind runtime's instances: each has a work directory `.pelab/kind/<instance>/` under the
// current directory, which records the lab it was built from. A dry run needs no work
// directory: it uses the given lab, the lab named like the instance, or the default lab. The
// runtime itself is loaded on demand: its Kubernetes and Docker clients are heavy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, LabNotUpError } from '../../errors.ts';
import { DEFAULT_LAB, labPath, loadLab } from '../../lab/load.ts';
import type { Lab } from '../../lab/model.ts';
import { REPO_ROOT } from '../../paths.ts';
import type { AttachOptions, CreateOptions, DestroyReport, RuntimeProvider } from '../provider.ts';
import { parseArtifactOverrides, PINNED, withOverrides } from './artifacts.ts';
import { assertInstance, defaultWorkDir, workFiles, type LabRecord } from './names.ts';
import type { KindRuntime } from './runtime.ts';

function isInstanceName(name: string): boolean {
  try {
    assertInstance(name);
    return true;
  } catch {
    return false;
  }
}

/** kind instances with a work directory under `.pelab/kind/` of `cwd`. */
function kindInstances(cwd: string = process.cwd()): string[] {
  try {
    return readdirSync(resolve(cwd, '.pelab', 'kind'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && isInstanceName(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function recordedLab(instance: string, dryRun: boolean): Promise<Lab> {
  const files = workFiles(defaultWorkDir(instance));
  if (existsSync(files.labRecord)) {
    let record: LabRecord;
    try {
      record = JSON.parse(readFileSync(files.labRecord, 'utf8')) as LabRecord;
    } catch (e) {
      throw new InputError(files.labRecord, '', `the lab record pelab up wrote (${e instanceof Error ? e.message : String(e)}); pass --lab`);
    }
    if (typeof record.lab !== 'string') throw new InputError(files.labRecord, 'lab', 'the path of the lab file; pass --lab');
    return loadLab(record.lab);
  }
  if (dryRun) return loadLab(labPath(existsSync(labPath(instance, REPO_ROOT)) ? instance : DEFAULT_LAB, REPO_ROOT));
  throw new InputError('command line', '--lab', `the lab of kind instance "${instance}" (${files.labRecord} is missing)`);
}

async function attachKind(instance: string, options: AttachOptions = {}): Promise<KindRuntime> {
  if (!isInstanceName(instance)) {
    throw new InputError('command line', '--name', `a kind instance name: lowercase letters, digits and "-", at most 20 (got "${instance}")`);
  }
  const dryRun = options.dryRun ?? false;
  const dir = defaultWorkDir(instance);
  if (!existsSync(dir) && !dryRun) {
    throw new LabNotUpError(`lab instance "${instance}" is not up on kind (no ${dir})`, `run: pelab up --runtime kind --name ${instance}`);
  }
  const lab = options.lab ?? (await recordedLab(instance, dryRun));
  const { KindRuntime } = await import('./runtime.ts');
  return new KindRuntime(lab, { instance, dryRun, workDir: dir, ...(options.out ? { out: options.out } : {}) });
}

export const kindProvider: RuntimeProvider = {
  kind: 'kind',
  canDryRun: true,

  async create(lab, options: CreateOptions = {}) {
    const { KindRuntime } = await import('./runtime.ts');
    const { artifacts: overrides = [], ...rest } = options;
    const artifacts = withOverrides(PINNED, parseArtifactOverrides(overrides));
    return new KindRuntime(lab, { ...rest, plan: { artifacts } });
  },

  attach: attachKind,

  async list() {
    return kindInstances();
  },

  async destroy(instance, options: AttachOptions = {}): Promise<DestroyReport> {
    const rt = await attachKind(instance, options);
    const started = performance.now();
    await rt.down();
    return { detail: 'kind cluster, containerlab fabric and work directory', ms: Math.round(performance.now() - started), dryRun: rt.dryRun };
  },

  noInstanceHelp: () => ({
    problem: `no kind lab instance under ${process.cwd()}/.pelab/kind/`,
    hint: 'run: pelab up --runtime kind (pelab finds kind instances by their work directory, so run it from the same directory)',
  }),
};
