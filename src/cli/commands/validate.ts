// pelab validate: scenarios (with their lab, manifests and checks), manifests and lab files,
// checked without running anything.
import { readFile } from 'node:fs/promises';
import { InputError, InputErrors } from '../../errors.ts';
import { loadLab } from '../../lab/load.ts';
import { loadManifestFiles } from '../../k8s/load.ts';
import { validateManifests } from '../../k8s/validate.ts';
import { loadScenario } from '../../scenario/load.ts';
import { parse } from '../args.ts';

async function kindOf(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const m = /^kind:\s*(\S+)/m.exec(text);
  return m?.[1] ?? '';
}

export async function validate(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {});
  if (positionals.length === 0) throw new InputError('command line', 'validate', 'pelab validate <scenario, manifest or lab files...>');
  const errors: InputError[] = [];
  for (const file of positionals) {
    try {
      const kind = await kindOf(file);
      if (kind === 'Scenario') {
        const s = await loadScenario(file);
        process.stdout.write(`ok  ${file}: scenario ${s.name} on lab ${s.lab.name}, ${s.steps.length} steps, ${s.manifestsByFile.size} manifest files\n`);
      } else if (kind === 'Lab') {
        const lab = await loadLab(file);
        process.stdout.write(`ok  ${file}: lab ${lab.name}, ${lab.routers.length} routers, ${lab.hosts.length} hosts, ${lab.cluster?.nodes.length ?? 0} cluster nodes\n`);
      } else {
        const { manifests, warnings } = validateManifests(await loadManifestFiles([file]), { crossObject: false });
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`ok  ${file}: ${manifests.length} Kubernetes objects\n`);
      }
    } catch (e) {
      if (e instanceof InputErrors) errors.push(...e.errors);
      else if (e instanceof InputError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return 0;
}
