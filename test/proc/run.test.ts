// run(): the one way pelab starts a command. Real processes (sh, sleep), no fakes.
import { afterEach, describe, expect, it } from 'vitest';
import { run, runStream } from '../../src/proc/run.ts';

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

  it('feeds input to stdin and adds env to pelab\'s environment', async () => {
    const r = await run(['sh', '-c', 'cat; echo "$PELAB_RUN_TEST $HOME"'], { input: 'line1\nline2\n', env: { PELAB_RUN_TEST: 'set' } });
    expect(r.stdout).toBe(`line1\nline2\nset ${process.env.HOME}\n`);
  });

  it('a command that does not read its input is not an error', async () => {
    const r = await run(['true'], { input: 'x'.repeat(1 << 20) });
    expect(r.exitCode).toBe(0);
  });

  it('a command that cannot start is exit 127 with the reason, and throws unless failure is allowed', async () => {
    const r = await run(['/nonexistent/pelab-cmd'], { allowFailure: true });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('ENOENT');
    await expect(run(['/nonexistent/pelab-cmd'])).rejects.toThrow(/exit 127.*\/nonexistent\/pelab-cmd/s);
  });

  it('an abort ends the command at once', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const r = await run(['sleep', `3${marker}`], { signal: controller.signal, allowFailure: true });
    expect(r.exitCode).toBe(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a command that ends before its deadline did not time out, even with a daemon on its pipe', async () => {
    const r = await run(['sh', '-c', `sleep 3${marker} & exit 0`], { timeoutMs: 200 });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('timed out');
  });
});

describe('runStream', () => {
  it('hands stdout over chunk by chunk while the command runs, and stop() ends it', async () => {
    const s = runStream(['sh', '-c', 'echo one; sleep 0.2; echo two; exec sleep 30']);
    const seen: string[] = [];
    s.onStdout((chunk) => {
      seen.push(chunk);
      if (seen.join('').includes('two')) s.stop();
    });
    const r = await s.result;
    expect(seen.join('')).toBe('one\ntwo\n');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('times out like run (exit 124)', async () => {
    const r = await runStream(['sleep', `3${marker}`], { timeoutMs: 150 }).result;
    expect(r.exitCode).toBe(124);
    expect(r.stderr).toContain('timed out after 150 ms');
  });
});

