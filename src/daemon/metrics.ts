/**
 * Prometheus metrics (prom-client), served on the control socket and optionally on a
 * loopback --metrics-port. Counters are fed by the refresher's and the IMDS app's
 * observers; gauges are read from the running roles at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../clock.js';

export interface RoleGaugeSource {
  readonly roleName: string;
  expiresAtMs(): number | undefined;
  tokenCount(): number;
}

export interface Metrics {
  readonly registry: Registry;
  observeRefresh(role: string, outcome: { readonly ok: boolean; readonly code?: string | undefined; readonly durationMs: number }): void;
  observeRequest(role: string, route: string, status: number): void;
}

export function createMetrics(clock: Clock, roles: () => readonly RoleGaugeSource[]): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'imdsd_process_' });
  const refreshes = new Counter({
    name: 'imdsd_refreshes_total', help: 'AssumeRole attempts by role, result and error code.',
    labelNames: ['role', 'result', 'code'] as const, registers: [registry],
  });
  const stsLatency = new Histogram({
    name: 'imdsd_sts_request_duration_seconds', help: 'Duration of AssumeRole attempts.',
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
    observeRefresh(role, outcome) {
      const result = outcome.ok ? 'success' : 'failure';
      refreshes.inc({ role, result, code: outcome.code ?? '' });
      stsLatency.observe({ role, result }, outcome.durationMs / 1000);
    },
    observeRequest(role, route, status) {
      requests.inc({ role, route, status: String(status) });
    },
  };
}
