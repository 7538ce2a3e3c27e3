// pelab dump: the failure bundle, on demand, for a lab that is up.
import { writeBundle } from '../../report/bundle.ts';
import { stringify } from 'yaml';
import { parse } from '../args.ts';
import { attachNetns, runningInstance } from '../instance.ts';

export async function dump(argv: string[]): Promise<number> {
  const { values } = parse(argv, { name: { type: 'string' }, out: { type: 'string' } });
  const rt = await attachNetns(await runningInstance(values.name, undefined));
  const dir = values.out ?? `out/dumps/${rt.instance}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const started = performance.now();
  const path = await writeBundle(rt, dir, { manifests: rt.ledger.data.applied.map((a) => stringify(a.manifest.body)).join('---\n') });
  process.stdout.write(`wrote ${path} in ${Math.round(performance.now() - started)} ms\n`);
  return 0;
}
