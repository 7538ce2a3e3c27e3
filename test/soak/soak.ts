// The interruption soak: pelab killed with SIGINT or SIGKILL at a random moment during up, apply,
// run or down, each followed by a plain `pelab down`; then everything of the lab still on the
// machine is counted by an observer that shares no code with pelab's teardown (leftovers()).
// Real labs (the mini lab, real FRR in namespaces): root and FRR needed, like test/e2e.
import { execa, type ResultPromise } from 'execa';
import { ROOT, PELAB, leftovers, pelab } from '../e2e/helpers.ts';

export type Phase = 'up' | 'apply' | 'run' | 'down';
const PHASES: readonly Phase[] = ['up', 'apply', 'run', 'down'];
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGKILL'];

/**
 * When to interrupt, in ms after the command starts: from Node's start-up (~0.2 s) to the
 * command's length. These are first guesses; once a command of the phase has run to its end, its
 * measured length (which the machine's load moves) bounds the window instead, so that kills land
 * in every part of the work rather than after it.
 */
const WINDOW_MS: Readonly<Record<Phase, readonly [number, number]>> = {
  up: [200, 1800],
  apply: [200, 1500],
  run: [200, 5000],
  down: [150, 700],
};

const MANIFESTS = 'scenarios/mini-evpn/manifests.yaml';
const SCENARIO = 'scenarios/mini-evpn.yaml';

export interface SoakRun {
  readonly index: number;
  readonly phase: Phase;
  readonly signal: NodeJS.Signals;
  readonly afterMs: number;
  /** Exit code of the interrupted command (or the signal that ended it). */
  readonly interrupted: string;
  /** Exit code of the plain `down` that followed. */
  readonly downExit: number;
  readonly leftovers: readonly string[];
}

export interface SoakOptions {
  readonly runs: number;
  readonly instance: string;
  /** Seed for the choices, so a failing sequence can be replayed. */
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  readonly runs: readonly SoakRun[];
  readonly withLeftovers: number;
  /** Runs whose command ended before its signal came (exit 0 or 1): nothing was interrupted. */
  readonly finishedFirst: number;
}

/** mulberry32: a small seeded generator, so `SOAK_SEED` replays a sequence exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How long each phase's command took when it last ran to its end. */
type Lengths = Map<Phase, number>;

async function must(args: readonly string[], lengths: Lengths, phase: Phase): Promise<void> {
  const started = performance.now();
  const r = await pelab(args);
  if (r.exitCode !== 0) throw new Error(`pelab ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.trim()}`);
  lengths.set(phase, performance.now() - started);
}

function victimArgs(phase: Phase, instance: string): string[] {
  switch (phase) {
    case 'up':
      return ['up', '--lab', 'mini', '--name', instance];
    case 'apply':
      return ['apply', '--name', instance, MANIFESTS];
    case 'run':
      return ['run', SCENARIO, '--name', instance, '--bundle-dir', `out/soak-bundles/${instance}`];
    case 'down':
      return ['down', '--name', instance];
  }
}

/** Waits for the interrupted pelab to end; one still cleaning up after 60 s is killed. */
async function ended(child: ResultPromise): Promise<string> {
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    const r = await child;
    return r.signal ? String(r.signal) : `exit ${r.exitCode}`;
  } finally {
    clearTimeout(timer);
  }
}

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const rand = random(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const log = options.log ?? (() => undefined);
  const name = options.instance;
  const runs: SoakRun[] = [];
  const lengths: Lengths = new Map();
  // Whatever an earlier soak left behind is not this one's to count.
  await must(['down', '--name', name], lengths, 'down');
  for (let index = 1; index <= options.runs; index++) {
    const phase = pick(PHASES);
    const signal = pick(SIGNALS);
    if (phase === 'apply' || phase === 'down') await must(['up', '--lab', 'mini', '--name', name], lengths, 'up');
    if (phase === 'down') await must(['apply', '--name', name, MANIFESTS], lengths, 'apply');
    const [lo, guess] = WINDOW_MS[phase];
    const hi = Math.max(lo + 50, lengths.get(phase) ?? guess);
    const afterMs = Math.round(lo + rand() * (hi - lo));

    const started = performance.now();
    const child = execa(PELAB, victimArgs(phase, name), { cwd: ROOT, reject: false, env: { CI: 'true', NO_COLOR: '1' } });
    const timer = setTimeout(() => child.kill(signal), afterMs);
    const interrupted = await ended(child);
    clearTimeout(timer);
    if (interrupted === 'exit 0' || interrupted === 'exit 1') lengths.set(phase, performance.now() - started);

    const down = await pelab(['down', '--name', name]);
    const left = await leftovers(name);
    const failed = down.exitCode !== 0 ? [`down exited ${down.exitCode}: ${down.stderr.trim()}`] : [];
    const run: SoakRun = { index, phase, signal, afterMs, interrupted, downExit: down.exitCode, leftovers: [...failed, ...left] };
    runs.push(run);
    log(`${String(index).padStart(3)} ${phase.padEnd(5)} ${signal.padEnd(7)} at ${String(afterMs).padStart(4)} ms -> ${interrupted.padEnd(10)} down ${down.exitCode}` +
      (run.leftovers.length > 0 ? `  LEFTOVERS: ${run.leftovers.join('; ')}` : ''));
  }
  return {
    runs,
    withLeftovers: runs.filter((r) => r.leftovers.length > 0).length,
    finishedFirst: runs.filter((r) => r.interrupted === 'exit 0' || r.interrupted === 'exit 1').length,
  };
}

/** `make soak`: SOAK_N runs (default 100), SOAK_SEED (default: time), SOAK_NAME (default life-soak). */
async function main(): Promise<number> {
  const runs = Number(process.env.SOAK_N ?? 100);
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
  const instance = process.env.SOAK_NAME ?? 'life-soak';
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`soak: SOAK_N: expected a positive whole number (got "${process.env.SOAK_N}")\n`);
    return 2;
  }
  process.stdout.write(`soak: ${runs} runs on instance ${instance}, seed ${seed}\n`);
  const r = await soak({ runs, instance, seed, log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`${r.runs.length} interrupted runs, ${r.withLeftovers} with leftovers\n`);
  if (r.finishedFirst > 0) process.stdout.write(`(${r.finishedFirst} of them finished before their signal came)\n`);
  return r.withLeftovers > 0 ? 1 : 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = await main();
