/**
 * The SSO login behind an SSO role (issue 13): read from the cache with the SDK's loader,
 * watched for a new login, and in simulated time an 8-hour login with 1-hour role
 * credentials: the 30- and 5-minute warnings fire once each at the right time, nothing
 * expired is served, and a re-login brings the next credential within a second.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import { watchExpiry, type ExpiryNotice } from '../../src/daemon/expiry-warning.js';
import { pollFile, readSsoLogin, watchSsoLogin, type SsoLogin } from '../../src/daemon/sso-login.js';
import { ImdsdError } from '../../src/errors.js';
import { createRefresher } from '../../src/refresher/refresher.js';
import type { Issuer } from '../../src/refresher/issuers/issuer.js';
import { withEnv } from '../support/aws-files.js';
import { FakeClock, settle } from '../support/fake-clock.js';
import { fakeTicker } from '../support/fake-ticker.js';
import { rfc3339, writeSsoCache } from '../support/sso-cache.js';
import { waitUntil } from '../support/wait-until.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const silent = pino({ level: 'silent' });

t.test('the cache as the SDK reads it: expiry, renewability, and nothing for bad files', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'imdsd-sso-read-'));
  withEnv(t, { HOME: home });
  t.equal(await readSsoLogin('corp'), undefined, 'missing');
  for (const [label, text] of [['empty', ''], ['truncated', '{"accessToken": "a'], ['not JSON', 'nope'], ['no token', '{"expiresAt": "2026-11-27T20:00:00Z"}'],
    ['bad time', '{"accessToken": "a", "expiresAt": "later"}'], ['an array', '[]']] as const) {
    writeSsoCache(home, 'corp', text);
    t.equal(await readSsoLogin('corp'), undefined, label);
  }
  const endsAtMs = Date.parse('2026-11-27T20:00:00Z');
  writeSsoCache(home, 'corp', { startUrl: 'u', region: 'r', accessToken: 'token-1', expiresAt: rfc3339(endsAtMs) });
  const plain = await readSsoLogin('corp');
  t.match(plain, { endsAtMs, renewable: false }, 'expiry, not renewable');
  t.notMatch(JSON.stringify(plain), /token-1/, 'the token itself is not kept');
  const renewal = { refreshToken: 'r', clientId: 'c', clientSecret: 's' };
  writeSsoCache(home, 'corp', { startUrl: 'u', region: 'r', accessToken: 'token-2', expiresAt: rfc3339(endsAtMs), ...renewal,
    registrationExpiresAt: rfc3339(Date.now() + HOUR) });
  t.match(await readSsoLogin('corp'), { renewable: true }, 'renewable with a refresh token and a live registration');
  writeSsoCache(home, 'corp', { startUrl: 'u', region: 'r', accessToken: 'token-3', expiresAt: rfc3339(endsAtMs), ...renewal,
    registrationExpiresAt: rfc3339(Date.now() - HOUR) });
  t.match(await readSsoLogin('corp'), { renewable: false }, 'not once the client registration has expired');
});

t.test('a changed file is seen (fs.watchFile polling)', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'imdsd-sso-poll-')), 'login.json');
  let changes = 0;
  const stop = pollFile(path, () => void changes++);
  t.teardown(stop);
  // A write before watchFile's first stat is its baseline, not a change: each check writes
  // the file anew, with a later mtime, until the watcher reports one.
  const started = Date.now();
  let writes = 0;
  const seen = await waitUntil(() => {
    if (changes > 0) return true;
    writes += 1;
    writeFileSync(path, JSON.stringify({ writes }));
    utimesSync(path, started / 1000 + writes, started / 1000 + writes);
    return false;
  }, 10_000, 50);
  t.ok(seen, 'the watcher reported the change');
  t.comment(`seen ${Date.now() - started} ms after the first write (${writes} writes)`);
});

t.test('only a different login counts as new', async (t) => {
  let login: SsoLogin | undefined;
  let fire: () => void = () => undefined;
  let news = 0;
  const watch = watchSsoLogin({
    key: 'corp', logger: silent, read: async () => login, onNewLogin: () => void news++,
    watch: (_path, onChange) => { fire = onChange; return () => undefined; },
  });
  await watch.reread();
  t.equal(news, 0, 'no login, nothing new');
  login = { endsAtMs: 1, renewable: false, tokenDigest: 'a' };
  fire();
  await watch.reread();
  t.equal(news, 1, 'a login appeared');
  fire();
  await watch.reread();
  t.equal(news, 1, 'the same login again is not new');
  login = { endsAtMs: 2, renewable: false, tokenDigest: 'b' };
  await watch.reread();
  t.equal(news, 2, 'a new token is');
  t.equal(watch.current()?.endsAtMs, 2, 'and is current');
  watch.stop();
});

t.test('simulated: an 8-hour SSO login with 1-hour role credentials', async (t) => {
  const start = Date.UTC(2026, 10, 27, 8, 0, 0);
  const clock = new FakeClock(start, 2);
  let login = { endsAtMs: start + 8 * HOUR, digest: 'login-1' };
  let issued = 0;
  // What the SDK and the portal do: role credentials for an hour while the login lasts.
  const issue: Issuer = async () => {
    if (clock.now() >= login.endsAtMs) {
      throw new ImdsdError('IMDSD_ERR_SSO_LOGIN_REQUIRED', 'profile dev: there is no valid SSO login', { hint: 'run `aws sso login --sso-session corp`' });
    }
    issued++;
    return { accessKeyId: `ASIASIM${String(issued).padStart(13, '0')}`, secretAccessKey: 's', sessionToken: 't', expiresAtMs: clock.now() + HOUR };
  };
  const ticker = fakeTicker(clock);
  const refresher = createRefresher({
    identity: { roleName: 'Developer', roleArn: '', accountId: '222233334444', region: 'eu-west-1' },
    issue, clock, logger: silent, ticker, random: () => 0.5,
    failureContext: { roleArn: '', sourceLabel: 'profile dev', region: 'eu-west-1' },
  });
  let fileChanged: () => void = () => undefined;
  const watch = watchSsoLogin({
    key: 'corp', logger: silent,
    read: async () => ({ endsAtMs: login.endsAtMs, renewable: false, tokenDigest: login.digest }),
    watch: (_path, onChange) => { fileChanged = onChange; return () => undefined; },
    onNewLogin: () => {
      if (refresher.status().consecutiveFailures > 0) void refresher.refreshNow();
    },
  });
  const notices: Array<ExpiryNotice & { atMs: number }> = [];
  const warnings = watchExpiry({
    clock, logger: silent, horizonSec: 600, ssoWarningSec: [1800, 300],
    notify: (notice) => notices.push({ ...notice, atMs: clock.now() }),
    roles: () => [{
      roleName: 'Developer', status: refresher.status,
      ssoLogin: () => {
        const current = watch.current();
        return current === undefined ? undefined : { ...current, session: 'corp', command: 'aws sso login --sso-session corp' };
      },
    }],
  });
  t.teardown(() => {
    warnings.stop();
    watch.stop();
    refresher.stop();
  });
  await watch.reread();
  await refresher.start();

  let expiredServed = 0;
  let servedMinutes = 0;
  for (let minute = 0; minute < 9 * 60; minute++) {
    await clock.advance(MIN);
    const result = await refresher.get();
    if (result.ok) {
      servedMinutes++;
      if (result.credential.expiresAtMs - clock.now() <= 60_000) expiredServed++;
    }
  }
  t.equal(expiredServed, 0, 'nothing within a minute of expiry was ever served');
  t.ok(servedMinutes >= 8 * 60, `served for ${servedMinutes} of 540 minutes: through the login and the last credential's hour`);

  const sso = notices.filter((notice) => notice.ssoSession === 'corp');
  t.equal(sso.length, 2, 'two SSO warnings, once each');
  const at = (notice: ExpiryNotice & { atMs: number } | undefined) => ((notice?.atMs ?? 0) - start) / MIN;
  t.ok(at(sso[0]) >= 7 * 60 + 30 && at(sso[0]) <= 7 * 60 + 31, `the 30-minute warning at ${at(sso[0])} min`);
  t.ok(at(sso[1]) >= 7 * 60 + 55 && at(sso[1]) <= 7 * 60 + 56, `the 5-minute warning at ${at(sso[1])} min`);
  t.match(sso[0], { code: 'IMDSD_ERR_SSO_LOGIN_REQUIRED', hint: 'run `aws sso login --sso-session corp`', message: /ends in 30 min/ }, 'naming the command');
  t.match(sso[1], { message: /ends in 5 min/ }, 'then 5 minutes');
  t.ok(sso.every((notice) => notice.atMs < login.endsAtMs), 'both while refreshes still succeed');
  const failing = notices.filter((notice) => notice.ssoSession === undefined);
  t.equal(failing.length, 1, 'and once the login has ended, the usual warning before the last credential runs out');
  t.equal((await refresher.get()).ok, false, 'after 9 hours nothing is served');

  login = { endsAtMs: clock.now() + 8 * HOUR, digest: 'login-2' };
  const reloginAtMs = clock.now();
  fileChanged();
  await clock.advance(1_000);
  const after = await refresher.get();
  t.ok(after.ok, 'a credential within a second of the new login');
  t.ok((refresher.status().lastRefreshAtMs ?? 0) - reloginAtMs <= 1_000, 'refreshed on the file change, not at the next retry');
});
