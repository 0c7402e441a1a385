import t from 'tap';
import { cacheChecks } from '../../../src/cli/doctor/cache-checks.js';
import { MINUTE, NOW, only, situation, tempHome, writeHomeFile } from '../../support/doctor-fakes.js';

const iso = (ms: number): string => new Date(ms).toISOString();

t.test('no caches: ok', async (t) => {
  const home = tempHome();
  const findings = await cacheChecks(await situation({ home }));
  t.match(only(findings, 'cache-cli'), { level: 'ok', title: `no expired sessions in ${home}/.aws/cli/cache` }, 'CLI');
  t.match(only(findings, 'cache-sso'), { level: 'ok', title: `no expired SSO logins in ${home}/.aws/sso/cache` }, 'SSO');
});

t.test('expired assumed-role sessions in the CLI cache', async (t) => {
  const home = tempHome();
  const old = writeHomeFile(home, '.aws/cli/cache/a.json', JSON.stringify({ Credentials: { Expiration: iso(NOW - MINUTE) } }));
  const older = writeHomeFile(home, '.aws/cli/cache/b.json', JSON.stringify({ Credentials: { Expiration: '2026-11-21T10:00:00+00:00' } }));
  writeHomeFile(home, '.aws/cli/cache/c.json', JSON.stringify({ Credentials: { Expiration: iso(NOW + MINUTE) } }));
  writeHomeFile(home, '.aws/cli/cache/d.json', JSON.stringify({ Credentials: 'odd' }));
  writeHomeFile(home, '.aws/cli/cache/e.json', JSON.stringify({ Credentials: { Expiration: 'garbage' } }));
  writeHomeFile(home, '.aws/cli/cache/f.json', 'not json');
  writeHomeFile(home, '.aws/cli/cache/g.json', '42');
  writeHomeFile(home, '.aws/cli/cache/notes.txt', 'ignored');
  const finding = only(await cacheChecks(await situation({ home })), 'cache-cli');
  t.match(finding, { level: 'warning', title: `2 expired assumed-role sessions in ${home}/.aws/cli/cache`, fix: `rm ${old} ${older}` }, 'the two expired ones');
  const one = tempHome();
  writeHomeFile(one, '.aws/cli/cache/a.json', JSON.stringify({ Credentials: { Expiration: iso(NOW - MINUTE) } }));
  t.match(only(await cacheChecks(await situation({ home: one })), 'cache-cli').title, /^1 expired assumed-role session in/, 'singular');
});

t.test('expired SSO logins, unless the SDK can renew them', async (t) => {
  const home = tempHome();
  writeHomeFile(home, '.aws/config', '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n[profile old]\nsso_start_url = https://old.awsapps.com/start\n[default]\nsso_start_url = https://other\n');
  const token = (extra: Record<string, unknown>) => JSON.stringify({ accessToken: 'x', expiresAt: iso(NOW - 5 * MINUTE), ...extra });
  const corp = writeHomeFile(home, '.aws/sso/cache/1.json', token({ startUrl: 'https://corp.awsapps.com/start' }));
  writeHomeFile(home, '.aws/sso/cache/2.json', token({ startUrl: 'https://old.awsapps.com/start', expiresAt: '2026-11-21T11:00:00UTC' }));
  writeHomeFile(home, '.aws/sso/cache/3.json', token({ startUrl: 'https://other' }));
  writeHomeFile(home, '.aws/sso/cache/4.json', token({}));
  writeHomeFile(home, '.aws/sso/cache/5.json', token({ refreshToken: 'r', registrationExpiresAt: iso(NOW + 60 * MINUTE) }));
  writeHomeFile(home, '.aws/sso/cache/6.json', token({ expiresAt: iso(NOW + MINUTE) }));
  writeHomeFile(home, '.aws/sso/cache/7.json', JSON.stringify({ clientId: 'c', clientSecret: 's', expiresAt: iso(NOW - MINUTE) }));
  writeHomeFile(home, '.aws/sso/cache/8.json', token({ refreshToken: 'r', registrationExpiresAt: iso(NOW - MINUTE), startUrl: 'https://corp.awsapps.com/start' }));
  const findings = (await cacheChecks(await situation({ home }))).filter((f) => f.id === 'cache-sso');
  t.same(findings.map((f) => [f.level, f.fix]), [
    ['warning', 'aws sso login --sso-session corp'],
    ['warning', 'aws sso login --profile old'],
    ['warning', 'aws sso login'],
    ['warning', 'aws sso login'],
    ['warning', 'aws sso login --sso-session corp'],
  ], 'one warning per expired login, each with the login that renews it; renewable, valid and registration files are skipped');
  t.equal(findings[0]?.title, `the SSO login for https://corp.awsapps.com/start expired 5m00s ago (${corp})`, 'names the start URL, how long ago and the file');
  t.equal(findings[1]?.title.includes('expired 1h00m00s ago'), true, 'reads the older "UTC" spelling');
  t.match(findings[3]?.title, /^the SSO login expired/, 'a token without a start URL');
});

t.test('no config file to name the login; a cache file that vanished while listing', async (t) => {
  const home = tempHome();
  writeHomeFile(home, '.aws/sso/cache/1.json', JSON.stringify({ accessToken: 'x', expiresAt: iso(NOW - MINUTE), startUrl: 'https://corp' }));
  t.match(only(await cacheChecks(await situation({ home })), 'cache-sso'), { level: 'warning', fix: 'aws sso login' }, 'plain login');
  const vanished = await situation({ files: { readText: async () => undefined, mode: async () => undefined, list: async () => ['gone.json'] } });
  t.match(only(await cacheChecks(vanished), 'cache-cli'), { level: 'ok' }, 'skipped');
});
