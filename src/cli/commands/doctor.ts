// pelab doctor: what `pelab up --runtime kind` would trip over, printed before anything is created.
import { ExitCode } from '../../errors.ts';
import { parseArtifactOverrides, PINNED, withOverrides } from '../../runtime/kind/artifacts.ts';
import { formatDoctor, realProbes, runDoctor } from '../../runtime/kind/doctor.ts';
import { labFromOption, REPO_ROOT } from '../args.ts';

export async function doctor(values: { readonly lab?: string | undefined; readonly artifact?: readonly string[] | undefined; readonly json?: boolean | undefined }): Promise<number> {
  const lab = await labFromOption(values.lab);
  const artifacts = withOverrides(PINNED, parseArtifactOverrides([...(values.artifact ?? [])]));
  const checks = await runDoctor(realProbes(), { artifacts, lab, repoRoot: REPO_ROOT });
  process.stdout.write(values.json ? `${JSON.stringify(checks, null, 2)}\n` : formatDoctor(checks));
  return checks.some((c) => c.status === 'fail') ? ExitCode.checkFailed : ExitCode.ok;
}
