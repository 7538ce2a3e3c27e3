// Durations as scenario authors write them: `500ms`, `10s`, `1.5s`, `2m`. A bare number is
// rejected on purpose: `within: 10` reads as seconds to one person and milliseconds to another.
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

/** Milliseconds for `500ms|10s|2m`, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = m[2];
  const ms = unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
  return Math.round(ms);
}

export const durationSchema = z
  .string()
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 500ms, 10s or 2m, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

/** `1500` -> `1.5s`, `250` -> `250ms`, `120000` -> `2m`: for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}
