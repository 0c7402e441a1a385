/**
 * Prometheus metrics, served on the control socket and optionally on a loopback
 * --metrics-port. prom-client (with @opentelemetry/api, which it loads) costs about
 * 13 MB of memory and tens of milliseconds of start-up, and most daemons are never
 * scraped, so it is loaded at the first scrape (issue 15). Until then observations are
 * kept here: counters as counts per label set, STS durations as raw values (a bounded
 * list); the first scrape hands them to prom-client and later observations go straight
 * to it. Gauges are read from the running roles at scrape time.
 */
import type { Clock } from '../clock.js';

export interface RoleGaugeSource {
  readonly roleName: string;
  expiresAtMs(): number | undefined;
  tokenCount(): number;
}

export interface RefreshOutcome {
  readonly ok: boolean;
  readonly code?: string | undefined;
  readonly durationMs: number;
}

export interface Metrics {
  /** The exposition text and its content type (loads prom-client on first use). */
  render(): Promise<{ readonly contentType: string; readonly text: string }>;
  observeRefresh(role: string, outcome: RefreshOutcome): void;
  observeRequest(role: string, route: string, status: number): void;
}

/** STS durations kept before the first scrape, at most (about 2 days of 1,000 roles). */
export const PENDING_DURATIONS_MAX = 100_000;

interface Sink {
  refresh(role: string, result: string, code: string, durationSec: number, times: number): void;
  request(role: string, route: string, status: string, times: number): void;
}

type PromClient = typeof import('prom-client');

function promSink(prom: PromClient, clock: Clock, roles: () => readonly RoleGaugeSource[]): { sink: Sink; registry: InstanceType<PromClient['Registry']> } {
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = prom;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'imdsd_process_' });
  const refreshes = new Counter({
    name: 'imdsd_refreshes_total', help: 'Attempts to issue a credential (AssumeRole, SSO, credential_process or GetSessionToken) by role, result and error code.',
    labelNames: ['role', 'result', 'code'] as const, registers: [registry],
  });
  const stsLatency = new Histogram({
    name: 'imdsd_sts_request_duration_seconds', help: 'Duration of attempts to issue a credential, STS or SSO call or credential_process run.',
    labelNames: ['role', 'result'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const requests = new Counter({
    name: 'imdsd_imds_requests_total', help: 'IMDS requests by role, route and HTTP status.',
    labelNames: ['role', 'route', 'status'] as const, registers: [registry],
  });
  new Gauge({
    name: 'imdsd_credential_expiry_seconds', help: 'Seconds until the held credential expires (negative when expired).',
    labelNames: ['role'] as const, registers: [registry],
    collect() {
      this.reset();
      for (const role of roles()) {
        const expiresAtMs = role.expiresAtMs();
        if (expiresAtMs !== undefined) this.set({ role: role.roleName }, Math.round((expiresAtMs - clock.now()) / 1000));
      }
    },
  });
  new Gauge({
    name: 'imdsd_imds_tokens', help: 'Live IMDSv2 session tokens.',
    labelNames: ['role'] as const, registers: [registry],
    collect() {
      this.reset();
      for (const role of roles()) this.set({ role: role.roleName }, role.tokenCount());
    },
  });
  return {
    registry,
    sink: {
      refresh(role, result, code, durationSec, times) {
        if (times > 0) refreshes.inc({ role, result, code }, times);
        if (Number.isFinite(durationSec)) stsLatency.observe({ role, result }, durationSec);
      },
      request(role, route, status, times) {
        requests.inc({ role, route, status }, times);
      },
    },
  };
}

/** Keeps observations until prom-client is loaded; bounded whatever the traffic. */
function pendingSink(): Sink & { replay(into: Sink): void } {
  const refreshCounts = new Map<string, { role: string; result: string; code: string; times: number }>();
  const durations: Array<{ role: string; result: string; durationSec: number }> = [];
  const requestCounts = new Map<string, { role: string; route: string; status: string; times: number }>();
  return {
    refresh(role, result, code, durationSec) {
      const key = JSON.stringify([role, result, code]);
      const entry = refreshCounts.get(key) ?? { role, result, code, times: 0 };
      entry.times += 1;
      refreshCounts.set(key, entry);
      if (durations.length >= PENDING_DURATIONS_MAX) durations.shift();
      durations.push({ role, result, durationSec });
    },
    request(role, route, status) {
      const key = `${role}\u0000${route}\u0000${status}`;
      const entry = requestCounts.get(key);
      if (entry === undefined) requestCounts.set(key, { role, route, status, times: 1 });
      else entry.times += 1;
    },
    replay(into) {
      for (const { role, result, code, times } of refreshCounts.values()) into.refresh(role, result, code, Number.NaN, times);
      for (const { role, result, durationSec } of durations) into.refresh(role, result, '', durationSec, 0);
      for (const { role, route, status, times } of requestCounts.values()) into.request(role, route, status, times);
    },
  };
}

export function createMetrics(clock: Clock, roles: () => readonly RoleGaugeSource[],
  load: () => Promise<PromClient> = () => import('prom-client')): Metrics {
  const pending = pendingSink();
  let sink: Sink = pending;
  let loading: Promise<{ registry: InstanceType<PromClient['Registry']> }> | undefined;

  function loaded(): Promise<{ registry: InstanceType<PromClient['Registry']> }> {
    loading ??= load().then((prom) => {
      const built = promSink(prom, clock, roles);
      pending.replay(built.sink);
      sink = built.sink;
      return built;
    });
    return loading;
  }

  return {
    async render() {
      const { registry } = await loaded();
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
    observeRefresh(role, outcome) {
      sink.refresh(role, outcome.ok ? 'success' : 'failure', outcome.code ?? '', outcome.durationMs / 1000, 1);
    },
    observeRequest(role, route, status) {
      sink.request(role, route, String(status), 1);
    },
  };
}
