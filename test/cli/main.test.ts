/**
 * The CLI contract as scripts see it: commands, exit codes (0, 1, 69, 78), one-line
 * errors on stderr and never a stack trace.
 */
import { createServer, type Server } from 'node:net';
import t, { type Test } from 'tap';
import { cleanEnv, runCli } from '../support/daemon-process.js';
import { writeAwsFiles } from '../support/aws-files.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

function hold(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function exitOf(args: string[], env = cleanEnv()): Promise<{ code: number | string; stderr: string; stdout: string }> {
  const proc = runCli(args, env);
  const code = await proc.exited;
  return { code, stderr: proc.stderr(), stdout: JSON.stringify(proc.lines) };
}

function oneCleanLine(t: Test, stderr: string, what: string): void {
  t.equal(stderr.trim().split('\n').length, 1, `${what}: one line on stderr`);
  t.notMatch(stderr, /\n\s+at /, `${what}: no stack trace`);
  t.match(stderr, /^imdsd: /, `${what}: says who is speaking`);
}

t.test('help, version and unknown commands', async (t) => {
  const help = runCli(['--help'], cleanEnv());
  t.equal(await help.exited, 0, '--help exits 0');
  const version = runCli(['--version'], cleanEnv());
  t.equal(await version.exited, 0, '--version exits 0');
  const runHelp = runCli(['run', '--help'], cleanEnv());
  t.equal(await runHelp.exited, 0, 'run --help exits 0');
  const unknown = await exitOf(['frobnicate']);
  t.equal(unknown.code, 1, 'an unknown command exits 1');
  t.match(unknown.stderr, /unknown command "frobnicate"/, 'and says so');
});

t.test('configuration errors exit 78 with one line naming the field and the fix', async (t) => {
  const bad = await exitOf(['run', '--port', 'abc']);
  t.equal(bad.code, 78, 'a bad flag exits 78');
  oneCleanLine(t, bad.stderr, 'bad flag');
  t.match(bad.stderr, /--port must be integer \(fix: /, 'names the flag and the fix');

  const files = writeAwsFiles('[profile noarn]\nsource_profile = noarn\n');
  const noArn = await exitOf(['run', '--profile', 'noarn'], cleanEnv(files.env));
  t.equal(noArn.code, 78, 'a profile without role_arn exits 78');
  oneCleanLine(t, noArn.stderr, 'profile without role_arn');
  t.match(noArn.stderr, new RegExp(`${files.configFile}: profile noarn: role_arn is missing`), 'names the file, the profile and the field');

  const missing = await exitOf(['run', '--config', '/nonexistent/imdsd.json']);
  t.equal(missing.code, 78, 'a missing config file exits 78');
  oneCleanLine(t, missing.stderr, 'missing file');

  const noProfile = await exitOf(['run'], cleanEnv({ AWS_CONFIG_FILE: '/nonexistent/config' }));
  t.equal(noProfile.code, 78, 'no default profile exits 78');
  t.match(noProfile.stderr, /profile default: no such profile/, 'and names the profile it looked for');
});

t.test('a taken port exits 69 and names the process holding it', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const blocker = await hold('127.0.0.1', 0);
  t.teardown(() => blocker.close());
  const env = cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
  });
  const taken = await exitOf(['run', '--role-arn', DEFAULT_ROLE_ARN, '--port', String(portOf(blocker))], env);
  t.equal(taken.code, 69, 'exit 69');
  oneCleanLine(t, taken.stderr, 'port taken');
  t.match(taken.stderr, new RegExp(`port ${portOf(blocker)} on 127.0.0.1 is already in use by pid ${process.pid} `), 'names this test process as the holder');
  t.match(taken.stderr, /--port/, 'says how to fix it');

  const v6 = await hold('::1', 0);
  t.teardown(() => v6.close());
  const takenV6 = await exitOf(['run', '--role-arn', DEFAULT_ROLE_ARN, '--port', String(portOf(v6))], env);
  t.equal(takenV6.code, 69, 'a port taken on ::1 alone is also exit 69, not a silent half-listen');
  t.match(takenV6.stderr, /on ::1 is already in use/, 'and names the address');

  let mock: Server | undefined;
  try {
    mock = await hold('127.0.0.1', 1338);
  } catch {
    t.comment('port 1338 is in use on this machine: the amazon-ec2-metadata-mock note is checked only when it is free');
  }
  if (mock !== undefined) {
    t.teardown(() => mock?.close());
    const at1338 = await exitOf(['run', '--role-arn', DEFAULT_ROLE_ARN], env);
    t.equal(at1338.code, 69, 'the default port taken exits 69');
    t.match(at1338.stderr, /1338 is also the default port of amazon-ec2-metadata-mock/, 'mentions amazon-ec2-metadata-mock');
  }
});

t.test('--profile with a source_profile of static keys serves the role', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const files = writeAwsFiles(
    `[profile dev]\nrole_arn = ${DEFAULT_ROLE_ARN}\nsource_profile = base\nrole_session_name = from-profile\nregion = eu-west-1\n`,
    `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`,
  );
  const proc = runCli(['run', '--profile', 'dev', '--port', '0'], cleanEnv({ ...files.env, AWS_ENDPOINT_URL_STS: sts.url }));
  t.teardown(() => proc.stop());
  const ready = await proc.waitFor((line) => line.event === 'ready');
  t.equal(ready.roleArn, DEFAULT_ROLE_ARN, 'the profile\'s role was assumed');
  const call = sts.calls.find((c) => c.action === 'AssumeRole');
  t.equal(call?.roleSessionName, 'from-profile', 'role_session_name is used');
  t.equal(call?.region, 'eu-west-1', 'the profile\'s region is used');
  t.equal(call?.accessKeyId, DEFAULT_USER.accessKeyId, 'signed with the source profile\'s keys');
});

t.test('a role profile\'s endpoint_url (or services sts endpoint) is where STS is called', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  for (const [name, config] of [
    ['endpoint_url', `[profile dev]\nrole_arn = ${DEFAULT_ROLE_ARN}\nsource_profile = base\nendpoint_url = ${sts.url}\n`],
    ['services', `[profile dev]\nrole_arn = ${DEFAULT_ROLE_ARN}\nsource_profile = base\nendpoint_url = http://127.0.0.1:9\nservices = local\n\n[services local]\nsts =\n  endpoint_url = ${sts.url}\n`],
  ] as const) {
    const files = writeAwsFiles(config, `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`);
    const proc = runCli(['run', '--profile', 'dev', '--port', '0', '--region', 'eu-nowhere-1'], cleanEnv(files.env));
    const ready = await proc.waitFor((line) => line.event === 'ready' || line.event === 'first-fetch-failed');
    t.equal(ready.event, 'ready', `${name}: the profile's endpoint answered`);
    await proc.stop();
  }
});
