/**
 * Issue 13: a credential_process profile served directly by the running daemon. When the
 * process starts to fail (exits non-zero, prints junk, a past Expiration, none at all)
 * each refresh reports its own code and hint, the daemon keeps running, and clients keep
 * getting the last good credential while it is valid. Issue 19: the profile states no
 * aws_account_id, and the account comes from GetCallerIdentity (the local STS).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { cleanEnv, runImdsd, startDaemonProcess } from '../support/daemon-process.js';
import { startStsServer } from '../support/sts-server.js';

const ACCOUNT = '333344445555';
const sts = await startStsServer();
t.teardown(() => sts.close());
const env = cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url });
const home = env.HOME ?? '';
mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
const modeFile = join(home, 'mode');
const expiresAtMs = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
const expires = new Date(expiresAtMs).toISOString();
// The process's session, as the vault behind it would have had STS issue it.
sts.addSession({ accessKeyId: 'ASIAPROCESSGOOD00001', secretAccessKey: 'secret', sessionToken: 'token', expiresAtMs }, `arn:aws:sts::${ACCOUNT}:assumed-role/vault/ci`);
const outputs: Record<string, string> = {
  good: JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESSGOOD00001', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expires }),
  junk: 'Traceback (most recent call last):',
  past: JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESSPAST00001', SecretAccessKey: 's', SessionToken: 't', Expiration: '2020-01-01T00:00:00Z' }),
  noexp: JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROCESSLONG00001', SecretAccessKey: 's', SessionToken: 't' }),
};
for (const [mode, text] of Object.entries(outputs)) writeFileSync(join(home, `${mode}.out`), text);
const script = join(home, 'creds.sh');
writeFileSync(script, `#!/bin/sh\nmode=$(cat ${modeFile})\nif [ "$mode" = fail ]; then echo "vault: sealed" >&2; exit 2; fi\ncat ${home}/$mode.out\n`);
chmodSync(script, 0o700);
writeFileSync(modeFile, 'good');
writeFileSync(join(home, '.aws', 'config'), `[profile ci]\ncredential_process = ${script}\n`, { mode: 0o600 });
const socket = join(home, 'control.sock');
const daemon = await startDaemonProcess(['--profile', 'ci', '--role-name', 'ci', '--port', '0', '--control-socket', socket], env);
t.teardown(() => daemon.stop());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await (await request(`http://127.0.0.1:${daemon.port}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  })).body.text();
  const res = await request(`http://127.0.0.1:${daemon.port}${path}`, { headers: { 'x-aws-ec2-metadata-token': token } });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function served(): Promise<{ status: number; key: unknown }> {
  const { status, body } = await get('/latest/meta-data/iam/security-credentials/ci');
  return { status, key: body.AccessKeyId };
}

async function refresh(): Promise<{ code: number; out: string }> {
  const run = await runImdsd(['refresh', '--control-socket', socket], env);
  return { code: run.code, out: `${run.stdout}${run.stderr}` };
}

t.test('the process\'s credential is served under --role-name', async (t) => {
  t.same(await served(), { status: 200, key: 'ASIAPROCESSGOOD00001' }, 'served');
});

t.test('without aws_account_id, GetCallerIdentity names the account in all three documents', async (t) => {
  const learned = await daemon.waitFor((line) => line.event === 'account-learned');
  t.match(learned, { role: 'ci', accountId: ACCOUNT }, 'the daemon learned the account');
  const asked = sts.calls.filter((call) => call.action === 'GetCallerIdentity');
  t.match(asked, [{ accessKeyId: 'ASIAPROCESSGOOD00001', status: 200 }], 'with one GetCallerIdentity, signed with the process\'s credential');
  t.match((await get('/latest/meta-data/iam/info')).body, { InstanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/ci` }, 'iam/info');
  t.match((await get('/latest/meta-data/iam/security-credentials-extended/ci')).body, { AccountId: ACCOUNT, AccessKeyId: 'ASIAPROCESSGOOD00001' },
    'the extended credential document');
  const document = (await get('/latest/dynamic/instance-identity/document')).body;
  t.equal(document.accountId, ACCOUNT, 'the identity document');
  t.same(Object.keys(document), ['accountId', 'architecture', 'availabilityZone', 'billingProducts', 'devpayProductCodes', 'marketplaceProductCodes',
    'imageId', 'instanceId', 'instanceType', 'kernelId', 'pendingTime', 'privateIp', 'ramdiskId', 'region', 'version'], 'of the same shape');
  t.notOk(daemon.output.some((line) => line.includes('"secret"') || line.includes('"token"')), 'the process\'s secret and token are never logged');
});

t.test('each failure has its code and hint, and the last good credential stays served', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['fail', 'IMDSD_ERR_PROCESS_FAILED', /exited with 2: vault: sealed/],
    ['junk', 'IMDSD_ERR_PROCESS_OUTPUT', /not JSON/],
    ['past', 'IMDSD_ERR_PROCESS_EXPIRED', /2020-01-01T00:00:00.000Z, too soon to serve/],
    ['noexp', 'IMDSD_ERR_PROCESS_NO_EXPIRATION', /IMDS serves only credentials that expire/],
  ];
  for (const [mode, code, message] of cases) {
    writeFileSync(modeFile, mode);
    const result = await refresh();
    t.equal(result.code, 1, `${mode}: imdsd refresh reports a failure`);
    t.match(result.out, code, `${mode}: ${code}`);
    t.match(result.out, message, `${mode}: the message`);
    t.same(await served(), { status: 200, key: 'ASIAPROCESSGOOD00001' }, `${mode}: the last good credential is still served`);
  }
  t.equal(daemon.child.exitCode, null, 'the daemon keeps running');
  const logged = daemon.lines.filter((line) => line.event === 'refresh-failed').map((line) => line.code);
  t.same(logged, cases.map(([, code]) => code), 'one log line per failure, with its code');
  t.ok(daemon.lines.filter((line) => line.event === 'refresh-failed').every((line) => typeof line.hint === 'string'), 'each with a hint');
});
