// pelab validate: scenarios (with their lab, manifests and checks), manifests and lab files,
// checked without running anything. `-o json|yaml` prints one entry per file for scripts.
import { InputError, InputErrors } from '../../errors.ts';
import { loadLab } from '../../lab/load.ts';
import { loadManifestFiles } from '../../k8s/load.ts';
import { validateManifests } from '../../k8s/validate.ts';
import { loadScenario } from '../../scenario/load.ts';
import { readTextFile } from '../../yaml/source.ts';
import { formatOutput } from '../output.ts';
import type { OutputFormat } from '../options.ts';

interface ValidatedFile {
  readonly file: string;
  readonly ok: boolean;
  /** Scenario, Lab or manifests; unknown when the file could not be read. */
  readonly kind: 'Scenario' | 'Lab' | 'manifests' | 'unknown';
  readonly summary?: string;
  readonly warnings: readonly string[];
  readonly errors: readonly { readonly file: string; readonly line?: number; readonly path: string; readonly expected: string }[];
}

function kindOf(text: string): ValidatedFile['kind'] {
  const m = /^kind:\s*(\S+)/m.exec(text);
  return m?.[1] === 'Scenario' ? 'Scenario' : m?.[1] === 'Lab' ? 'Lab' : 'manifests';
}

async function validateFile(file: string): Promise<ValidatedFile> {
  let kind: ValidatedFile['kind'] = 'unknown';
  const warnings: string[] = [];
  try {
    const text = await readTextFile(file);
    // An empty file validates as nothing at all: that is never what the user meant to check.
    if (text.trim() === '') throw new InputError(file, '', 'a scenario, lab or Kubernetes manifest file (this file is empty)');
    kind = kindOf(text);
    let summary: string;
    if (kind === 'Scenario') {
      const s = await loadScenario(file);
      summary = `scenario ${s.name} on lab ${s.lab.name}, ${s.steps.length} steps, ${s.manifestsByFile.size} manifest files`;
    } else if (kind === 'Lab') {
      const lab = await loadLab(file);
      summary = `lab ${lab.name}, ${lab.routers.length} routers, ${lab.hosts.length} hosts, ${lab.cluster?.nodes.length ?? 0} cluster nodes`;
    } else {
      const { manifests, warnings: w } = validateManifests(await loadManifestFiles([file]), { crossObject: false });
      if (manifests.length === 0) throw new InputError(file, '', 'at least one Kubernetes object (the file holds only empty YAML documents)');
      warnings.push(...w);
      summary = `${manifests.length} Kubernetes objects`;
    }
    return { file, ok: true, kind, summary, warnings, errors: [] };
  } catch (e) {
    const errors = e instanceof InputErrors ? e.errors : e instanceof InputError ? [e] : undefined;
    if (!errors) throw e;
    return { file, ok: false, kind, warnings, errors: errors.map((x) => ({ file: x.file, ...(x.line === undefined ? {} : { line: x.line }), path: x.path, expected: x.expected })) };
  }
}

export async function validate(files: readonly string[], values: { readonly output: OutputFormat }): Promise<number> {
  if (files.length === 0) throw new InputError('command line', 'validate', 'pelab validate <scenario, manifest or lab files...>');
  const results: ValidatedFile[] = [];
  for (const file of files) results.push(await validateFile(file));
  if (values.output !== 'text') {
    process.stdout.write(formatOutput(results, values.output));
    return results.every((r) => r.ok) ? 0 : 2;
  }
  for (const r of results) {
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    if (r.ok) process.stdout.write(`ok  ${r.file}: ${r.summary}\n`);
  }
  const errors = results.flatMap((r) => r.errors.map((x) => new InputError(x.file, x.path, x.expected, x.line)));
  if (errors.length > 0) throw new InputErrors(errors);
  return 0;
}
