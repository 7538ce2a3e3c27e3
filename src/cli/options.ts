// Option types shared by the command line's shape (program.ts) and the commands it calls.

/** Options every runtime-aware command accepts, before or after the command's name. */
export interface GlobalOptions {
  readonly runtime?: string;
  readonly dryRun?: boolean;
}

/** Where each command's result goes: `text` for people, `json`/`yaml` for scripts (stdout). */
export const OUTPUT_FORMATS = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
