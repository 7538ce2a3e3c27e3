// FRR answers a bad command or a missing VRF with a line of text instead of JSON; the error names
// the command's output so that a failed attempt shows what the router actually said.

export class OutputParseError extends Error {
  readonly output: string;
  constructor(what: string, output: string, detail?: string) {
    const shown = output.trim().slice(0, 200) || '(empty output)';
    super(`cannot parse ${what}${detail ? ` (${detail})` : ''}: ${shown}`);
    this.name = 'OutputParseError';
    this.output = output;
  }
}

export function parseJsonOutput(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OutputParseError(what, text, error instanceof Error ? error.message : undefined);
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectOf(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
