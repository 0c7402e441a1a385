/**
 * The control socket as users and scripts reach it: `imdsd status`, `refresh`,
 * `credential-process` and `env` against a running daemon, /healthz and /metrics, the
 * socket's permissions, and the answers when no daemon runs.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Agent, request } from 'undici';
import { CLI, REPO_ROOT, cleanEnv, runCli, runImdsd, startDaemonProcess } from '../support/daemon-process.js';
import { freePort } from '../support/free-port.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsServer } from '../support/sts-server.js';

async function unixGet(socketPath: string, path: string): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ connect: { socketPath } });
  try {
    const res = await request(`http://imdsd${path}`, { dispatcher });
    return { status: res.statusCode, text: await res.body.text() };
  } finally {
    await dispatcher.close();
  }
}

async function daemonWithSts(t: Test, extraArgs: string[] = []): Promise<{ sts: StsServer; env: NodeJS.ProcessEnv; port: number; socket: string }> {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const env = cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
  });
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', ...extraArgs], env);
  t.teardown(() => daemon.stop());
  const control = await daemon.waitFor((line) => line.event === 'control');
  return { sts, env, port: daemon.port, socket: String(control.path) };
}

t.test('status reports each role as a table and as JSON', async (t) => {
  const { env, port, socket } = await daemonWithSts(t);
  t.equal(statSync(socket).mode & 0o777, 0o600, 'the control socket is 0600');
  t.equal(statSync(join(socket, '..')).mode & 0o777, 0o700, 'in a 0700 directory');

  const json = await runImdsd(['status', '--json'], env);
  t.equal(json.code, 0, 'exit 0 when every role is fresh');
  const status = JSON.parse(json.stdout) as { roles: Array<Record<string, unknown>> };
  const role = status.roles[0] ?? {};
  t.equal(role.roleName, 'dev', 'role name');
  t.equal(role.roleArn, DEFAULT_ROLE_ARN, 'role ARN');
  t.equal(role.port, port, 'port');
  t.equal(role.state, 'fresh', 'state');
  t.match(role.expiresAt, /Z$/, 'expiry');
  t.match(role.nextRefreshAt, /Z$/, 'next refresh');
  t.type(role.clockOffsetMs, 'number', 'the clock offset against STS is measured');
  t.notOk(json.stdout.includes('SecretAccessKey') || json.stdout.includes('Token"'), 'no secret in the status');

  const table = await runImdsd(['status'], env);
  t.equal(table.code, 0, 'exit 0');
  t.match(table.stdout, /dev  \(fresh\)/, 'the role and its state');
  t.match(table.stdout, /expires\s+\d+m\d\ds  \[#+\.*\] \d+%/, 'a countdown and a lifetime bar');
  t.match(table.stdout, /next refresh\s+in /, 'the next refresh');
  t.match(table.stdout, /clock offset\s+[+-]\d+\.\ds against STS/, 'the clock offset');
});

t.test('refresh forces an STS call now and reports it', async (t) => {
  const { sts, env } = await daemonWithSts(t);
  const before = sts.calls.filter((call) => call.action === 'AssumeRole').length;
  const run = await runImdsd(['refresh'], env);
  t.equal(run.code, 0, 'exit 0');
  t.match(run.stdout, /^dev: refreshed, expires \d{4}-/, 'says what happened');
  t.equal(sts.calls.filter((call) => call.action === 'AssumeRole').length, before + 1, 'one more AssumeRole');

  const unknown = await runImdsd(['refresh', '--role', 'nope'], env);
  t.equal(unknown.code, 1, 'an unknown role exits 1');
  t.match(unknown.stderr, /^imdsd: IMDSD_ERR_UNKNOWN_ROLE: no role named nope is configured \(fix: configured: dev\)\n$/, 'and lists the configured roles');

  sts.injectFaults({ kind: 'http', status: 403, code: 'AccessDenied', message: 'denied' });
  const failed = await runImdsd(['refresh', '--json'], env);
  t.equal(failed.code, 1, 'a failed refresh exits 1');
  const [result] = JSON.parse(failed.stdout) as Array<{ ok: boolean; code: string; hint: string }>;
  t.equal(result?.code, 'IMDSD_ERR_ACCESS_DENIED', 'with the error code');
  t.match(result?.hint, /trust policy/, 'and the fix');
});

t.test('credential-process feeds a profile that the real SDK uses', async (t) => {
  const { sts, env } = await daemonWithSts(t);
  const run = await runImdsd(['credential-process', '--role', 'dev'], env);
  t.equal(run.code, 0, 'exit 0');
  const doc = JSON.parse(run.stdout) as Record<string, unknown>;
  t.same(Object.keys(doc), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'], 'the credential_process fields');
  t.equal(doc.Version, 1, 'Version 1');
  t.match(doc.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'Expiration in Z');
  t.equal((await runImdsd(['credential-process'], env)).code, 0, '--role may be left out when one role is served');

  const configFile = join(String(env.HOME), 'aws-config');
  writeFileSync(configFile, `[profile viaprocess]\ncredential_process = "${process.execPath}" "${CLI}" credential-process --role dev\nregion = us-east-1\n`);
  const client = await new Promise<string>((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'dist', 'test', 'support', 'sdk-client.js')], {
      env: { ...env, AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'viaprocess', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_ENDPOINT_URL_STS: sts.url },
      timeout: 20_000,
    }, (_error, stdout) => resolve(stdout));
  });
  t.match(client, /"ok":true/, `the SDK used credential_process: ${client}`);
  t.match(client, /assumed-role\/dev\//, 'and STS accepted the assumed-role credential');
});

t.test('env prints the endpoint and NO_PROXY for each shell', async (t) => {
  const { env, port } = await daemonWithSts(t);
  const bash = await runImdsd(['env', '--shell', 'bash'], { ...env, NO_PROXY: 'corp.example' });
  t.equal(bash.code, 0, 'exit 0');
  t.match(bash.stdout, new RegExp(`^export AWS_EC2_METADATA_SERVICE_ENDPOINT='http://localhost:${port}/'$`, 'm'), 'bash endpoint');
  t.match(bash.stdout, /^export NO_PROXY='corp\.example,localhost,127\.0\.0\.1,::1,\[::1\]'$/m, 'NO_PROXY keeps the user\'s entries and adds loopback');
  t.match(bash.stdout, /^export no_proxy=/m, 'lower-case no_proxy too');
  const fish = await runImdsd(['env', '--shell', 'fish'], env);
  t.match(fish.stdout, /^set -gx AWS_EC2_METADATA_SERVICE_ENDPOINT 'http:\/\/localhost:\d+\/';$/m, 'fish');
  const ps = await runImdsd(['env', '--shell', 'powershell'], env);
  t.match(ps.stdout, /^\$env:AWS_EC2_METADATA_SERVICE_ENDPOINT = 'http:\/\/localhost:\d+\/'$/m, 'powershell');
  const bad = await runImdsd(['env', '--shell', 'tcsh'], env);
  t.equal(bad.code, 78, 'an unknown shell is a usage error');
});

t.test('/healthz and /metrics on the control socket, and --metrics-port on loopback', async (t) => {
  const metricsPort = await freePort();
  const { port, socket } = await daemonWithSts(t, ['--metrics-port', String(metricsPort)]);
  const health = await unixGet(socket, '/healthz');
  t.equal(health.status, 200, 'healthy while the role holds a credential');
  const token = await (await request(`http://127.0.0.1:${port}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  })).body.text();
  await (await request(`http://127.0.0.1:${port}/latest/meta-data/iam/security-credentials/dev`, {
    headers: { 'x-aws-ec2-metadata-token': token },
  })).body.dump();
  const metrics = await unixGet(socket, '/metrics');
  t.equal(metrics.status, 200, 'metrics answer');
  t.match(metrics.text, /imdsd_refreshes_total\{role="dev",result="success",code=""\} 1/, 'refreshes by result and code');
  t.match(metrics.text, /imdsd_credential_expiry_seconds\{role="dev"\} \d+/, 'seconds until expiry');
  t.match(metrics.text, /imdsd_imds_requests_total\{role="dev",route="credentials",status="200"\} 1/, 'requests by route and status');
  t.match(metrics.text, /imdsd_imds_tokens\{role="dev"\} 1/, 'live tokens');
  t.match(metrics.text, /imdsd_sts_request_duration_seconds_bucket/, 'the STS latency histogram');
  const overTcp = await request(`http://127.0.0.1:${metricsPort}/metrics`);
  t.match(await overTcp.body.text(), /imdsd_refreshes_total/, '--metrics-port serves the same metrics');
  const statusOverTcp = await request(`http://127.0.0.1:${metricsPort}/v1/status`);
  t.equal(statusOverTcp.statusCode, 404, 'but nothing else');
  await statusOverTcp.body.dump();
});

t.test('healthz is 503 with the reason when a role has no credential', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  sts.setFaultMode(() => ({ kind: 'http', status: 403, code: 'AccessDenied', message: 'denied' }));
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], env);
  t.teardown(() => daemon.stop());
  const control = await daemon.waitFor((line) => line.event === 'control');
  const health = await unixGet(String(control.path), '/healthz');
  t.equal(health.status, 503, '503');
  t.match(health.text, /dev: starting \(IMDSD_ERR_ACCESS_DENIED/, 'with the reason');
  const status = await runImdsd(['status'], env);
  t.equal(status.code, 1, 'status exits 1 when a role is unhealthy');
  t.match(status.stdout, /last error\s+IMDSD_ERR_ACCESS_DENIED/, 'and shows the last error');
  t.match(status.stdout, /fix\s+check that the role exists/, 'with its fix');
});

t.test('without a daemon, the client commands say so and exit non-zero', async (t) => {
  const env = cleanEnv();
  const status = await runImdsd(['status'], env);
  t.equal(status.code, 3, 'status exits 3 (not running), as systemctl does');
  t.match(status.stderr, /imdsd is not running/, 'and says so');
  const cp = await runImdsd(['credential-process', '--role', 'dev'], env);
  t.not(cp.code, 0, 'credential-process fails');
  t.equal(cp.stdout, '', 'printing nothing on stdout for the SDK to misread');
  t.match(cp.stderr, /imdsd is not running .*\(fix: start it with `imdsd run/, 'and says how to start it');
  const refresh = await runImdsd(['refresh'], env);
  t.equal(refresh.code, 3, 'refresh exits 3');
  const envCmd = await runImdsd(['env'], env);
  t.equal(envCmd.code, 0, 'env still prints the default endpoint');
  t.match(envCmd.stdout, /localhost:1338\//, 'port 1338');
  t.match(envCmd.stderr, /not running; assuming port 1338/, 'and notes the assumption on stderr');
});

t.test('a second daemon with the same control socket exits 69', async (t) => {
  const { env } = await daemonWithSts(t);
  const second = runCli(['run', '--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], env);
  t.equal(await second.exited, 69, 'exit 69');
  t.match(second.stderr(), /another imdsd is already running with control socket/, 'and says why');
});

t.test('env --ecs connects the SDK through the container-credentials endpoint', async (t) => {
  const { sts, env, port } = await daemonWithSts(t);
  const run = await runImdsd(['env', '--ecs', '--shell', 'bash'], env);
  t.equal(run.code, 0, 'exit 0');
  const uri = /^export AWS_CONTAINER_CREDENTIALS_FULL_URI='([^']+)'$/m.exec(run.stdout)?.[1];
  const tokenFile = /^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='([^']+)'$/m.exec(run.stdout)?.[1];
  t.equal(uri, `http://127.0.0.1:${port}/v1/credentials/dev`, 'the ECS URI, on 127.0.0.1');
  t.ok(tokenFile !== undefined, 'the token file');
  const token = readFileSync(String(tokenFile), 'utf8');
  t.equal(statSync(String(tokenFile)).mode & 0o777, 0o600, 'the token file is 0600');
  t.notMatch(token, /[\r\n]/, 'with no newline for an SDK to send');
  t.ok(token.length >= 40, 'and a long random token');
  t.match(run.stdout, new RegExp(`^export AWS_CONTAINER_AUTHORIZATION_TOKEN='${token}'$`, 'm'), 'and the token itself, for clients that read only the variable');
  const client = await new Promise<string>((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'dist', 'test', 'support', 'sdk-client.js')], {
      env: cleanEnv({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: String(uri), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: String(tokenFile),
        AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'us-east-1',
      }),
      timeout: 20_000,
    }, (_error, stdout) => resolve(stdout));
  });
  t.match(client, /"ok":true/, `the SDK used the ECS endpoint: ${client}`);
  t.match(client, /assumed-role\/dev\//, 'and STS accepted the credential');
});

t.test('the ECS token survives a daemon restart, so exported copies stay valid', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const tokenOf = async (): Promise<string> => {
    const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], env);
    const token = /^export AWS_CONTAINER_AUTHORIZATION_TOKEN='([^']+)'$/m.exec((await runImdsd(['env', '--ecs', '--shell', 'bash'], env)).stdout)?.[1] ?? '';
    t.equal(await daemon.stop(), 0, 'clean stop');
    return token;
  };
  const first = await tokenOf();
  t.match(first, /^[A-Za-z0-9_-]{43}$/, 'a 256-bit token');
  t.equal(await tokenOf(), first, 'the same token after a restart');
});
