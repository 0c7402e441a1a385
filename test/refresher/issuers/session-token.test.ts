/** An IAM user's profile is served as a GetSessionToken session, never as its keys (issue 13). */
import t from 'tap';
import { FakeClock } from '../../support/fake-clock.js';
import { createMfaSession } from '../../../src/refresher/mfa-session.js';
import { createMfaSessionIssue, createSessionTokenIssue, DEFAULT_SESSION_TOKEN_SEC } from '../../../src/refresher/issuers/session-token.js';
import { DEFAULT_USER, startStsServer } from '../../support/sts-server.js';

const credentials = async () => ({ accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey });

t.test('GetSessionToken with the long-term keys, for the asked duration', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const issue = createSessionTokenIssue({ region: 'us-east-1', endpoint: sts.url, deadlineMs: 5_000, credentials });
  const first = await issue(undefined);
  t.match(first.accessKeyId, /^ASIA/, 'a session key, not the user\'s AKIA key');
  t.match(sts.calls.at(-1), { action: 'GetSessionToken', durationSeconds: DEFAULT_SESSION_TOKEN_SEC, accessKeyId: DEFAULT_USER.accessKeyId },
    'STS\'s default of 12 hours, signed with the user\'s key');
  await issue(129_600);
  t.match(sts.calls.at(-1), { durationSeconds: 129_600 }, 'up to 36 hours');
});

t.test('with MFA, the session `imdsd mfa` started is what is served', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const clock = new FakeClock(Date.now());
  const mfa = createMfaSession({
    region: 'us-east-1', endpoint: sts.url, deadlineMs: 5_000, credentials, roleName: 'me',
    serialNumber: 'arn:aws:iam::111111111111:mfa/me', durationSec: 3600, clock,
    failureContext: { roleArn: '', sourceLabel: 'the profile\'s own keys', region: 'us-east-1' },
  });
  const issue = createMfaSessionIssue(mfa);
  await t.rejects(issue(undefined), { code: 'IMDSD_ERR_MFA_REQUIRED' }, 'nothing before a code');
  t.match(await mfa.submit('123456'), { ok: true }, 'a code starts the session');
  const served = await issue(undefined);
  t.equal(served.expiresAtMs, mfa.expiresAtMs(), 'the session itself, until its end');
});
