// Default deadlines of every check kind, in ONE table (netlab keeps its wait constants the same
// way). A check overrides them with `within:` (eventually), `for:` (consistently), `every:`.

export interface CheckDefaults {
  /** eventually: give up after this. */
  readonly timeoutMs: number;
  /** consistently: hold for this. */
  readonly durationMs: number;
  /** Start-to-start interval between attempts. */
  readonly intervalMs: number;
  /** Upper bound of one attempt. */
  readonly attemptTimeoutMs: number;
}

export const CHECK_DEFAULTS = {
  // eBGP with default timers comes up in ~1-4 s here; upstream waits up to 5 min on real clusters.
  'bgp-session': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 5_000 },
  'bgp-route': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 5_000 },
  'evpn-route': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 5_000 },
  'kernel-route': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 5_000 },
  'frr-json': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 5_000 },
  // Each attempt is one curl with --max-time 2 s (the attempt budget minus CURL_MARGIN_MS).
  http: { timeoutMs: 20_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 3_000 },
  // Isolation: held 3 s; --max-time 1 s so a silently dropped packet (exit 28) costs little.
  'http-isolation': { timeoutMs: 20_000, durationMs: 3_000, intervalMs: 300, attemptTimeoutMs: 2_000 },
  // frr-k8s refreshes BGPSessionState every 2 min by default (frrStatus.pollInterval).
  'k8s-status': { timeoutMs: 150_000, durationMs: 10_000, intervalMs: 1_000, attemptTimeoutMs: 10_000 },
} as const satisfies Record<string, CheckDefaults>;

export type DefaultsRow = keyof typeof CHECK_DEFAULTS;
