// Telling a live process from a dead one whose pid the kernel has handed out again: a pid plus
// its kernel start time names one process for good.
import { readFileSync } from 'node:fs';

/** Start time of a live process (field 22 of /proc/<pid>/stat), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the closing paren are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
