// One way to print a result for scripts: `-o json` (pretty JSON) or `-o yaml`.
import { stringify } from 'yaml';

export function formatOutput(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { aliasDuplicateObjects: false });
}
