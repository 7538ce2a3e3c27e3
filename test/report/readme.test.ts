// The README shows the singlecluster fabric as Mermaid; it must be what `pelab graph` draws today.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/load.ts';
import { toMermaid } from '../../src/report/graph.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('README', () => {
  it('embeds the current Mermaid picture of singlecluster', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README.md has no mermaid block').toBeDefined();
    const lab = await loadLab(join(ROOT, 'labs', 'singlecluster.yaml'));
    expect(block!.trim()).toBe(toMermaid(lab).trim());
  });

  it('gives the two commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('make demo-metallb');
    expect(readme).toContain('make test');
  });
});
