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

/**
 * The one duration formatter, for messages and reports: `850ms`, `1.5s`, `30s`, `2m`, `2m05s`
 * (`-` for no value). Whole seconds and minutes print as a scenario author writes them.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const tenths = Math.round(ms / 100) / 10;
    return tenths < 60 ? `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)}s` : '1m';
  }
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
