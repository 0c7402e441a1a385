import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { classifyStsFailure } from '../../src/refresher/classify.js';
import { sourceLabel, sourceProvider, type SourceSpec } from '../../src/refresher/source-credentials.js';

const KEYS = {
  accessKeyId: 'AKIASOURCETEST000001',
  secretAccessKey: 'source-test-secret-0000000000000000000000',
};
const EXPIRATION = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every variable that steers the SDK's credential providers. */
const AWS_VARS = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_ACCOUNT_ID',
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', 'AWS_EC2_METADATA_DISABLED',
  'AWS_EC2_METADATA_V1_DISABLED', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME',
];

/** Clears every AWS variable, sets `vars`, and puts the old environment back in teardown. */
function isolateEnv(t: Test, vars: Record<string, string>): void {
  const saved = new Map(AWS_VARS.concat(Object.keys(vars)).map((k) => [k, process.env[k]]));
  for (const k of saved.keys()) delete process.env[k];
  // Shared files that do not exist, so the tester's own ~/.aws plays no part.
  process.env.AWS_CONFIG_FILE = '/nonexistent/imdsd-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/imdsd-test/credentials';
  Object.assign(process.env, vars);
  t.teardown(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** A tiny HTTP server for the IMDS and ECS providers; answers with `route`. */
async function serve(t: Test, route: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

t.test('sourceLabel names each kind of source without a key', async (t) => {
  const cases: Array<[SourceSpec, string]> = [
    [{ kind: 'chain' }, 'the default credential chain'],
    [{ kind: 'profile', profile: 'dev-sso' }, 'source profile dev-sso'],
    [{ kind: 'Environment' }, 'credential_source Environment'],
    [{ kind: 'Ec2InstanceMetadata' }, 'credential_source Ec2InstanceMetadata'],
    [{ kind: 'EcsContainer' }, 'credential_source EcsContainer'],
    [{ kind: 'static', ...KEYS, sessionToken: 'tok' }, "the profile's own keys"],
  ];
  for (const [spec, label] of cases) t.equal(sourceLabel(spec), label, `${spec.kind} is "${label}"`);
  const staticLabel = sourceLabel({ kind: 'static', ...KEYS });
  t.notMatch(staticLabel, KEYS.accessKeyId, 'the label of static keys does not show the key id');
  t.notMatch(staticLabel, KEYS.secretAccessKey, 'nor the secret');
});

t.test("sourceProvider('static') resolves the profile's own keys", async (t) => {
  t.same(await sourceProvider({ kind: 'static', ...KEYS })(), KEYS, 'a key pair without a session token');
  const withToken = await sourceProvider({ kind: 'static', ...KEYS, sessionToken: 'session-token' })();
  t.same(withToken, { ...KEYS, sessionToken: 'session-token' }, 'a key pair with its session token');
  t.notOk('sessionToken' in (await sourceProvider({ kind: 'static', ...KEYS, sessionToken: undefined })()),
    'an undefined session token is left out, not passed as undefined');
});

t.test("sourceProvider('Environment') reads the AWS_* variables", async (t) => {
  isolateEnv(t, { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_SESSION_TOKEN: 'env-token' });
  const identity = await sourceProvider({ kind: 'Environment' })();
  t.equal(identity.accessKeyId, KEYS.accessKeyId, 'the key id comes from AWS_ACCESS_KEY_ID');
  t.equal(identity.secretAccessKey, KEYS.secretAccessKey, 'the secret comes from AWS_SECRET_ACCESS_KEY');
  t.equal(identity.sessionToken, 'env-token', 'the token comes from AWS_SESSION_TOKEN');
});

t.test("sourceProvider('Environment') without the variables fails as missing source credentials", async (t) => {
  isolateEnv(t, {});
  const thrown = await sourceProvider({ kind: 'Environment' })().then(() => undefined, (err: unknown) => err);
  t.match(thrown, { name: 'CredentialsProviderError' }, 'the SDK provider rejects');
  const { error } = classifyStsFailure(thrown, {
    roleArn: 'arn:aws:iam::123456789012:role/dev',
    sourceLabel: sourceLabel({ kind: 'Environment' }),
    region: 'us-east-1',
  });
  t.equal(error.code, 'IMDSD_ERR_SOURCE_CREDENTIALS_MISSING', 'which imdsd reports as missing source credentials');
});

t.test("sourceProvider('chain') uses the standard chain of the daemon's environment", async (t) => {
  isolateEnv(t, { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey });
  const identity = await sourceProvider({ kind: 'chain' })();
  t.equal(identity.accessKeyId, KEYS.accessKeyId, 'the chain finds the environment keys first');
  t.equal(identity.secretAccessKey, KEYS.secretAccessKey, 'with their secret');
});

t.test("sourceProvider('profile') resolves a shared-config profile as the SDK does", async (t) => {
  const dir = t.testdir({
    credentials: `[dev]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
    config: '[profile dev]\nregion = eu-west-1\n',
  });
  isolateEnv(t, {});
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  const identity = await sourceProvider({ kind: 'profile', profile: 'dev' })();
  t.equal(identity.accessKeyId, KEYS.accessKeyId, 'the key id comes from the profile');
  t.equal(identity.secretAccessKey, KEYS.secretAccessKey, 'the secret comes from the profile');
  const missing = await sourceProvider({ kind: 'profile', profile: 'nope' })().then(() => undefined, (err: unknown) => err);
  t.match(missing, { name: 'CredentialsProviderError' }, 'an unknown profile is a CredentialsProviderError');
});

t.test("sourceProvider('EcsContainer') reads the container credentials endpoint", async (t) => {
  const seen: string[] = [];
  const url = await serve(t, (req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ AccessKeyId: KEYS.accessKeyId, SecretAccessKey: KEYS.secretAccessKey, Token: 'ecs-token', Expiration: EXPIRATION }));
  });
  isolateEnv(t, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'auth-1' });
  const identity = await sourceProvider({ kind: 'EcsContainer' })();
  t.equal(identity.accessKeyId, KEYS.accessKeyId, 'the key id comes from the endpoint');
  t.equal(identity.sessionToken, 'ecs-token', 'the token comes from the endpoint');
  t.same(seen, ['GET /creds auth-1'], 'one GET to the configured URI with the authorization token');
});

t.test("sourceProvider('Ec2InstanceMetadata') reads IMDS", async (t) => {
  const seen: string[] = [];
  const url = await serve(t, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      res.setHeader('x-aws-ec2-metadata-token-ttl-seconds', '21600');
      res.end('imds-token');
    } else if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') {
      res.statusCode = 401;
      res.end();
    } else if (req.url === '/latest/meta-data/iam/security-credentials/') {
      res.end('instance-role');
    } else if (req.url === '/latest/meta-data/iam/security-credentials/instance-role') {
      res.end(JSON.stringify({
        Code: 'Success', LastUpdated: EXPIRATION, Type: 'AWS-HMAC', AccessKeyId: KEYS.accessKeyId,
        SecretAccessKey: KEYS.secretAccessKey, Token: 'imds-session-token', Expiration: EXPIRATION,
      }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  isolateEnv(t, { AWS_EC2_METADATA_SERVICE_ENDPOINT: url });
  const identity = await sourceProvider({ kind: 'Ec2InstanceMetadata' })();
  t.equal(identity.accessKeyId, KEYS.accessKeyId, 'the key id comes from IMDS');
  t.equal(identity.sessionToken, 'imds-session-token', 'the token comes from IMDS');
  t.ok(seen.includes('PUT /latest/api/token'), 'it used an IMDSv2 token');
});
