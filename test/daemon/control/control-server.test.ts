import t from 'tap';
import type { RoleRuntime } from '../../../src/daemon/role-runtime.js';
import { buildControlApp } from '../../../src/daemon/control/control-server.js';
import { createMetrics } from '../../../src/daemon/metrics.js';
import { ImdsdError } from '../../../src/errors.js';
import { CONTROL_ROUTES, isDaemonStatus, isRefreshReply } from '../../../src/contract/control-api.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

/** A runtime with only what the control API reads. */
function fakeRuntime(
  roleName: string, refreshNow: () => Promise<unknown>, endpoint = { port: 1338, addresses: ['127.0.0.1'] as readonly string[] },
): RoleRuntime {
  return {
    role: { identity: { roleName, roleArn: `arn:aws:iam::123456789012:role/${roleName}`, region: 'us-east-1' }, issuer: { kind: 'assume-role' } },
    refresher: {
      refreshNow,
      status: () => ({ state: 'fresh', consecutiveFailures: 0 }),
      get: refreshNow,
    },
    mfa: undefined,
    ssoLogin: () => undefined,
    endpoint: () => endpoint,
  } as unknown as RoleRuntime;
}

function build(runtimes: () => readonly RoleRuntime[]) {
  const logged: unknown[] = [];
  const clock = { now: () => NOW, monotonic: () => 0, setTimeout, clearTimeout };
  const app = buildControlApp({
    runtimes, metrics: createMetrics(clock as never, () => []), version: '0.0.0', startedAtMs: NOW, now: () => NOW,
    containerTokenFile: '/run/imdsd/ecs-token', logger: { error: (obj: unknown) => { logged.push(obj); } },
  });
  return { app, logged };
}

t.test('status and refresh answer the contract\'s documents', async (t) => {
  const expiresAtMs = NOW + 3_600_000;
  const { app } = build(() => [fakeRuntime('dev', async () => ({ ok: true, credential: { expiresAtMs } }))]);
  t.teardown(() => app.close());
  const status = await app.inject({ method: 'GET', url: CONTROL_ROUTES.status });
  t.equal(status.statusCode, 200, 'status answers');
  t.ok(isDaemonStatus(status.json()), 'a status the commands can read');
  const refresh = await app.inject({ method: 'POST', url: CONTROL_ROUTES.refresh });
  t.ok(isRefreshReply(refresh.json()), 'a refresh reply the commands can read');
  t.same(refresh.json(), { results: [{ roleName: 'dev', ok: true, expiresAt: '2026-11-22T11:00:00.000Z' }] }, 'the outcome');
});

t.test('a coded error keeps its code; an unknown role is named', async (t) => {
  const { app, logged } = build(() => [fakeRuntime('dev', async () => {
    throw new ImdsdError('IMDSD_ERR_STS_THROTTLED', 'slow down');
  })]);
  t.teardown(() => app.close());
  const unknown = await app.inject({ method: 'POST', url: `${CONTROL_ROUTES.refresh}?role=ops` });
  t.equal(unknown.json().Code, 'IMDSD_ERR_UNKNOWN_ROLE', 'unknown role');
  const throttled = await app.inject({ method: 'POST', url: CONTROL_ROUTES.refresh });
  t.equal(throttled.json().Code, 'IMDSD_ERR_STS_THROTTLED', 'the ImdsdError\'s own code');
  t.same(logged, [], 'expected errors are not logged as bugs');
});

t.test('an unexpected error is IMDSD_ERR_INTERNAL and is logged, not labelled an STS error (issue 12)', async (t) => {
  const { app, logged } = build(() => {
    throw new TypeError('cannot read properties of undefined');
  });
  t.teardown(() => app.close());
  const reply = await app.inject({ method: 'GET', url: CONTROL_ROUTES.status });
  t.equal(reply.statusCode, 500, 'a 500');
  t.equal(reply.json().Code, 'IMDSD_ERR_INTERNAL', 'coded as internal');
  t.equal(logged.length, 1, 'logged once');
  t.match(logged[0], { event: 'control-error', url: CONTROL_ROUTES.status }, 'with the route');
});

t.test('status names the URLs the role\'s sockets answer on (issue 19)', async (t) => {
  const expiresAtMs = NOW + 3_600_000;
  const ok = async () => ({ ok: true, credential: { expiresAtMs } });
  const { app } = build(() => [
    // What serveOnSockets reports for the sockets systemd passes in link-local mode.
    fakeRuntime('linked', ok, { port: 80, addresses: ['169.254.169.254', 'fd00:ec2::254'] }),
    fakeRuntime('local', ok, { port: 1338, addresses: ['127.0.0.1', '::1'] }),
  ]);
  t.teardown(() => app.close());
  const reply = await app.inject({ method: 'GET', url: CONTROL_ROUTES.status });
  const body: unknown = reply.json();
  t.ok(isDaemonStatus(body), 'a status the commands can read');
  const roles = isDaemonStatus(body) ? body.roles : [];
  t.match(roles[0], { port: 80, addresses: ['169.254.169.254', 'fd00:ec2::254'], urls: ['http://169.254.169.254/', 'http://[fd00:ec2::254]/'] },
    'link-local: the two addresses, not localhost');
  t.match(roles[1], { urls: ['http://localhost:1338/'] }, 'loopback: localhost');
});
