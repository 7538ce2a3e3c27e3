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
  const status = Number(code ?? 0) || 0;
  const error = result.stderr.trim().split('\n').find((l) => l.startsWith('curl:')) ?? (result.stderr.trim() || undefined);
  // A timeout with a remote address means the TCP connection was made and the answer was slow:
  // that is not isolation, however short the attempt's --max-time (curl prints no remote address
  // while its SYN goes unanswered, nor when the connection is refused).
  const connectedThenTimedOut = result.exitCode === 28 && Boolean(remoteIp);
  return {
    kind: connectedThenTimedOut ? 'error' : classifyCurlExit(result.exitCode),
    exitCode: result.exitCode,
    status,
    body,
    ...(remoteIp ? { remoteIp } : {}),
    ...(localIp ? { localIp } : {}),
    ...(result.exitCode !== 0 && error ? { error } : {}),
  };
}
