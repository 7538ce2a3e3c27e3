// What a fabric host needs before it can answer curl: its address and a default route through
// its leaf. Returned as argv lists so the netns runtime can run them without a shell, and joined
// into text only where a format wants strings (containerlab `exec:`).
import { host as hostOf } from '../lab/query.ts';
import type { Lab } from '../lab/model.ts';

interface HostSetupOptions {
  /**
   * The host already has a default route that must go first (containerlab's management eth0).
   * Off by default: a fresh network namespace has none, and `ip route del default` would fail.
   */
  readonly deleteExistingDefault?: boolean;
  /** Set this MTU on the fabric interface; by default the link's MTU is left alone. */
  readonly mtu?: number;
}

export function hostSetupCommands(lab: Lab, hostName: string, options: HostSetupOptions = {}): string[][] {
  const h = hostOf(lab, hostName);
  const dev = h.interface.name;
  const commands: string[][] = [];
  if (options.mtu !== undefined) {
    if (!Number.isInteger(options.mtu) || options.mtu < 68 || options.mtu > 65535) {
      throw new RangeError(`MTU ${options.mtu} for ${hostName} is not an integer from 68 to 65535`);
    }
    commands.push(['ip', 'link', 'set', 'dev', dev, 'mtu', String(options.mtu)]);
  }
  commands.push(['ip', 'address', 'add', `${h.address.ip}/${h.address.prefixLength}`, 'dev', dev]);
  commands.push(['ip', 'link', 'set', 'dev', dev, 'up']);
  if (options.deleteExistingDefault) commands.push(['ip', 'route', 'del', 'default']);
  commands.push(['ip', 'route', 'add', 'default', 'via', h.gateway, 'dev', dev]);
  return commands;
}

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** One argv as a POSIX shell word list: safe words stay bare, anything else is single-quoted. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((a) => (SAFE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
