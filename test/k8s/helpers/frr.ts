// Real FRR 8.4 for the renderer tests: `vtysh -C` checks syntax only, so configs are also
// loaded into a throwaway zebra+bgpd in a network namespace (prefix pelabt-k8s-), which rejects
// semantic errors (an unknown neighbor, a missing remote-as) too. Everything started here is
// stopped by pid and the namespace deleted.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const frrAvailable = existsSync('/usr/bin/vtysh') && existsSync('/usr/lib/frr/bgpd') && process.getuid?.() === 0;

interface Run {
  readonly code: number;
  readonly output: string;
}

function run(cmd: string, args: readonly string[]): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function tmpFile(config: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelabt-k8s-'));
  const file = path.join(dir, 'frr.conf');
  writeFileSync(file, config);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `vtysh -C -f`: syntax check without daemons. */
export function vtyshDryRun(config: string): Run {
  const t = tmpFile(config);
  try {
    return run('vtysh', ['-C', '-f', t.file]);
  } finally {
    t.cleanup();
  }
}

let counter = 0;

export class FrrInstance {
  readonly name: string;
  private readonly runDir: string;
  private started = false;
  private readonly daemons: readonly string[];

  /** zebra and bgpd; bfdd too when the configs under test use BFD. */
  constructor(daemons: readonly string[] = ['zebra', 'bgpd']) {
    this.daemons = daemons;
    this.name = `pelabt-k8s-${process.pid}-${counter++}`;
    this.runDir = `/var/run/frr/${this.name}`;
  }

  start(): void {
    execFileSync('ip', ['netns', 'add', this.name]);
    this.started = true;
    mkdirSync(this.runDir, { recursive: true });
    execFileSync('chown', ['frr:frr', this.runDir]);
    for (const d of this.daemons) {
      execFileSync('ip', [
        'netns', 'exec', this.name, `/usr/lib/frr/${d}`,
        '-d', '-N', this.name, '-F', 'traditional', '-u', 'frr', '-g', 'frr', '-P', '0',
        '-i', `${this.runDir}/${d}.pid`, '--log', `file:${this.runDir}/${d}.log`,
      ]);
    }
    const deadline = Date.now() + 10_000;
    while (!this.daemons.every((d) => existsSync(`${this.runDir}/${d}.vty`))) {
      if (Date.now() > deadline) throw new Error(`FRR instance ${this.name} did not come up`);
      execFileSync('sleep', ['0.05']);
    }
  }

  /** `vtysh -N <inst> -f <file>`: what the netns runtime does to configure a router. */
  load(config: string): Run {
    const t = tmpFile(config);
    try {
      return run('vtysh', ['-N', this.name, '-f', t.file]);
    } finally {
      t.cleanup();
    }
  }

  show(command: string): string {
    return run('vtysh', ['-N', this.name, '-c', command]).output;
  }

  stop(): void {
    for (const d of [...this.daemons].reverse()) {
      const pidFile = `${this.runDir}/${d}.pid`;
      if (!existsSync(pidFile)) continue;
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (this.started) spawnSync('ip', ['netns', 'del', this.name]);
    rmSync(this.runDir, { recursive: true, force: true });
  }
}

/** Lines of a vtysh run that report a rejected command or a dangling reference. */
export function rejectedLines(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /^line \d+:|^% |Failure to communicate|does not exist/.test(l))
    // vtysh looks for its own vtysh.conf per instance; pelab does not use one.
    .filter((l) => !/Can't open configuration file .*vtysh\.conf/.test(l))
    // bfdd's note on accepting echo-mode (it works for IPv4; IPv6 only towards FRR), not a refusal.
    .filter((l) => !/^% Echo mode works correctly for IPv4/.test(l));
}
