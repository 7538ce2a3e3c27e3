// Exit codes are part of pelab's interface: CI and users branch on them.
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  badInput: 2,
  labBuildFailed: 3,
} as const;

/** Bad input: a file that does not validate. Names the file, the path inside it and what was expected. */
export class InputError extends Error {
  readonly exitCode = ExitCode.badInput;
  readonly file: string;
  readonly path: string;
  readonly expected: string;
  readonly line: number | undefined;
  constructor(file: string, path: string, expected: string, line?: number) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(`${where}: ${path || '(document)'}: ${expected}`);
    this.name = 'InputError';
    this.file = file;
    this.path = path;
    this.expected = expected;
    this.line = line;
  }
}

/** Several input problems found in one pass, reported together. */
export class InputErrors extends Error {
  readonly exitCode = ExitCode.badInput;
  readonly errors: readonly InputError[];
  constructor(errors: readonly InputError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'InputErrors';
    this.errors = errors;
  }
}

/** The lab could not be built or torn down (missing tools, no root, a command that failed). */
export class LabBuildError extends Error {
  readonly exitCode = ExitCode.labBuildFailed;
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(hint ? `${message}\n  hint: ${hint}` : message, options);
    this.name = 'LabBuildError';
    this.hint = hint;
  }
}

/** The lab a command is about is not up (or no lab is): nothing failed to build, there is nothing there. */
export class LabNotUpError extends LabBuildError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'LabNotUpError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof InputError || error instanceof InputErrors) return ExitCode.badInput;
  if (error instanceof LabBuildError) return ExitCode.labBuildFailed;
  return ExitCode.labBuildFailed;
}
