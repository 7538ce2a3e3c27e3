// Every external command pelab runs goes through here: argv arrays only (no shell), a timeout,
// and a trace hook so the timeline and failure bundles can show what was done.
//
// Straight on node:child_process rather than a process library: pelab starts every command from
// its one thread (~110 in `up`, more in a scenario's checks), and execa cost 1.0-1.3 ms more of
// that thread per command than a bare spawn (measured: 2.2 against 0.9 ms CPU per command, 200
// commands 4 at a time), which was most of what `up` took beyond the bare command sequence.
// What pelab needs of it is small: collect output, feed stdin, a deadline, an abort signal.
import { spawn } from 'node:child_process';
import { LabBuildError } from '../errors.ts';

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  /** Added to pelab's environment. */
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
/** A command that ignores SIGTERM at its deadline (or abort) gets SIGKILL this much later. */
const KILL_GRACE_MS = 5_000;
/** Exit code of a command that could not be started (as a shell says for "not found"). */
const NOT_STARTED = 127;

type TraceHook = (argv: readonly string[], result: RunResult) => void;

let traceHook: TraceHook | undefined;
export function setTraceHook(hook: TraceHook | undefined): void {
  traceHook = hook;
}

interface Ended {
  /** null when a signal ended it. */
  readonly code: number | null;
  readonly timedOut: boolean;
  /** Set when the command could not be started (ENOENT, EACCES). */
  readonly startError?: Error;
}

/** A finished command as a RunResult (a timeout is exit 124 and says so in stderr), traced once. */
function ended(argv: readonly string[], end: Ended, stdout: string, stderrText: string, timeoutMs: number, started: number): RunResult {
  const stderr = end.startError ? `${stderrText}${end.startError.message}` : stderrText;
  const result: RunResult = {
    exitCode: end.startError ? NOT_STARTED : (end.code ?? (end.timedOut ? 124 : 1)),
    stdout,
    stderr: end.timedOut ? `${stderr}\n(timed out after ${timeoutMs} ms)` : stderr,
    ms: Math.round(performance.now() - started),
  };
  traceHook?.(argv, result);
  return result;
}

/**
 * Starts `argv` and settles once it has ended and its output is read. At the deadline or on abort
 * it gets SIGTERM (SIGKILL if it lingers). A daemon the command started (`zebra -d`, `sh -c 'x &'`)
 * inherits stdout and stderr and can hold them open for its whole life; past the deadline plus a
 * grace, reading stops, so the command's end is never tied to its daemon's.
 */
function start(
  argv: readonly string[],
  options: { timeoutMs: number; input?: string; env?: Readonly<Record<string, string>>; signal?: AbortSignal; onStdout?: (chunk: string) => void },
): { stop: () => void; done: Promise<{ end: Ended; stdout: string; stderr: string }> } {
  const [file, ...args] = argv;
  if (!file) throw new Error('run: empty argv');
  const child = spawn(file, args, {
    stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', options.onStdout ?? ((chunk: string) => (stdout += chunk)));
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  if (options.input !== undefined) {
    // A command that exits without reading its input closes the pipe: not an error of ours.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input);
  }
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = (): void => {
    if (!running()) return;
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  const deadline = setTimeout(() => {
    // Only a command still running timed out; one whose daemon holds its pipes has ended.
    if (!running()) return;
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const pipeDeadline = setTimeout(() => {
    child.stdout!.destroy();
    child.stderr!.destroy();
  }, options.timeoutMs + PIPE_GRACE_MS);
  const onAbort = (): void => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop();
  const done = new Promise<{ end: Ended; stdout: string; stderr: string }>((resolve) => {
    const finish = (end: Ended): void => {
      clearTimeout(deadline);
      clearTimeout(pipeDeadline);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ end, stdout, stderr });
    };
    child.once('error', (error) => {
      // Only a command that never started has no pid; a failed kill() also lands here.
      if (child.pid === undefined) finish({ code: null, timedOut: false, startError: error });
    });
    child.once('close', (code) => finish({ code, timedOut }));
  });
  return { stop, done };
}

export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { done } = start(argv, {
    timeoutMs,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const { end, stdout, stderr } = await done;
  const result = ended(argv, end, stdout, stderr, timeoutMs, started);
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
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const listeners: ((chunk: string) => void)[] = [];
  const { stop, done } = start(argv, {
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    onStdout: (chunk) => {
      for (const l of listeners) l(chunk);
    },
  });
  const result = done.then(({ end, stderr }) => ended(argv, end, '', stderr, timeoutMs, started));
  return {
    onStdout: (listener) => listeners.push(listener),
    result,
    stop,
  };
}
