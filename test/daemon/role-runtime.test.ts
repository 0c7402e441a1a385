/**
 * One role wired end to end in process: a role resolved from real AWS files, its
 * refresher against the local SigV4-verifying STS, its IMDS app on a loopback port, a
 * carried-over credential adopted without a call, and a close that stops both halves.
 */
import { pino } from 'pino';
import t from 'tap';
import { request } from 'undici';
import { systemClock } from '../../src/clock.js';
import { createRoleRuntime, type RoleRuntime } from '../../src/daemon/role-runtime.js';
import { resolveRole } from '../../src/profiles/resolve.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const sts = await startStsServer();
t.teardown(() => sts.close());

async function devRuntime(t: { teardown(fn: () => void): void }): Promise<RoleRuntime> {
  withEnv(t, {
    ...writeAwsFiles(`[profile dev]\nrole_arn = ${DEFAULT_ROLE_ARN}\nsource_profile = base\nregion = us-east-1\n`,
      `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`).env,
    AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL: undefined,
  });
  const role = await resolveRole({ profile: 'dev', port: 0 }, 0, process.env);
  return createRoleRuntime(role, { clock: systemClock, logger: pino({ level: 'silent' }), tickSec: 3600, env: process.env, ownerUid: process.getuid?.() });
}

/** What an SDK does: an IMDSv2 token, then the role's credential. */
async function served(port: number): Promise<{ status: number; key?: string }> {
  const token = await request(`http://127.0.0.1:${port}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } });
  const headers = { 'x-aws-ec2-metadata-token': await token.body.text() };
  const reply = await request(`http://127.0.0.1:${port}/latest/meta-data/iam/security-credentials/dev`, { headers });
  const text = await reply.body.text();
  return reply.statusCode === 200 ? { status: 200, key: (JSON.parse(text) as { AccessKeyId: string }).AccessKeyId } : { status: reply.statusCode };
}

t.test('start fetches from STS; listen serves it; close stops the refresher and the port', async (t) => {
  const runtime = await devRuntime(t);
  t.equal(runtime.endpoint(), undefined, 'no endpoint before listening');
  t.equal(runtime.mfa, undefined, 'no MFA session for a profile without mfa_serial');
  const first = await runtime.start();
  t.ok(first.ok, 'the first fetch succeeded');
  const issued = sts.calls.at(-1);
  t.match(issued, { action: 'AssumeRole', roleArn: DEFAULT_ROLE_ARN, accessKeyId: DEFAULT_USER.accessKeyId }, 'AssumeRole signed with the source keys');
  const listener = await runtime.listen();
  t.ok(listener.port > 0, `listening on port ${listener.port}`);
  t.same(runtime.endpoint(), { port: listener.port, addresses: listener.addresses }, 'the endpoint is the listener\'s');
  t.same(await served(listener.port), { status: 200, key: issued?.issuedAccessKeyId }, 'an SDK gets the credential STS issued');
  t.ok(runtime.tokenCount() >= 1, 'the IMDSv2 token is counted');
  await runtime.close();
  t.equal(runtime.refresher.status().state, 'stopped', 'the refresher stopped');
  await t.rejects(served(listener.port), 'the port is closed');
});

t.test('a carried-over credential is adopted without asking STS', async (t) => {
  const runtime = await devRuntime(t);
  t.teardown(() => runtime.close());
  const carried = { accessKeyId: 'ASIACARRIEDOVER00001', secretAccessKey: 's', sessionToken: 't', expiresAtMs: Date.now() + 3_600_000, issuedAtMs: Date.now() - 60_000 };
  const before = sts.calls.length;
  const result = await runtime.start(carried);
  t.match(result, { ok: true, credential: { accessKeyId: carried.accessKeyId } }, 'the carried credential');
  t.equal(sts.calls.length, before, 'no STS call');
  const listener = await runtime.listen();
  t.same(await served(listener.port), { status: 200, key: carried.accessKeyId }, 'and it is served');
});
