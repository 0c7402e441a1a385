/** Tokens signed to outlive their daemon (issue 14): what verifies, and what does not. */
import t from 'tap';
import { signToken, verifyToken } from '../../src/imds/signed-token.js';

const SECRET = 'k'.repeat(43);
const CLAIMS = { issuedAtMs: 1_790_000_000_000, expiresAtMs: 1_790_000_021_600 };

t.test('a signed token carries its times and verifies with the same secret only', async (t) => {
  const token = signToken(SECRET, 'r'.repeat(43), CLAIMS);
  t.match(token, /^[A-Za-z0-9_-]{43}\.[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/, 'url- and header-safe');
  t.same(verifyToken(SECRET, token), CLAIMS, 'the claims come back');
  t.equal(verifyToken(`${SECRET}x`, token), undefined, 'another secret refuses it');
});

t.test('tampered, truncated and foreign tokens are refused', async (t) => {
  const token = signToken(SECRET, 'r'.repeat(43), CLAIMS);
  const [random, issued, , mac] = token.split('.');
  t.equal(verifyToken(SECRET, `${random}.${issued}.zzzzzzzz.${mac}`), undefined, 'a later expiry breaks the MAC');
  t.equal(verifyToken(SECRET, token.slice(0, -1)), undefined, 'a shortened MAC');
  t.equal(verifyToken(SECRET, 'r'.repeat(43)), undefined, 'a plain random token');
  t.equal(verifyToken(SECRET, ''), undefined, 'nothing');
  const odd = signToken(SECRET, 'r', { issuedAtMs: Number.MAX_SAFE_INTEGER * 2, expiresAtMs: 1 });
  t.equal(verifyToken(SECRET, odd), undefined, 'times beyond safe integers');
});
