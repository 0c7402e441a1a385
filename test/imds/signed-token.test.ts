/** Tokens signed to outlive their daemon (issue 14): what verifies, and what does not. */
import t from 'tap';
import { signToken, verifyToken } from '../../src/imds/signed-token.js';

const SECRET = 'k'.repeat(43);
const RANDOM = Buffer.alloc(32, 7);
const CLAIMS = { issuedAtMs: 1_790_000_000_000, expiresAtMs: 1_790_000_021_600 };

t.test('a signed token is one base64url blob that verifies with the same secret only', async (t) => {
  const token = signToken(SECRET, RANDOM, CLAIMS);
  t.match(token, /^[A-Za-z0-9_-]{107}$/, 'url- and header-safe, like a real IMDS token');
  t.same(verifyToken(SECRET, token), CLAIMS, 'the claims come back');
  t.equal(verifyToken(`${SECRET}x`, token), undefined, 'another secret refuses it');
});

t.test('tampered, truncated and foreign tokens are refused', async (t) => {
  const token = signToken(SECRET, RANDOM, CLAIMS);
  const bytes = Buffer.from(token, 'base64url');
  bytes[40] = (bytes[40] ?? 0) ^ 1;
  t.equal(verifyToken(SECRET, bytes.toString('base64url')), undefined, 'a changed expiry breaks the MAC');
  t.equal(verifyToken(SECRET, token.slice(0, -2)), undefined, 'a shortened token');
  t.equal(verifyToken(SECRET, `${token.slice(0, -1)}=`), undefined, 'a token that is not canonical base64url');
  t.equal(verifyToken(SECRET, RANDOM.toString('base64url')), undefined, 'a plain random token');
  t.equal(verifyToken(SECRET, ''), undefined, 'nothing');
  const huge = signToken(SECRET, RANDOM, { issuedAtMs: 2 ** 60, expiresAtMs: 1 });
  t.equal(verifyToken(SECRET, huge), undefined, 'times beyond safe integers');
});
