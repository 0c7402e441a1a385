import t from 'tap';
import { envCredentialChecks } from '../../../src/cli/doctor/env-credential-checks.js';
import type { CallerIdentity, StaticCredentials } from '../../../src/cli/doctor/deps.js';
import { MINUTE, NOW, only, situation } from '../../support/doctor-fakes.js';

const UNSET = 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN';
const local = async (env: Record<string, string>) => envCredentialChecks(await situation({ env }));

t.test('without --check-env-credentials: only what can be told locally', async (t) => {
  t.same(await local({}), [], 'nothing exported, nothing to say');
  t.match(only(await local({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }), 'env-credentials-expiry'), {
    level: 'warning', title: 'temporary credentials exported in this shell; they expire and then every command fails with ExpiredToken', fix: UNSET,
    detail: /--check-env-credentials/,
  }, 'a session: temporary');
  t.match(only(await local({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's' }), 'env-credentials-expiry'),
    { level: 'problem', title: /temporary \(ASIA\) key but no AWS_SESSION_TOKEN/ }, 'an ASIA key without its token');
  t.match(only(await local({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's' }), 'env-credentials-expiry'),
    { level: 'warning', title: 'a long-term access key (…0001) is exported in this shell: it never expires, and it hides imdsd' }, 'a long-term key, shown by its last four');
  const session = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' };
  t.match(only(await local({ ...session, AWS_CREDENTIAL_EXPIRATION: new Date(NOW - 3 * MINUTE).toISOString() }), 'env-credentials-expiry'),
    { level: 'problem', title: /^the exported temporary credentials expired 3m00s ago \(AWS_CREDENTIAL_EXPIRATION=/ }, 'expired, says AWS_CREDENTIAL_EXPIRATION');
  t.match(only(await local({ ...session, AWS_CREDENTIAL_EXPIRATION: 'garbage', AWS_SESSION_EXPIRATION: new Date(NOW + 20 * MINUTE).toISOString() }), 'env-credentials-expiry'),
    { level: 'warning', title: /expire in 20m00s \(AWS_SESSION_EXPIRATION=/ }, 'still valid, says aws-vault\'s variable');
});

t.test('with --check-env-credentials: STS answers', async (t) => {
  const sent: StaticCredentials[] = [];
  const sts = (answer: CallerIdentity) => async (env: Record<string, string>) => envCredentialChecks(await situation({
    env, callerIdentity: async (creds, e) => { sent.push(creds); return answer(creds, e); },
  }, { checkEnvCredentials: true }));
  const session = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' };
  t.match(only(await sts(async () => 'arn:aws:sts::1:assumed-role/dev/me')(session), 'env-credentials-sts'),
    { level: 'ok', title: 'STS accepts the exported credentials: arn:aws:sts::1:assumed-role/dev/me' }, 'valid');
  t.same(sent[0], { accessKeyId: 'ASIAEXAMPLE0001', secretAccessKey: 's', sessionToken: 't' }, 'exactly the exported credentials');
  const failing = (name: string) => sts(async () => { throw Object.assign(new Error('x'), { name }); })(session);
  t.match(only(await failing('ExpiredToken'), 'env-credentials-sts'), { level: 'problem', title: 'STS says the exported credentials have expired (ExpiredToken)', fix: UNSET }, 'expired');
  t.match(only(await failing('ExpiredTokenException'), 'env-credentials-sts'), { title: /ExpiredToken/ }, 'the SDK\'s Exception spelling');
  t.match(only(await failing('InvalidClientTokenId'), 'env-credentials-sts'), { level: 'problem', title: /InvalidClientTokenId/ }, 'unknown key');
  t.match(only(await failing('SignatureDoesNotMatch'), 'env-credentials-sts'), { level: 'problem', title: /SignatureDoesNotMatch/ }, 'wrong secret');
  t.match(only(await failing('RequestExpired'), 'env-credentials-sts'), { level: 'problem', title: /clock/ }, 'clock');
  t.match(only(await failing('Error'), 'env-credentials-sts'), { level: 'warning', title: 'could not ask STS about the exported credentials: x' }, 'anything else');
  t.match(only(await sts(() => Promise.reject('offline'))(session), 'env-credentials-sts'), { level: 'warning', title: /: offline$/ }, 'a non-Error');
  t.match(only(await sts(() => Promise.reject(null))(session), 'env-credentials-sts'), { level: 'warning', title: /: null$/ }, 'null');
  const before = sent.length;
  t.match(only(await sts(async () => 'x')({ AWS_ACCESS_KEY_ID: 'AKIA1' }), 'env-credentials-sts'), { level: 'problem', title: /without AWS_SECRET_ACCESS_KEY/ }, 'no secret');
  t.equal(sent.length, before, 'and nothing was sent');
  await sts(async () => 'x')({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SECURITY_TOKEN: 'old' });
  t.equal(sent.at(-1)?.sessionToken, 'old', 'AWS_SECURITY_TOKEN is the token when AWS_SESSION_TOKEN is not set');
  await sts(async () => 'x')({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's' });
  t.equal(sent.at(-1)?.sessionToken, undefined, 'no token for a long-term key');
});
