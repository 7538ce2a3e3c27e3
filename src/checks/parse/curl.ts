// curl as the data-plane probe: the body on stdout followed by one trailer line we parse, and the
// exit code classified. Exit 7 (could not connect: no route, ICMP unreachable, refused) and 28
// (timed out) are the two ways an isolated destination shows; anything else that is not 0 is an
// error, and an error is NOT isolation (exit 52/56 mean a connection was made; so does a timeout
// after the remote address is known).

const CURL_TRAILER_MARK = '[pelab-curl]';
/** `-w` format: curl expands `\n` itself. */
const CURL_WRITE_OUT = `\\n${CURL_TRAILER_MARK} %{http_code} %{remote_ip} %{remote_port} %{local_ip}`;

interface CurlRequest {
  readonly url: string;
  /** Seconds, fractions allowed: curl gives up after this (exit 28). */
  readonly maxTimeS: number;
  /** Seconds: give up sooner (exit 28, no remote address) when the TCP connect is not answered. */
  readonly connectTimeoutS?: number;
}

const tenths = (s: number): string => String(Math.max(0.1, Math.round(s * 10) / 10));

export function curlArgv(req: CurlRequest): string[] {
  const connect = req.connectTimeoutS !== undefined ? ['--connect-timeout', tenths(Math.min(req.connectTimeoutS, req.maxTimeS))] : [];
  return ['curl', '-sS', '--max-time', tenths(req.maxTimeS), ...connect, '-w', CURL_WRITE_OUT, req.url];
}

/** `http://ip:port/path`, with brackets for IPv6. */
export function httpUrl(ip: string, port: number, path: string): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `http://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
}

export type CurlOutcomeKind = 'reached' | 'unreachable' | 'timeout' | 'error';

export interface CurlOutcome {
  readonly kind: CurlOutcomeKind;
  readonly exitCode: number;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly body: string;
  readonly remoteIp?: string;
  readonly localIp?: string;
  /** curl's own message on stderr, e.g. `curl: (7) Failed to connect ...`. */
  readonly error?: string;
}

export function classifyCurlExit(exitCode: number): CurlOutcomeKind {
  if (exitCode === 0) return 'reached';
  if (exitCode === 7) return 'unreachable';
  if (exitCode === 28) return 'timeout';
  return 'error';
}

export function parseCurl(result: { readonly exitCode: number; readonly stdout: string; readonly stderr: string }): CurlOutcome {
  const marker = `\n${CURL_TRAILER_MARK} `;
  const at = result.stdout.lastIndexOf(marker);
  const body = at >= 0 ? result.stdout.slice(0, at) : result.stdout;
  const trailer = at >= 0 ? result.stdout.slice(at + marker.length).trim() : '';
  const [code, remoteIp, , localIp] = trailer.split(' ');
  const error = result.stderr.trim().split('\n').find((l) => l.startsWith('curl:')) ?? (result.stderr.trim() || undefined);
  return outcomeOf({ exitCode: result.exitCode, status: Number(code ?? 0) || 0, body, remoteIp, localIp, error });
}

function outcomeOf(t: { exitCode: number; status: number; body: string; remoteIp: string | undefined; localIp: string | undefined; error: string | undefined }): CurlOutcome {
  // A timeout with a remote address means the TCP connection was made and the answer was slow:
  // that is not isolation, however short the attempt's --max-time (curl prints no remote address
  // while its SYN goes unanswered, nor when the connection is refused).
  const connectedThenTimedOut = t.exitCode === 28 && Boolean(t.remoteIp);
  return {
    kind: connectedThenTimedOut ? 'error' : classifyCurlExit(t.exitCode),
    exitCode: t.exitCode,
    status: t.status,
    body: t.body,
    ...(t.remoteIp ? { remoteIp: t.remoteIp } : {}),
    ...(t.localIp ? { localIp: t.localIp } : {}),
    ...(t.exitCode !== 0 && t.error ? { error: t.error } : {}),
  };
}

// A series: ONE curl process makes `count` attempts at one URL, each a new transfer with its own
// TCP connect (curl opens a new connection when the previous one failed or, for an answer, the
// check has already failed), started `intervalMs` apart start to start (curl's --rate: a transfer
// that ran longer than the interval is followed at once). Each transfer's outcome is a trailer
// line with curl's per-transfer exit code (%{exitcode}, curl 7.75+) and message (%{errormsg}),
// read while curl runs, so every attempt is judged when it ends, as one process per attempt was.

interface CurlSeriesRequest extends CurlRequest {
  readonly count: number;
  readonly intervalMs: number;
  /** Unique per series: a body that happens to contain a trailer cannot pass for one. */
  readonly nonce: string;
}

const seriesMark = (nonce: string): string => `[pelab-curl ${nonce}]`;

export function curlSeriesArgv(req: CurlSeriesRequest): string[] {
  if (!Number.isInteger(req.count) || req.count < 1) throw new Error(`curl series: count ${req.count} is not a positive integer`);
  if (!/^[A-Za-z0-9]+$/.test(req.nonce)) throw new Error(`curl series: nonce ${JSON.stringify(req.nonce)} must be alphanumeric`);
  const connect = req.connectTimeoutS !== undefined ? ['--connect-timeout', tenths(Math.min(req.connectTimeoutS, req.maxTimeS))] : [];
  // --rate counts whole transfers per unit; per hour keeps a 500 ms interval exact (7200/h) and
  // any other within a fraction of a millisecond.
  const perHour = Math.max(1, Math.round(3_600_000 / req.intervalMs));
  // stdbuf -oL: curl writes its -w trailer through stdio, block-buffered on a pipe; without it a
  // transfer's outcome reached pelab only when a later transfer flushed (measured 0.2-0.8 s late).
  return [
    'stdbuf', '-oL', 'curl', '-sS', '--no-buffer', '--rate', `${perHour}/h`, '--max-time', tenths(req.maxTimeS), ...connect,
    '-w', `\\n${seriesMark(req.nonce)} %{exitcode} %{http_code} %{remote_ip} %{remote_port} %{local_ip} %{errormsg}\\n`,
    ...Array.from({ length: req.count }, () => req.url),
  ];
}

/** Reads a series' stdout as it arrives: each completed transfer comes out once, in order. */
export class CurlSeriesReader {
  private buffer = '';
  private readonly mark: string;

  constructor(nonce: string) {
    this.mark = `\n${seriesMark(nonce)} `;
  }

  push(chunk: string): CurlOutcome[] {
    this.buffer += chunk;
    const out: CurlOutcome[] = [];
    for (;;) {
      const at = this.buffer.indexOf(this.mark);
      if (at < 0) return out;
      const eol = this.buffer.indexOf('\n', at + this.mark.length);
      if (eol < 0) return out;
      const [exit, code, remoteIp, , localIp, ...message] = this.buffer.slice(at + this.mark.length, eol).split(' ');
      const exitCode = Number(exit);
      const errormsg = message.join(' ').trim();
      out.push(outcomeOf({
        exitCode: Number.isInteger(exitCode) ? exitCode : -1,
        status: Number(code ?? 0) || 0,
        body: this.buffer.slice(0, at),
        remoteIp: remoteIp || undefined,
        localIp: localIp || undefined,
        // The same line a single curl prints on stderr.
        error: errormsg ? `curl: (${exit}) ${errormsg}` : undefined,
      }));
      this.buffer = this.buffer.slice(eol + 1);
    }
  }
}
