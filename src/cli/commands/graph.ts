// pelab graph: the fabric as a picture (Mermaid for READMEs, DOT for Graphviz, SVG and a
// self-contained HTML page rendered in-process).
import { toDot, toMermaid } from '../../report/graph.ts';
import { dotToSvg, svgPage } from '../../report/svg.ts';
import { labFromOption } from '../args.ts';

type GraphFormat = 'mermaid' | 'dot' | 'svg' | 'html';

export async function graph(values: { readonly lab?: string | undefined; readonly format: GraphFormat }): Promise<number> {
  const lab = await labFromOption(values.lab);
  const text = await (async () => {
    switch (values.format) {
      case 'mermaid':
        return toMermaid(lab);
      case 'dot':
        return toDot(lab);
      case 'svg':
        return `${await dotToSvg(toDot(lab))}\n`;
      case 'html':
        return svgPage(`pelab lab ${lab.name}`, await dotToSvg(toDot(lab)));
    }
  })();
  process.stdout.write(text);
  return 0;
}
