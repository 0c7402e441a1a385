/** A renewable SSO login: asked to renew inside the SDK's window; a refusal ends it (issue 13). */
import t from 'tap';
import type { SsoLogin } from '../../src/daemon/sso-login.js';
import { RENEWAL_CHECK_BEFORE_MS, watchSsoRenewal } from '../../src/daemon/sso-renewal.js';
import { FakeClock } from '../support/fake-clock.js';

function setup(renews: boolean) {
  const clock = new FakeClock(Date.now(), 2);
  let login: SsoLogin | undefined = { endsAtMs: clock.now() + 3_600_000, renewable: true, tokenDigest: 'one' };
  const refreshAt: number[] = [];
  let n = 1;
  const renewal = watchSsoRenewal({
    clock,
    login: { current: () => login, reread: async () => undefined },
    refresh: async () => {
      refreshAt.push(clock.now());
      if (renews && login !== undefined) login = { endsAtMs: clock.now() + 3_600_000, renewable: true, tokenDigest: `token-${++n}` };
    },
  });
  renewal.arm();
  return { clock, renewal, refreshAt, set: (next: SsoLogin | undefined) => (login = next), get: () => login };
}

t.test('renewed: asked once inside the window, then again for the next token', async (t) => {
  const { clock, renewal, refreshAt } = setup(true);
  const start = clock.now();
  await clock.advance(3_600_000 - RENEWAL_CHECK_BEFORE_MS - 1_000);
  t.equal(refreshAt.length, 0, 'not before the window');
  await clock.advance(2_000);
  t.equal(refreshAt.length, 1, 'inside it');
  t.notOk(renewal.refused(), 'renewed');
  await clock.advance(3_600_000);
  t.equal(refreshAt.length, 2, 'and again an hour later for the renewed token');
  t.ok((refreshAt[0] ?? 0) - start >= 3_600_000 - RENEWAL_CHECK_BEFORE_MS, 'at the right time');
  renewal.stop();
});

t.test('refused: the login ends with its token', async (t) => {
  const { clock, renewal, refreshAt, set } = setup(false);
  await clock.advance(3_600_000 - RENEWAL_CHECK_BEFORE_MS + 1_000);
  t.equal(refreshAt.length, 1, 'asked once');
  t.ok(renewal.refused(), 'refused: the same token is still there');
  await clock.advance(3_600_000);
  t.equal(refreshAt.length, 1, 'not asked again for the same token');
  set({ endsAtMs: clock.now() + 3_600_000, renewable: true, tokenDigest: 'relogin' });
  renewal.arm();
  t.notOk(renewal.refused(), 'a new login is not refused');
  set(undefined);
  renewal.arm();
  t.notOk(renewal.refused(), 'no login: nothing refused');
  set({ endsAtMs: clock.now() + 3_600_000, renewable: false, tokenDigest: 'legacy' });
  renewal.arm();
  await clock.advance(3_600_000);
  t.equal(refreshAt.length, 1, 'a login that cannot be renewed is not asked');
  renewal.stop();
});
