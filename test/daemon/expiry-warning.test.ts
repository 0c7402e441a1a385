import { pino } from 'pino';
import t from 'tap';
import { describeNotice, watchExpiry, type ExpiryNotice } from '../../src/daemon/expiry-warning.js';
import type { RefresherStatus } from '../../src/refresher/refresh-state.js';
import { FakeClock } from '../support/fake-clock.js';

function setup(horizonSec = 600) {
  const clock = new FakeClock();
  const lines: string[] = [];
  const notices: ExpiryNotice[] = [];
  let status: RefresherStatus = { state: 'fresh', consecutiveFailures: 0, expiresAtMs: clock.now() + 3_600_000 };
  const watch = watchExpiry({
    clock,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    roles: () => [{ roleName: 'dev', status: () => status }],
    notify: (notice) => notices.push(notice),
    horizonSec,
  });
  return { clock, lines, notices, watch, set: (next: RefresherStatus) => (status = next) };
}

const failing = (expiresAtMs: number): RefresherStatus => ({
  state: 'degraded', consecutiveFailures: 3, expiresAtMs,
  lastError: { code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', message: 'source profile sso has expired credentials', hint: 'run `aws sso login --profile sso`' },
});

t.test('no notice while refreshes succeed, however close the expiry', async (t) => {
  const { clock, notices, watch, set } = setup();
  t.teardown(() => watch.stop());
  set({ state: 'fresh', consecutiveFailures: 0, expiresAtMs: clock.now() + 60_000 });
  await clock.advance(120_000);
  t.equal(notices.length, 0, 'nothing to warn about');
});

t.test('failing refreshes within the horizon: one notice per role and credential', async (t) => {
  const { clock, lines, notices, watch, set } = setup(600);
  t.teardown(() => watch.stop());
  const expiresAtMs = clock.now() + 20 * 60_000;
  set(failing(expiresAtMs));
  await clock.advance(5 * 60_000);
  t.equal(notices.length, 0, 'not yet: 15 minutes left is outside a 10-minute horizon');
  await clock.advance(6 * 60_000);
  t.equal(notices.length, 1, 'warned once inside the horizon');
  t.match(notices[0], { role: 'dev', code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', hint: /aws sso login/ }, 'with the cause and the fix');
  t.ok((notices[0]?.leftSec ?? 0) <= 600, 'the time left');
  t.ok(lines.some((line) => line.includes('"event":"expiry-warning"') && line.includes('"level":40')), 'a warn log line');
  await clock.advance(8 * 60_000);
  t.equal(notices.length, 1, 'no repeat for the same credential');
  set(failing(clock.now() + 5 * 60_000));
  watch.check();
  t.equal(notices.length, 2, 'a new credential that also runs out warns again, at once on check()');
});

t.test('the notice text says how long and why', async (t) => {
  t.equal(describeNotice('dev', 299, failing(0)), 'imdsd: the dev credential expires in 5 min and refreshing fails: source profile sso has expired credentials',
    'minutes and the error');
  t.equal(describeNotice('dev', -5, { state: 'expired', consecutiveFailures: 1 }), 'imdsd: the dev credential expires in 0 min and refreshing is failing',
    'never negative, and without an error message');
});

t.test('an MFA session about to end is announced once, with the command to run', async (t) => {
  const clock = new FakeClock();
  const notices: ExpiryNotice[] = [];
  let endsAtMs: number | undefined;
  const watch = watchExpiry({
    clock,
    logger: pino({ level: 'silent' }),
    roles: () => [{ roleName: 'dev', status: () => ({ state: 'fresh', consecutiveFailures: 0 }), mfaSessionEndsAtMs: () => endsAtMs }],
    notify: (notice) => notices.push(notice),
    horizonSec: 600,
  });
  t.teardown(() => watch.stop());
  await clock.advance(60_000);
  t.equal(notices.length, 0, 'no session yet: nothing to announce');
  endsAtMs = clock.now() + 30 * 60_000;
  await clock.advance(15 * 60_000);
  t.equal(notices.length, 0, 'more than the horizon left');
  await clock.advance(10 * 60_000);
  t.equal(notices.length, 1, 'announced inside the horizon');
  t.match(notices[0], { code: 'IMDSD_ERR_MFA_REQUIRED', hint: /imdsd mfa <code> --role dev/, message: /MFA session behind dev ends in \d+ min/ }, 'with the command');
  await clock.advance(10 * 60_000);
  t.equal(notices.length, 1, 'once per session');
});
