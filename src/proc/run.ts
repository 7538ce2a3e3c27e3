// Every external command pelab runs goes through here: argv arrays only (no shell), a timeout,
// and a trace hook so the timeline and failure bundles can show what was done.
import { execa } from 'execa';
import { LabBuildError } from '../errors.ts';

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Return the result instead of throwing on a non-zero exit. */
  readonly allowFailure?: boolean;
  readonly signal?: AbortSignal;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** How long past its timeout a command's inherited pipes may stay open before run() stops reading them. */
const PIPE_GRACE_MS = 500;

type TraceHook = (argv: readonly string[], result: RunResult) => void;

let traceHook: TraceHook | undefined;
export function setTraceHook(hook: TraceHook | undefined): void {
  traceHook = hook;
}

/** A finished command as a RunResult (a timeout is exit 124 and says so in stderr), traced once. */
function ended(
  argv: readonly string[],
  child: { exitCode?: number | undefined; timedOut: boolean; stderr?: unknown },
  stdout: string,
  timeoutMs: number,
  started: number,
): RunResult {
  const stderr = String(child.stderr ?? '');
  const result: RunResult = {
    exitCode: child.exitCode ?? (child.timedOut ? 124 : 1),
    stdout,
    stderr: child.timedOut ? `${stderr}\n(timed out after ${timeoutMs} ms)` : stderr,
    ms: Math.round(performance.now() - started),
  };
  traceHook?.(argv, result);
  return result;
}

export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('run: empty argv');
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const subprocess = execa(file, args, {
    reject: false,
    timeout: timeoutMs,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    stripFinalNewline: false,
  });
  // execa settles only once stdout and stderr close. A daemon the command started (`zebra -d`,
  // `sh -c 'x &'`) inherits them and can hold them open for its whole life, so the timeout alone
  // kills the command but never returns. Past the deadline plus a grace, stop reading instead.
  const pipeDeadline = setTimeout(() => {
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
  }, timeoutMs + PIPE_GRACE_MS);
  const child = await subprocess.finally(() => clearTimeout(pipeDeadline));
  const result = ended(argv, child, String(child.stdout ?? ''), timeoutMs, started);
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw new LabBuildError(`command failed (exit ${result.exitCode}): ${argv.join(' ')}\n${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result;
}

/** A command whose stdout is read while it runs (a series of probes in one process); a runtime's ExecStream. */
export interface StreamedRun {
  /** stdout, chunk by chunk as it arrives (UTF-8); a listener sees only chunks after it was added. */
  onStdout(listener: (chunk: string) => void): void;
  /** Settles when the command has ended (stdout empty here: it went to the listeners). */
  readonly result: Promise<RunResult>;
  /** Ends the command now (SIGTERM); `result` still settles. */
  stop(): void;
}

/**
 * Starts a command and streams its stdout. Like run(): argv only, a timeout, the trace hook (once,
 * when it ends), and never throws for a failing command: `result` carries the exit code.
 */
export function runStream(argv: readonly string[], options: Pick<RunOptions, 'timeoutMs' | 'signal'> = {}): StreamedRun {
  const [file, ...args] = argv;
  if (!file) throw new Error('runStream: empty argv');
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const subprocess = execa(file, args, {
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    stripFinalNewline: false,
  });
  const listeners: ((chunk: string) => void)[] = [];
  subprocess.stdout?.setEncoding('utf8');
  subprocess.stdout?.on('data', (chunk: string) => {
    for (const l of listeners) l(chunk);
  });
  const result = subprocess.then((child) => ended(argv, child, '', timeoutMs, started));
  return {
    onStdout: (listener) => listeners.push(listener),
    result,
    stop: () => {
      subprocess.kill();
    },
  };
}
