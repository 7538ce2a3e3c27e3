// run(): the one way pelab starts a command. Real processes (sh, sleep), no fakes.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/proc/run.ts';

// The background sleeps below carry a unique argument, so the test can end exactly them.
const marker = `${process.pid}${Date.now() % 100000}`;
afterEach(async () => {
  await run(['pkill', '-f', `^sleep 3${marker}$`], { allowFailure: true });
});

describe('run', () => {
  it('returns the exit code and output of a command', async () => {
    const r = await run(['sh', '-c', 'echo out; echo err >&2; exit 3'], { allowFailure: true });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('keeps its deadline when a daemon the command started holds stdout open', async () => {
    // Before: execa waited for the pipe to close, i.e. for the 3<marker>-second sleep to end.
    const started = performance.now();
    const r = await run(['sh', '-c', `sleep 3${marker} & sleep 3${marker}`], { timeoutMs: 300, allowFailure: true });
    const ms = performance.now() - started;
    expect(r.exitCode).toBe(124);
    expect(r.stderr).toContain('timed out after 300 ms');
    expect(ms).toBeLessThan(5_000);
  });

  it('returns a command that exited when only its daemon still holds the pipe', async () => {
    const r = await run(['sh', '-c', `echo started; sleep 3${marker} & exit 0`], { timeoutMs: 300 });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'started\n' });
  });
});
