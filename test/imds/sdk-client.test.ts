/**
 * The real client is the judge: the JS v3 SDK's own IMDS provider must get exactly the
 * fake source's credential from our server, with and without IMDSv1 blocked.
 */
import { fromInstanceMetadata } from '@aws-sdk/credential-providers';
import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { createFakeSource, fakeCredential, startImds } from '../support/imds-fakes.js';

const ENV_KEYS = [
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  'AWS_EC2_METADATA_V1_DISABLED',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_PROFILE',
] as const;

/** Points the SDK at `port` with no shared config files, and puts the environment back afterwards. */
function pointSdkAt(t: { teardown(fn: () => void): void }, port: number, v1Disabled?: string): void {
  const saved = ENV_KEYS.map((key) => [key, process.env[key]] as const);
  t.teardown(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  for (const key of ENV_KEYS) delete process.env[key];
  process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = `http://127.0.0.1:${port}/`;
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/imdsd-test/config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/imdsd-test/credentials';
  if (v1Disabled !== undefined) process.env['AWS_EC2_METADATA_V1_DISABLED'] = v1Disabled;
}

/** A credential that the SDK, which reads the real clock, sees as valid for an hour. */
function liveSource() {
  const nowMs = Math.floor(Date.now() / 1000) * 1000;
  const credential = fakeCredential({ issuedAtMs: nowMs, expiresAtMs: nowMs + 3_600_000 });
  return { nowMs, credential, source: createFakeSource({ ok: true, credential }) };
}

for (const [name, v1Disabled, allowV1] of [
  ['IMDSv2 required', undefined, false],
  ['AWS_EC2_METADATA_V1_DISABLED=true', 'true', false],
  ['AWS_EC2_METADATA_V1_DISABLED=true against a server that allows v1', 'true', true],
] as const) {
  t.test(`fromInstanceMetadata gets the source's credential (${name})`, async (t) => {
    const { nowMs, credential, source } = liveSource();
    const imds = await startImds(t, { source, allowV1, clockStartMs: nowMs });
    pointSdkAt(t, imds.port, v1Disabled);
    const got = await fromInstanceMetadata({ maxRetries: 0, timeout: 1000 })();
    t.equal(got.accessKeyId, credential.accessKeyId, 'the access key id');
    t.equal(got.secretAccessKey, credential.secretAccessKey, 'the secret key');
    t.equal(got.sessionToken, credential.sessionToken, 'the session token');
    t.ok(got.expiration instanceof Date, 'expiration is a Date');
    t.equal(got.expiration?.getTime(), credential.expiresAtMs, 'expiring when the source says');
    t.equal(source.calls, 1, 'one credential fetch');
  });
}

t.test('fromInstanceMetadata sees a failing source as an error, not a credential', async (t) => {
  const { nowMs } = liveSource();
  const source = createFakeSource({ ok: false, error: new ImdsdError('IMDSD_ERR_NO_CREDENTIAL_YET') });
  const imds = await startImds(t, { source, clockStartMs: nowMs });
  pointSdkAt(t, imds.port, 'true');
  const outcome: unknown = await fromInstanceMetadata({ maxRetries: 0, timeout: 1000 })().then(
    () => 'resolved',
    (error: unknown) => error,
  );
  t.match(outcome, { statusCode: 503 }, 'the SDK rejects with our 503');
});
