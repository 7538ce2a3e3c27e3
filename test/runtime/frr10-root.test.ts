// The private Debian 13 root that PELAB_FRR=10 uses on Debian 12 really runs FRR 10: its zebra
// starts (in a chroot) and says so. Built by `PELAB_FRR=10 make setup` or `make frr10-root`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../.cache/frr10/root');
const built = existsSync(`${root}/.pelab-complete`);
if (!built) console.log(`frr10-root: skipping: no FRR 10 root at ${root} (make frr10-root builds it)`);

describe('FRR 10 private root', () => {
  it.skipIf(!built)('runs zebra 10.x and carries frr-reload.py', () => {
    const r = spawnSync('chroot', [root, '/usr/lib/frr/zebra', '--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^zebra version 10\.\d+/);
    expect(existsSync(`${root}/usr/lib/frr/frr-reload.py`)).toBe(true);
    expect(existsSync(`${root}/usr/lib/frr/bgpd`)).toBe(true);
  });
});
