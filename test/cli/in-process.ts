// Runs pelab's main() in this process as a user would run bin/pelab: with its own arguments,
// working directory and environment, stdout and stderr captured. Spawning a Node process per
// command cost ~6 s each on this machine; main() is the same code bin/pelab runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Reporter } from '../../src/report/console.ts';

interface Cli {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

interface CliOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Environment variables a test may set; restored afterwards. PELAB_RUNTIME is cleared unless given. */
const SCOPED_ENV = ['PELAB_RUNTIME', 'NO_COLOR', 'PELAB_DEBUG', 'CI'] as const;

let running = false;

export async function pelab(args: readonly string[], options: CliOptions = {}): Promise<Cli> {
  // process.stdout and the working directory are process-wide: one command at a time.
  if (running) throw new Error('pelab() in-process calls must not overlap');
  running = true;
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const savedEnv = Object.fromEntries(SCOPED_ENV.map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  const started = performance.now();
  try {
    for (const k of SCOPED_ENV) delete process.env[k];
    Object.assign(process.env, { NO_COLOR: '1', ...options.env });
    if (options.cwd) process.chdir(options.cwd);
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - started };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.chdir(savedCwd);
    for (const k of SCOPED_ENV) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    running = false;
  }
}

/**
 * A maker of fresh temporary directories for one test file, each removed after every test. Call
 * it at the top level of the file: it registers the cleanup with vitest's afterEach.
 */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

/** A reporter that prints nothing, for runs whose result the test reads instead. */
export const silentReporter: Reporter = { phaseStart() {}, phaseEnd() {}, checkStart() {}, checkAttempt() {}, checkEnd() {}, warning() {}, runEnd() {}, close() {} };
