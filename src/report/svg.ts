// Graphviz in-process (@viz-js/viz, Graphviz compiled to WebAssembly): SVG pictures without a
// `dot` binary on the machine, for `pelab graph --format svg|html` and the HTML run report.
import { instance } from '@viz-js/viz';

/** DOT text to a standalone SVG document (no XML prolog, so it can be inlined in HTML). */
export async function dotToSvg(dot: string): Promise<string> {
  const viz = await instance();
  const svg = viz.renderString(dot, { format: 'svg' });
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A self-contained page around an SVG picture: no scripts, no external resources. */
export function svgPage(title: string, svg: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:Helvetica,Arial,sans-serif;margin:1rem}svg{max-width:100%;height:auto}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${svg}
</body></html>
`;
}
