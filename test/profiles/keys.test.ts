/** Issue 13: an IAM user's keys, served as GetSessionToken sessions, never as they are. */
import t from 'tap';
import { systemClock } from '../../src/clock.js';
import { sessionTokenIssuer } from '../../src/profiles/keys.js';
import { readProfile } from '../../src/profiles/read.js';
import { resolveRole } from '../../src/profiles/resolve.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { codedFailure } from '../support/coded-failure.js';
import { DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const CONFIG = `
[profile me]
aws_access_key_id = AKIAEXAMPLEUSER00001
aws_secret_access_key = user-secret
mfa_serial = arn:aws:iam::111111111111:mfa/me
mfa_session_duration = 7200
endpoint_url = http://127.0.0.1:9999

[profile temp]
aws_access_key_id = ASIAEXAMPLETEMP00001
aws_secret_access_key = temp-secret
aws_session_token = token
`;

t.test('temporary keys are refused: nothing could renew them', async (t) => {
  withEnv(t, writeAwsFiles(CONFIG).env);
  t.match(await codedFailure(readProfile('temp', process.env)),
    { code: 'IMDSD_ERR_CONFIG', message: /profile temp: holds temporary keys \(aws_session_token\)/, hint: /the profile that issues them/ }, 'with the fix');
});

t.test('an IAM user\'s profile: a session of up to 36 hours, with MFA as configured', async (t) => {
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: undefined });
  const role = await resolveRole({ profile: 'me', durationSec: 129_600 }, 0, process.env);
  t.match(role, {
    issuer: { kind: 'session-token', profile: 'me' }, durationSec: 129_600, endpoint: 'http://127.0.0.1:9999',
    source: { kind: 'static', accessKeyId: 'AKIAEXAMPLEUSER00001' }, mfa: { serialNumber: 'arn:aws:iam::111111111111:mfa/me', sessionDurationSec: 7200 },
  }, 'GetSessionToken with the keys, the MFA device and the profile\'s endpoint');
  t.notMatch(role.key, /user-secret/, 'the reload key holds no secret');
  t.match(await codedFailure(resolveRole({ profile: 'me', durationSec: 200_000 }, 0, process.env)), { message: /over GetSessionToken's 129600 s/ }, 'at most 36 hours');
});


t.test('the issuer calls GetSessionToken with the keys', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: undefined });
  const role = await resolveRole({ profile: 'me' }, 0, process.env);
  const issue = sessionTokenIssuer({ ...role, endpoint: sts.url, source: { kind: 'static', accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey } },
    { clock: systemClock, env: {}, deadlineMs: 5_000, mfa: undefined });
  await issue(3600);
  t.match(sts.calls.at(-1), { action: 'GetSessionToken', durationSeconds: 3600 }, 'GetSessionToken for the duration asked');
});
