// A lab that was never built still leaves a failure bundle that explains itself, and holds only
// what exists. Real: `pelab run --runtime kind` on a machine without a Docker daemon, the case
// that used to give 188 error files out of 192 and an index.md that did not say why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pelab, tempDirs } from './in-process.ts';

const tmp = tempDirs('pelab-never-built-');

// With a Docker daemon here, the kind runtime would really start building a cluster.
const dockerHere = existsSync('/var/run/docker.sock') || process.env['DOCKER_HOST'] !== undefined;
// `run` takes the lab's lock under /run/lock/pelab, which needs root.
const root = process.getuid?.() === 0;
const skip = dockerHere ? 'a Docker daemon may answer here: the kind runtime would build a real cluster' : !root ? 'pelab run takes its lab lock under /run/lock (root only)' : undefined;
if (skip) console.log(`SKIP never-built bundle test: ${skip}`);

describe.skipIf(skip !== undefined)('failure bundle of a lab that was never built (kind runtime, no Docker daemon)', () => {
  it('exit 3; the bundle holds index, result, timeline and status only; index.md says why', { timeout: 60_000 }, async () => {
    const out = tmp();
    const r = await pelab(['run', '--runtime', 'kind', 'scenarios/metallb-evpn.yaml', '--name', 'cli-never', '--bundle-dir', out]);
    expect(r.code, r.stderr).toBe(3);
    const [bundle, ...more] = readdirSync(out);
    expect(more).toEqual([]);
    const dir = join(out, bundle!);
    expect(readdirSync(dir).sort()).toEqual(['index.md', 'result.json', 'status.json', 'timeline.txt']);
    for (const f of ['result.json', 'status.json']) expect(() => JSON.parse(readFileSync(join(dir, f), 'utf8'))).not.toThrow();
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    const why = index.slice(index.indexOf('## Why this bundle exists'), index.indexOf('## Files'));
    expect(why).toMatch(/> The run stopped: check that docker is available/);
    expect(index).toMatch(/16 of the lab's targets are not there/);
    expect(index).toContain('- router leafA: ');
  });
});
