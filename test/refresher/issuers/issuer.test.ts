/** The guard on a credential a provider returns (SSO, the MFA session). */
import t from 'tap';
import { issuedFromIdentity } from '../../../src/refresher/issuers/issuer.js';

t.test('a complete credential maps to the domain shape; anything less is refused', async (t) => {
  const expiration = new Date('2026-11-27T13:00:00Z');
  t.same(issuedFromIdentity({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiration }, 'x'),
    { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiresAtMs: expiration.getTime() }, 'mapped');
  for (const [label, value] of [
    ['no token', { accessKeyId: 'A', secretAccessKey: 'S', expiration }],
    ['no expiry', { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' }],
    ['an empty key', { accessKeyId: '', secretAccessKey: 'S', sessionToken: 'T', expiration }],
    ['not an object', 'nope'],
  ] as const) {
    t.throws(() => issuedFromIdentity(value, 'IAM Identity Center'), { code: 'IMDSD_ERR_STS_MALFORMED', message: /IAM Identity Center returned an incomplete credential/ }, label);
  }
});
