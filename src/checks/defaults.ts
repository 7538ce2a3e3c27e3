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
  /** http: an attempt whose TCP connect is not answered within this ends early. */
  readonly connectTimeoutMs?: number;
}

export const CHECK_DEFAULTS = {
  // eBGP with default timers comes up in ~1-4 s here; upstream waits up to 5 min on real clusters.
  // A query over a daemon's vty socket costs 1-3 ms. A step ends when its LAST check sees its
  // condition, and with a dozen checks polling at random phases that lag approaches one whole
  // interval: at 100 ms (was 200) metallb-evpn's sessions were seen 0.91 s after apply instead
  // of 1.01 s (bench medians), for about 0.25 CPU-s more per scenario (pelab, FRR, `ip`).
  'bgp-session': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 100, attemptTimeoutMs: 5_000 },
  'bgp-route': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 100, attemptTimeoutMs: 5_000 },
  'evpn-route': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 100, attemptTimeoutMs: 5_000 },
  // One `ip -j route show` process per attempt (~10 ms of CPU).
  'kernel-route': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 100, attemptTimeoutMs: 5_000 },
  'frr-json': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 100, attemptTimeoutMs: 5_000 },
  // A BFD session comes up within a few of its intervals once BGP has asked for it.
  'bfd-session': { timeoutMs: 30_000, durationMs: 5_000, intervalMs: 100, attemptTimeoutMs: 5_000 },
  // Each attempt is one curl with --max-time 2 s (the attempt budget minus CURL_MARGIN_MS). A SYN
  // sent before the route exists is lost, and the kernel resends it only after 1 s: a new attempt
  // 0.5 s later gets through sooner than the retransmission would.
  http: { timeoutMs: 20_000, durationMs: 5_000, intervalMs: 500, attemptTimeoutMs: 3_000, connectTimeoutMs: 500 },
  // Isolation: held 3 s. Only the TCP connect has to fail, and a lab answers a SYN within a
  // millisecond, so an attempt ends 0.3 s after an unanswered SYN; a connection made and then
  // slow is not isolation (parse/curl.ts). The last attempt sends its SYN at the end of the hold
  // (an attempt samples the path when its SYN goes out, not over its wait), so the check ends
  // about one connect timeout after the hold. A shorter wait would risk a reachable service
  // counted as isolated when curl is scheduled late on a loaded machine.
  // Where the runtime streams output (netns), the attempts are transfers of one curl
  // (checks/curl-series.ts), on this same schedule.
  'http-isolation': { timeoutMs: 20_000, durationMs: 3_000, intervalMs: 500, attemptTimeoutMs: 2_000, connectTimeoutMs: 300 },
  // One attempt is an ARP probe that listens up to 1 s for a second answer (src/checks/kinds/l2-announcement.ts).
  'l2-announcement': { timeoutMs: 20_000, durationMs: 5_000, intervalMs: 250, attemptTimeoutMs: 5_000 },
  // frr-k8s refreshes BGPSessionState every 2 min by default (frrStatus.pollInterval).
  // On netns a poll reads the speakers over their vty sockets (a few ms); on kind it is one API
  // read. Its session checks sit in the same step as the bgp-session ones, so they poll as often.
  'k8s-status': { timeoutMs: 150_000, durationMs: 10_000, intervalMs: 100, attemptTimeoutMs: 10_000 },
} as const satisfies Record<string, CheckDefaults>;
