/**
 * Several roles from a config file, each on its own port, and SIGHUP reloads that keep
 * unchanged roles (and their credentials) while applying changes, and survive bad files.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { cleanEnv, runCli } from '../support/daemon-process.js';
import { freePort } from '../support/free-port.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const OPS_ARN = 'arn:aws:iam::123456789012:role/ops';

async function credentialAt(port: number, role: string): Promise<{ status: number; keyId?: string; list: string }> {
  const token = await (await request(`http://127.0.0.1:${port}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  })).body.text();
  const headers = { 'x-aws-ec2-metadata-token': token };
  const list = await (await request(`http://127.0.0.1:${port}/latest/meta-data/iam/security-credentials/`, { headers })).body.text();
  const res = await request(`http://127.0.0.1:${port}/latest/meta-data/iam/security-credentials/${role}`, { headers });
  const body = (await res.body.json()) as { AccessKeyId?: string };
  return { status: res.statusCode, keyId: body.AccessKeyId, list };
}

t.test('each configured role is served on its own port; SIGHUP applies changes and keeps the rest', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  sts.addRole(OPS_ARN);
  const [devPort, opsPort] = [await freePort(), await freePort()];
  const file = join(mkdtempSync(join(tmpdir(), 'imdsd-reload-')), 'imdsd.json');
  const write = (config: unknown): void => writeFileSync(file, JSON.stringify(config));
  write({ roles: [{ roleArn: DEFAULT_ROLE_ARN, port: devPort }, { roleArn: OPS_ARN, port: opsPort }] });

  const proc = runCli(['run', '--config', file], cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
  }));
  t.teardown(() => proc.stop());
  await proc.waitFor((line) => line.event === 'listening' && line.port === opsPort);
  await proc.waitFor((line) => line.event === 'listening' && line.port === devPort);

  const dev = await credentialAt(devPort, 'dev');
  const ops = await credentialAt(opsPort, 'ops');
  t.equal(dev.status, 200, 'dev is served on its port');
  t.equal(ops.status, 200, 'ops is served on its port');
  t.equal(dev.list, 'dev', 'the dev port lists dev');
  t.equal(ops.list, 'ops', 'the ops port lists ops');
  t.not(dev.keyId, ops.keyId, 'different credentials');

  // Rename the ops role: dev is unchanged and must keep its credential.
  write({ roles: [{ roleArn: DEFAULT_ROLE_ARN, port: devPort }, { roleArn: OPS_ARN, port: opsPort, roleName: 'operations' }] });
  const callsBefore = sts.calls.length;
  proc.child.kill('SIGHUP');
  await proc.waitFor((line) => line.event === 'reloaded');
  t.equal((await credentialAt(devPort, 'dev')).keyId, dev.keyId, 'the unchanged role kept its credential');
  const renamed = await credentialAt(opsPort, 'operations');
  t.equal(renamed.status, 200, 'the changed role is served under its new name');
  t.equal(renamed.list, 'operations', 'and listed under it');
  t.equal(sts.calls.length - callsBefore, 1, 'only the changed role called STS');

  // A broken file keeps the running configuration.
  writeFileSync(file, '{ "roles": [ { "port": "oops" } ] }');
  proc.child.kill('SIGHUP');
  const failed = await proc.waitFor((line) => line.event === 'reload-failed');
  t.equal(failed.code, 'IMDSD_ERR_CONFIG', 'the failed reload is logged as a configuration error');
  t.equal((await credentialAt(devPort, 'dev')).status, 200, 'and the daemon keeps serving');
  t.equal(await proc.stop(), 0, 'then shuts down cleanly');
});
