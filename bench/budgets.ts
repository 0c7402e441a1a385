/**
 * Every target the bench judges a figure against, written once: the question files read
 * them, bench/README.md quotes them (test/bench-budgets.test.ts holds the two together),
 * and README.md's performance table repeats the ones issue 15 set.
 */
export const BUDGETS = {
  /** Credential GET, 16 kept-alive connections: imdsd's requests per second / the baseline's, at least. */
  getThroughputRatio: 0.85,
  /** …and its p99 / the baseline's, at most. */
  getP99Ratio: 1.5,
  /** A new connection per request (per-uid check on): imdsd's time per request / the baseline's, at most. */
  newConnectionTimeRatio: 3,
  /**
   * With 10,000 more sockets on the host, imdsd's time per new connection / its time without
   * them, over the baseline's same ratio, at most: "no slower", with this much noise allowed.
   */
  busyOverQuietRatio: 1.25,
  /** Idle resident memory with one role, MB (10^6 bytes), below. */
  idleRssMB: 60,
  /** Spawn of `imdsd run` → its "listening" log line (after the first AssumeRole), ms, below. */
  listeningMs: 250,
  /** Event-loop delay p99 under load and while 1,000 roles refresh, ms, below. */
  loopDelayP99Ms: 20,
  /** 1,000 roles all fresh after their first fetch, ms, below. */
  rolesFreshMs: 10_000,
  /** AssumeRole calls in flight at the STS at once, at most (the daemon's limiter). */
  stsInFlight: 16,
  /** RSS floor growth over a long run of GETs (2nd half's lowest over the 1st half's), %, at most. */
  memoryGrowthPct: 10,
} as const;
