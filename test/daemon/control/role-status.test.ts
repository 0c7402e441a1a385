/**
 * The status of one role as the control API reports it, from a real refresher on a fake
 * clock: times in ISO, the endpoint only once it listens, MFA and SSO login facts, and a
 * failure's code.
 */
import { pino } from 'pino';
import t from 'tap';
import { roleStatus } from '../../../src/daemon/control/role-status.js';
import type { RoleRuntime } from '../../../src/daemon/role-runtime.js';
import { ImdsdError } from '../../../src/errors.js';
import type { ResolvedRole } from '../../../src/profiles/resolved-role.js';
import { createRefresher } from '../../../src/refresher/refresher.js';
import { FakeClock } from '../../support/fake-clock.js';
import { fakeTicker } from '../../support/fake-ticker.js';

const HOUR = 3_600_000;
const IDENTITY = { roleName: 'dev', roleArn: 'arn:aws:iam::123456789012:role/dev', accountId: '123456789012', region: 'eu-west-1' };

/** A runtime around a real refresher whose issuer succeeds, or fails with `failure`. */
function runtime(options: { issuer?: ResolvedRole['issuer']; endpoint?: { port: number; addresses: string[] }; failure?: ImdsdError; linkLocal?: boolean } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 21, 12, 0, 0), 2);
  const refresher = createRefresher({
    identity: IDENTITY, clock, logger: pino({ level: 'silent' }), ticker: fakeTicker(clock), random: () => 0.5,
    failureContext: { roleArn: IDENTITY.roleArn, sourceLabel: 'profile base', region: IDENTITY.region },
    issue: async () => {
      if (options.failure !== undefined) throw options.failure;
      return { accessKeyId: 'ASIAEXAMPLE00000WXYZ', secretAccessKey: 's', sessionToken: 't', expiresAtMs: clock.now() + HOUR };
    },
  });
  const role = { identity: IDENTITY, issuer: options.issuer ?? { kind: 'assume-role' }, linkLocal: options.linkLocal } as unknown as ResolvedRole;
  const live: Pick<RoleRuntime, 'role' | 'refresher' | 'mfa' | 'ssoLogin' | 'endpoint'> = {
    role, refresher, mfa: undefined, ssoLogin: () => ({ endsAtMs: clock.now() + 8 * HOUR, renewable: true, tokenDigest: 'd' }), endpoint: () => options.endpoint,
  };
  return { clock, refresher, runtime: live as RoleRuntime };
}

t.test('before it listens: no port, no URL, no container URI', async (t) => {
  const { runtime: rt } = runtime();
  const status = roleStatus(rt);
  t.match(status, { roleName: 'dev', roleArn: IDENTITY.roleArn, region: 'eu-west-1', port: undefined, addresses: [], urls: [], containerCredentialsUri: undefined,
    state: 'starting', consecutiveFailures: 0, usesMfa: false, source: 'assume-role', ssoLogin: undefined });
  t.equal(status.expiresAt, undefined, 'no credential yet, no expiry');
});

t.test('refreshed and listening: ISO times, the URLs the sockets answer, the container URI', async (t) => {
  const { refresher, runtime: rt } = runtime({ endpoint: { port: 1500, addresses: ['127.0.0.1', '::1'] } });
  await refresher.start();
  t.teardown(() => refresher.stop());
  const status = roleStatus(rt);
  t.match(status, {
    state: 'fresh', port: 1500, addresses: ['127.0.0.1', '::1'], urls: ['http://localhost:1500/'],
    containerCredentialsUri: 'http://127.0.0.1:1500/v1/credentials/dev',
    issuedAt: '2026-11-21T12:00:00.000Z', expiresAt: '2026-11-21T13:00:00.000Z', lastRefreshAt: '2026-11-21T12:00:00.000Z',
  });
  t.match(status.nextRefreshAt, /^2026-11-21T12:\d\d:\d\d\.\d{3}Z$/, 'the next refresh before the expiry');
  const linkLocal = runtime({ endpoint: { port: 80, addresses: ['169.254.169.254'] }, linkLocal: true }).runtime;
  t.match(roleStatus(linkLocal), { urls: ['http://169.254.169.254/'], linkLocal: true }, 'port 80 left out of the URL');
});

t.test('a failed refresh: its code and the count of failures', async (t) => {
  const { refresher, runtime: rt } = runtime({ failure: new ImdsdError('IMDSD_ERR_ACCESS_DENIED', 'not allowed', { hint: 'check the trust policy' }) });
  await refresher.start();
  t.teardown(() => refresher.stop());
  const status = roleStatus(rt);
  t.equal(status.consecutiveFailures, 1, 'one failure');
  t.match(status.lastError, { code: 'IMDSD_ERR_ACCESS_DENIED' }, 'with its code');
  t.equal(status.expiresAt, undefined, 'and no credential');
});

t.test('an SSO role: its session, the login command and the login\'s end', async (t) => {
  const issuer = { kind: 'sso', ssoSession: 'corp', startUrl: 'https://corp.awsapps.com/start', loginCommand: 'aws sso login --sso-session corp' };
  const { runtime: rt } = runtime({ issuer: issuer as unknown as ResolvedRole['issuer'] });
  t.same(roleStatus(rt).ssoLogin, { session: 'corp', command: 'aws sso login --sso-session corp', endsAt: '2026-11-21T20:00:00.000Z', renewable: true });
  t.equal(roleStatus(rt).source, 'sso', 'the source kind');
});
