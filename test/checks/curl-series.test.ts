// The curl series' argv and its stream reader, on a REAL recorded series (test/fixtures/curl/
// series-mixed.txt: curl 7.88.1 in a private network namespace, five transfers: a dropped SYN, a
// refused port, an answer, a server that accepts and never answers, a 404).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { curlSeriesArgv, CurlSeriesReader, type CurlOutcome } from '../../src/checks/parse/curl.ts';

const recorded = readFileSync(new URL('../fixtures/curl/series-mixed.txt', import.meta.url), 'utf8');

function readAll(chunks: readonly string[], nonce = 'fixture0'): CurlOutcome[] {
  const reader = new CurlSeriesReader(nonce);
  return chunks.flatMap((c) => reader.push(c));
}

describe('curl series', () => {
  it('one curl, one transfer per attempt, started an interval apart, its output line-buffered', () => {
    const argv = curlSeriesArgv({ url: 'http://172.30.0.10:80/', count: 7, intervalMs: 500, nonce: 'ab12', maxTimeS: 1, connectTimeoutS: 0.3 });
    expect(argv.slice(0, 3)).toEqual(['stdbuf', '-oL', 'curl']);
    expect(argv).toContain('--no-buffer');
    expect(argv[argv.indexOf('--rate') + 1]).toBe('7200/h');
    expect(argv[argv.indexOf('--connect-timeout') + 1]).toBe('0.3');
    expect(argv.filter((a) => a === 'http://172.30.0.10:80/')).toHaveLength(7);
    expect(argv[argv.indexOf('-w') + 1]).toContain('[pelab-curl ab12] %{exitcode}');
    expect(() => curlSeriesArgv({ url: 'http://x/', count: 0, intervalMs: 500, nonce: 'a', maxTimeS: 1 })).toThrow(/count/);
    expect(() => curlSeriesArgv({ url: 'http://x/', count: 1, intervalMs: 500, nonce: 'a b', maxTimeS: 1 })).toThrow(/nonce/);
  });

  it('reads each transfer as one curl would have reported it', () => {
    const outcomes = readAll([recorded]);
    expect(outcomes.map((o) => [o.kind, o.exitCode, o.status])).toEqual([
      ['timeout', 28, 0],
      ['unreachable', 7, 0],
      ['reached', 0, 200],
      // Connected, then no answer within --max-time: not isolation.
      ['error', 28, 0],
      ['reached', 0, 404],
    ]);
    expect(outcomes[0]).toMatchObject({ error: 'curl: (28) Failed to connect to 127.0.0.1 port 8081 after 300 ms: Timeout was reached' });
    expect(outcomes[0]!.remoteIp).toBeUndefined();
    expect(outcomes[2]).toMatchObject({ body: 'hello from the red service\n', remoteIp: '127.0.0.1', localIp: '127.0.0.1' });
    expect(outcomes[2]!.error).toBeUndefined();
    expect(outcomes[3]).toMatchObject({ remoteIp: '127.0.0.1' });
    expect(outcomes[4]!.body).toContain('Error code: 404');
  });

  it('gives the same transfers however the stream is cut, each as soon as its line is complete', () => {
    const whole = readAll([recorded]);
    expect(readAll(recorded.split(''))).toEqual(whole);
    expect(readAll(recorded.match(/[\s\S]{1,7}/g)!)).toEqual(whole);
    const reader = new CurlSeriesReader('fixture0');
    const firstLineEnd = recorded.indexOf('\n', 1);
    expect(reader.push(recorded.slice(0, firstLineEnd))).toEqual([]);
    expect(reader.push('\n')).toHaveLength(1);
  });

  it('a body carrying a trailer of another series is body, not a transfer', () => {
    const forged = 'x\n[pelab-curl other] 7 000  0  refused\n';
    const outcomes = readAll([`${forged}\n[pelab-curl fixture0] 0 200 10.0.0.1 80 10.0.0.2 \n`]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ kind: 'reached', status: 200, body: forged });
  });
});
