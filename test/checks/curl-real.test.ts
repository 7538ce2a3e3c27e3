// curl itself, in a private network namespace (unshare --net: only `lo`, nothing of the host's):
// short timeouts must not turn a slow server into "isolated". The parser reads the remote
// address curl prints once its connection is made.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlArgv, parseCurl, type CurlOutcome } from '../../src/checks/parse/curl.ts';
import { evaluateHttp, type HttpPlan } from '../../src/checks/kinds/http.ts';

const skipReason = process.getuid?.() !== 0 ? 'needs root for a private network namespace' : undefined;
if (skipReason) console.log(`skipping real curl tests: ${skipReason}`);

/** Runs curl in a fresh namespace; `listen` opens 127.0.0.1:8080 that accepts but never answers. */
function curlInPrivateNetns(url: string, listen: boolean, ipCommands: string[][] = []): CurlOutcome {
  const script = `
    import { execFileSync, spawnSync } from 'node:child_process';
    import net from 'node:net';
    execFileSync('ip', ['link', 'set', 'lo', 'up']);
    for (const c of JSON.parse(process.argv[2])) execFileSync('ip', c);
    const argv = JSON.parse(process.argv[1]);
    const go = () => {
      const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
      process.stdout.write(JSON.stringify({ exitCode: r.status, stdout: r.stdout, stderr: r.stderr }));
      process.exit(0);
    };
    if (${listen}) net.createServer(() => undefined).listen(8080, '127.0.0.1', () => setTimeout(go, 0));
    else go();
  `;
  // spawnSync blocks the event loop, but the kernel completes the TCP handshake from the backlog.
  const out = execFileSync('unshare', ['--net', '--', process.execPath, '--input-type=module', '-e', script, JSON.stringify(curlArgv({ url, maxTimeS: 1, connectTimeoutS: 0.3 })), JSON.stringify(ipCommands)], { encoding: 'utf8' });
  return parseCurl(JSON.parse(out) as { exitCode: number; stdout: string; stderr: string });
}

const isolationPlan: HttpPlan = { target: { kind: 'host', name: 'h' }, from: 'h', url: 'http://127.0.0.1:8080/', isolated: true, status: 200 };

describe.skipIf(skipReason !== undefined)('curl with a short --max-time, for real', () => {
  it('a server that accepts and never answers: timed out after connecting, not isolation', () => {
    const o = curlInPrivateNetns('http://127.0.0.1:8080/', true);
    expect(o).toMatchObject({ exitCode: 28, kind: 'error', remoteIp: '127.0.0.1' });
    const e = evaluateHttp(isolationPlan, o);
    expect(e.ok).toBe(false);
    expect(e.message).toContain('curl exit 28 is not isolation');
  });

  it('nothing listening: refused, isolation holds', () => {
    const o = curlInPrivateNetns('http://127.0.0.1:8080/', false);
    expect(o).toMatchObject({ exitCode: 7, kind: 'unreachable' });
    expect(o.remoteIp).toBeUndefined();
    expect(evaluateHttp(isolationPlan, o).ok).toBe(true);
  });

  it('a SYN nobody answers (neighbor never resolves): times out at the connect timeout, isolation holds', () => {
    const o = curlInPrivateNetns('http://10.1.0.2:80/', false, [
      ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ['link', 'set', 'v0', 'up'], ['link', 'set', 'v1', 'up'], ['address', 'add', '10.1.0.1/24', 'dev', 'v0'],
    ]);
    expect(o).toMatchObject({ exitCode: 28, kind: 'timeout' });
    expect(o.remoteIp).toBeUndefined();
    expect(evaluateHttp({ ...isolationPlan, url: 'http://10.1.0.2:80/' }, o).ok).toBe(true);
    // After the 0.3 s connect timeout, not the 1 s --max-time (curl's own clock).
    expect(o.error).toMatch(/after 3\d\d ms/);
  });
});
