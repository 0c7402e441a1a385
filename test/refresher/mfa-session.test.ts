/**
 * The MFA session against the local SigV4-verifying STS: no session until a code is sent,
 * a malformed code refused before STS sees it, a wrong one refused by STS as an MFA
 * failure, the right one giving session credentials that end when STS says.
 */
import t from 'tap';
import { createMfaSession } from '../../src/refresher/mfa-session.js';
import { FakeClock } from '../support/fake-clock.js';
import { DEFAULT_MFA_CODE, DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const SERIAL = 'arn:aws:iam::111111111111:mfa/tester';
const sts = await startStsServer();
t.teardown(() => sts.close());

function session(clock = new FakeClock(Date.now())) {
  return createMfaSession({
    roleName: 'dev', serialNumber: SERIAL, durationSec: 3600, clock, region: 'us-east-1', endpoint: sts.url, deadlineMs: 10_000,
    credentials: async () => ({ accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey }),
    failureContext: { roleArn: DEFAULT_ROLE_ARN, sourceLabel: 'profile base', region: 'us-east-1' },
  });
}

t.test('before any code: MFA required, with the command to run', async (t) => {
  const mfa = session();
  await t.rejects(mfa.provider(), { code: 'IMDSD_ERR_MFA_REQUIRED', message: `no MFA session yet for dev (${SERIAL})`,
    hint: 'run `imdsd mfa <code> --role dev` with a code from your MFA device' });
  t.equal(mfa.expiresAtMs(), undefined, 'no session end');
});

t.test('a code that is not six digits never reaches STS', async (t) => {
  const before = sts.calls.length;
  const outcome = await session().submit('12ab56');
  t.match(outcome, { ok: false, error: { code: 'IMDSD_ERR_MFA_FAILED', message: '"12ab56" is not a six-digit MFA code' } });
  t.equal(sts.calls.length, before, 'no call');
});

t.test('a wrong code: STS refuses it, said as an MFA failure', async (t) => {
  const outcome = await session().submit('000000');
  t.match(outcome, { ok: false, error: { code: 'IMDSD_ERR_MFA_FAILED', message: `STS refused the MFA code for ${SERIAL}`, hint: /wait for the next code/ } });
  t.match(sts.calls.at(-1), { action: 'GetSessionToken', serialNumber: SERIAL, durationSeconds: 3600, code: 'AccessDenied' }, 'STS was asked with the serial');
});

t.test('the right code: session credentials STS issued, until their end less a minute', async (t) => {
  const clock = new FakeClock(Date.now());
  const mfa = session(clock);
  const outcome = await mfa.submit(DEFAULT_MFA_CODE);
  t.ok(outcome.ok, 'accepted');
  const issued = sts.calls.at(-1)?.issuedAccessKeyId;
  const credential = await mfa.provider();
  t.equal(credential.accessKeyId, issued, 'the credential STS issued');
  t.equal(credential.expiration?.getTime(), mfa.expiresAtMs(), 'ending when the session does');
  const left = (mfa.expiresAtMs() ?? 0) - clock.now();
  t.ok(left > 3500_000 && left <= 3600_000, `an hour, as asked (${left} ms)`);
  clock.jumpWall(left - 61_000);
  await t.resolves(mfa.provider(), 'usable with more than a minute left');
  clock.jumpWall(2_000);
  await t.rejects(mfa.provider(), { code: 'IMDSD_ERR_MFA_REQUIRED', message: /the MFA session has ended/ }, 'not in its last minute');
});

t.test('an STS outage is not an MFA failure', async (t) => {
  sts.injectFaults({ kind: 'http', status: 503, code: 'ServiceUnavailable' });
  const outcome = await session().submit(DEFAULT_MFA_CODE);
  t.match(outcome, { ok: false, error: { code: 'IMDSD_ERR_STS_UNAVAILABLE' } });
});
