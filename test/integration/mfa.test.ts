/**
 * A profile with mfa_serial: the daemon waits for `imdsd mfa CODE`, starts a
 * GetSessionToken session with it, and assumes the role with that session on every
 * refresh, asking STS for a new session only when given a new code.
 */
import t from 'tap';
import { request } from 'undici';
import { cleanEnv, runCli, runImdsd } from '../support/daemon-process.js';
import { writeAwsFiles } from '../support/aws-files.js';
import { DEFAULT_MFA_CODE, DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const SERIAL = 'arn:aws:iam::111111111111:mfa/tester';


t.test('an MFA role is served after imdsd mfa CODE, and one code covers many refreshes', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const files = writeAwsFiles(
    `[profile dev]\nrole_arn = ${DEFAULT_ROLE_ARN}\nsource_profile = base\nmfa_serial = ${SERIAL}\nmfa_session_duration = 3600\n`,
    `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`,
  );
  const env = cleanEnv({ ...files.env, AWS_ENDPOINT_URL_STS: sts.url });
  const daemon = runCli(['run', '--profile', 'dev', '--port', '0'], env);
  t.teardown(() => daemon.stop());
  const failed = await daemon.waitFor((line) => line.event === 'first-fetch-failed');
  t.equal(failed.code, 'IMDSD_ERR_MFA_REQUIRED', 'without a code the first fetch asks for MFA');
  t.match(failed.hint, /imdsd mfa <code> --role dev/, 'naming the command');
  const listening = await daemon.waitFor((line) => line.event === 'listening');
  t.equal(sts.calls.length, 0, 'nothing was sent to STS without a session');

  const token = await (await request(`http://127.0.0.1:${String(listening.port)}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  })).body.text();
  const fetchCredential = () => request(`http://127.0.0.1:${String(listening.port)}/latest/meta-data/iam/security-credentials/dev`, {
    headers: { 'x-aws-ec2-metadata-token': token },
  });
  const waiting = await fetchCredential();
  t.equal(waiting.statusCode, 503, 'clients get an error meanwhile');
  t.match(await waiting.body.text(), /IMDSD_ERR_MFA_REQUIRED.*imdsd mfa/, 'saying what to run');

  const usage = await runImdsd(['mfa'], env);
  t.equal(usage.code, 78, 'no code is a usage error');
  const malformed = await runImdsd(['mfa', '12ab56'], env);
  t.equal(malformed.code, 1, 'a malformed code fails');
  t.match(malformed.stderr, /is not a six-digit MFA code/, 'and says why');
  const wrong = await runImdsd(['mfa', '000000'], env);
  t.equal(wrong.code, 1, 'a wrong code fails');
  t.match(wrong.stderr, /IMDSD_ERR_MFA_FAILED: STS refused the MFA code/, 'as refused by STS');

  const ok = await runImdsd(['mfa', DEFAULT_MFA_CODE, '--role', 'dev'], env);
  t.equal(ok.code, 0, `the right code works: ${ok.stderr}`);
  t.match(ok.stdout, /dev: MFA session until \d{4}-.*\ndev: refreshed, expires/, 'reports the session and the refresh');
  const served = await fetchCredential();
  t.equal(served.statusCode, 200, 'the role is served');
  await served.body.dump();

  const sessions = sts.calls.filter((call) => call.action === 'GetSessionToken' && call.status === 200);
  t.equal(sessions.length, 1, 'one GetSessionToken');
  t.equal(sessions[0]?.serialNumber, SERIAL, 'with the profile\'s mfa_serial');
  t.equal(sessions[0]?.accessKeyId, DEFAULT_USER.accessKeyId, 'signed with the long-term keys');
  const assumed = sts.calls.filter((call) => call.action === 'AssumeRole');
  t.match(assumed[0]?.accessKeyId, /^ASIA/, 'AssumeRole is signed with the MFA session, not the long-term keys');
  t.equal(assumed[0]?.accessKeyId, sessions[0]?.issuedAccessKeyId, 'the very session GetSessionToken issued');

  t.equal((await runImdsd(['refresh'], env)).code, 0, 'a later refresh');
  t.equal(sts.calls.filter((call) => call.action === 'GetSessionToken').length, 2, 'needs no new code (two attempts: one refused, one good)');
  t.equal(sts.calls.filter((call) => call.action === 'AssumeRole').length, 2, 'and assumes the role again with the same session');

  const status = JSON.parse((await runImdsd(['status', '--json'], env)).stdout) as { roles: Array<{ usesMfa: boolean; mfaSessionExpiresAt?: string }> };
  t.equal(status.roles[0]?.usesMfa, true, 'status shows the role uses MFA');
  t.match(status.roles[0]?.mfaSessionExpiresAt, /Z$/, 'and when the session ends');
});
