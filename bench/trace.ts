// Where pelab's wall time goes, by the commands it runs: every external command goes through
// src/proc/run.ts, whose trace hook reports argv and duration. Durations of concurrent commands
// overlap, so the sums can exceed the wall time of the phase.
import { setTraceHook } from '../src/proc/run.ts';

export function categoryOf(argv: readonly string[]): string {
  if (argv[0] === 'nsenter') {
    const dash = argv.indexOf('--');
    return dash >= 0 && dash + 1 < argv.length ? categoryOf(argv.slice(dash + 1)) : 'nsenter';
  }
  const base = (argv[0] ?? '').split('/').pop() ?? '';
  switch (base) {
    case 'vtysh':
      if (argv.includes('-f')) return 'vtysh -f (load config)';
      if (argv.includes('configure terminal')) return 'vtysh configure';
      return `vtysh ${argv[argv.indexOf('-c') + 1] ?? ''}`.trim();
    case 'python3':
      return argv.some((a) => a.endsWith('frr-reload.py')) ? 'frr-reload.py' : 'python3';
    case 'ip':
      return argv.includes('-batch') ? 'ip -batch' : `ip ${argv.slice(1).filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}`;
    case 'zebra':
    case 'bgpd':
    case 'staticd':
      return `start ${base}`;
    default:
      return base;
  }
}

export type CommandStats = Record<string, { count: number; ms: number }>;

/** Records commands until stop(); only one trace can be active (the hook is global). */
export class CommandTrace {
  private stats: CommandStats = {};

  start(): void {
    this.stats = {};
    setTraceHook((argv, r) => {
      const c = (this.stats[categoryOf(argv)] ??= { count: 0, ms: 0 });
      c.count += 1;
      c.ms += r.ms;
    });
  }

  /** Returns what was recorded since start() and starts a new record. */
  cut(): CommandStats {
    const s = this.stats;
    this.stats = {};
    return Object.fromEntries(Object.entries(s).sort((a, b) => b[1].ms - a[1].ms));
  }

  stop(): CommandStats {
    const s = this.cut();
    setTraceHook(undefined);
    return s;
  }
}
