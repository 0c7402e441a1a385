import t from 'tap';
import { createTokenStore, DEFAULT_MAX_TOKENS, TOKEN_SWEEP_INTERVAL_MS } from '../../src/imds/tokens.js';
import { createFakeClock } from '../support/imds-fakes.js';

t.test('issues random url-safe tokens that are valid for their whole TTL', async (t) => {
  const clock = createFakeClock();
  const store = createTokenStore({ clock });
  t.teardown(() => store.close());
  const token = store.issue(30);
  t.match(token, /^[A-Za-z0-9_-]{43}$/, 'a token is 32 random bytes in base64url');
  t.not(store.issue(30), token, 'every token is new');
  t.equal(store.check(token), 30, 'a fresh token has its whole TTL left');
  await clock.advance(29_500);
  t.equal(store.check(token), 1, 'the remaining TTL is rounded up to whole seconds');
  t.equal(store.check(token), 1, 'a token can be used any number of times');
  await clock.advance(500);
  t.equal(store.check(token), undefined, 'a token is dead at the end of its TTL');
  t.equal(store.size(), 1, 'an expired token is dropped when it is looked up, before any sweep');
});

t.test('rejects tokens it never issued', async (t) => {
  const store = createTokenStore({ clock: createFakeClock() });
  t.teardown(() => store.close());
  store.issue(60);
  t.equal(store.check('not-a-token'), undefined, 'an unknown token is refused');
  t.equal(store.check(''), undefined, 'an empty token is refused');
});

t.test('sweeps expired tokens on a timer and keeps live ones', async (t) => {
  const clock = createFakeClock();
  const store = createTokenStore({ clock });
  t.teardown(() => store.close());
  const short = store.issue(1);
  const long = store.issue(3600);
  t.equal(clock.pending(), 1, 'one sweep timer is armed');
  await clock.advance(TOKEN_SWEEP_INTERVAL_MS);
  t.equal(store.size(), 1, 'the sweep dropped the expired token');
  t.equal(store.check(short), undefined, 'the swept token is gone');
  t.equal(store.check(long), 3600 - TOKEN_SWEEP_INTERVAL_MS / 1000, 'the live token survived');
  t.equal(clock.pending(), 1, 'the sweep re-arms itself');
  await clock.advance(3600_000);
  t.equal(store.size(), 0, 'later sweeps keep running');
});

t.test('sweep() reports how many tokens it dropped', async (t) => {
  const clock = createFakeClock();
  const store = createTokenStore({ clock });
  t.teardown(() => store.close());
  store.issue(1);
  store.issue(2);
  store.issue(10);
  await clock.advance(2_000);
  t.equal(clock.pending(), 1, 'no sweep ran yet');
  t.equal(store.sweep(), 2, 'two tokens had expired');
  t.equal(store.sweep(), 0, 'a second sweep finds nothing');
  t.equal(store.size(), 1, 'one token is left');
});

t.test('caps the number of tokens and forgets the oldest first', async (t) => {
  const store = createTokenStore({ clock: createFakeClock(), maxTokens: 3 });
  t.teardown(() => store.close());
  const [first, second, third] = [store.issue(60), store.issue(60), store.issue(60)];
  const fourth = store.issue(60);
  t.equal(store.size(), 3, 'the store never holds more than maxTokens');
  t.equal(store.check(first), undefined, 'the oldest token was evicted');
  t.equal(store.check(second), 60, 'the second token is kept');
  t.equal(store.check(third), 60, 'the third token is kept');
  t.equal(store.check(fourth), 60, 'the new token is kept');
});

t.test('defaults to a cap of ten thousand tokens', async (t) => {
  const store = createTokenStore({ clock: createFakeClock() });
  t.teardown(() => store.close());
  const first = store.issue(60);
  for (let i = 1; i < DEFAULT_MAX_TOKENS; i += 1) store.issue(60);
  t.equal(store.check(first), 60, 'the first token survives up to the cap');
  store.issue(60);
  t.equal(store.size(), DEFAULT_MAX_TOKENS, 'the size stays at the cap');
  t.equal(store.check(first), undefined, 'one more token evicts the first');
});

t.test('close() stops the sweep and forgets every token', async (t) => {
  const clock = createFakeClock();
  const store = createTokenStore({ clock });
  const token = store.issue(60);
  store.close();
  t.equal(clock.pending(), 0, 'the sweep timer is cancelled');
  t.equal(store.check(token), undefined, 'tokens are forgotten');
  t.doesNotThrow(() => store.close(), 'closing twice is harmless');
});

t.test('with a secret, the next store accepts tokens issued before it, not its own forgotten ones (issue 14)', async (t) => {
  const clock = createFakeClock();
  const before = createTokenStore({ clock, secret: 'key' });
  const token = before.issue(60);
  before.close();
  await clock.advance(1_000);
  const after = createTokenStore({ clock, secret: 'key', maxTokens: 1 });
  t.teardown(() => after.close());
  t.equal(after.check(token), 59, 'the restarted store accepts the earlier token with its TTL left');
  t.equal(createTokenStore({ clock, secret: 'other' }).check(token), undefined, 'another secret does not');
  const own = after.issue(60);
  after.issue(60);
  t.equal(after.check(own), undefined, 'a token this store forgot (the cap) stays forgotten');
  await clock.advance(60_000);
  t.equal(after.check(token), undefined, 'the earlier token dies at its expiry');
});
