// pelab graph: the fabric as a picture (Mermaid for READMEs, DOT for Graphviz).
import { InputError } from '../../errors.ts';
import { toDot, toMermaid } from '../../report/graph.ts';
import { labFromOption, parse } from '../args.ts';

export async function graph(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { lab: { type: 'string' }, format: { type: 'string' } });
  const lab = await labFromOption(values.lab ?? positionals[0]);
  const format = values.format ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new InputError('command line', '--format', `mermaid or dot (got "${format}")`);
  process.stdout.write(format === 'dot' ? toDot(lab) : toMermaid(lab));
  return 0;
}
