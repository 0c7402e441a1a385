/**
 * The daemon's wiring in process, against the local STS and real loopback ports: roles
 * resolved before anything runs, a first fetch per role (a failure logged, the port
 * opened anyway), a reload that keeps, starts and stops roles by their key, and close.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { request } from 'undici';
import { systemClock } from '../../src/clock.js';
import type { DaemonConfig, RoleSpec } from '../../src/config/config.js';
import { createDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const DEV = 'arn:aws:iam::123456789012:role/dev';
const OPS = 'arn:aws:iam::123456789012:role/ops';
const sts = await startStsServer();
t.teardown(() => sts.close());
sts.addRole(OPS);

function config(roles: RoleSpec[]): DaemonConfig {
  return { roles, logLevel: 'info', tickSec: 3600, expiryWarningSec: 600, onExpiryWarning: undefined, desktopNotify: false, ssoWarningSec: [], origin: { kind: 'flags' } };
}

async function daemonFor(t: { teardown(fn: () => unknown): void }, roles: RoleSpec[]): Promise<{ daemon: Daemon; lines: Array<Record<string, unknown>> }> {
  withEnv(t, {
    ...writeAwsFiles(`[profile dev]\nrole_arn = ${DEV}\nsource_profile = base\nregion = us-east-1\n\n[profile ops]\nrole_arn = ${OPS}\nsource_profile = base\nregion = us-east-1\n`,
      `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`).env,
    AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL: undefined,
  });
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>); done(); } });
  const daemon = await createDaemon(config(roles), { env: process.env, clock: systemClock, logger: createLogger('info', stream), ownerUid: process.getuid?.() });
  t.teardown(() => daemon.close());
  return { daemon, lines };
}

const answers = async (port: number): Promise<boolean> =>
  request(`http://127.0.0.1:${port}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })
    .then(async (reply) => { await reply.body.text(); return reply.statusCode === 200; }, () => false);

t.test('a profile that does not exist fails at creation: nothing runs', async (t) => {
  withEnv(t, writeAwsFiles('[profile dev]\nregion = us-east-1\n').env);
  await t.rejects(createDaemon(config([{ profile: 'nope', port: 0 }]), { env: process.env, clock: systemClock, logger: pino({ level: 'silent' }) }),
    { code: 'IMDSD_ERR_CONFIG' });
});

t.test('start: each role fetched, then its port opened and named in the log', async (t) => {
  const { daemon, lines } = await daemonFor(t, [{ profile: 'dev', port: 0 }, { profile: 'ops', port: 0 }]);
  t.same(daemon.runtimes.map((runtime) => runtime.endpoint()), [undefined, undefined], 'no port before start');
  await daemon.start();
  const ports = daemon.runtimes.map((runtime) => runtime.endpoint()?.port ?? 0);
  t.ok(ports.every((port) => port > 0) && ports[0] !== ports[1], `two ports: ${ports.join(', ')}`);
  t.same(lines.filter((line) => line.event === 'ready').map((line) => line.role).sort(), ['dev', 'ops'], 'a first credential for each');
  const listening = lines.find((line) => line.event === 'listening' && line.role === 'dev');
  t.match(listening, { port: ports[0], socketActivated: false, msg: `serving dev: export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://localhost:${ports[0]}/` }, 'the variable to set');
  t.ok(await answers(ports[1] ?? 0), 'the second role answers');
});

t.test('a first fetch that fails is logged with its code, and the port opens anyway', async (t) => {
  const { daemon, lines } = await daemonFor(t, [{ profile: 'dev', port: 0 }]);
  sts.injectFaults({ kind: 'http', status: 403, code: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole' });
  await daemon.start();
  t.match(lines.find((line) => line.event === 'first-fetch-failed'), { level: 'error', role: 'dev', code: 'IMDSD_ERR_ACCESS_DENIED' }, 'the failure');
  t.ok(await answers(daemon.runtimes[0]?.endpoint()?.port ?? 0), 'clients reach it and get an answer');
});

t.test('a reload keeps an unchanged role, stops a removed one and starts a new one', async (t) => {
  const { daemon, lines } = await daemonFor(t, [{ profile: 'dev', port: 0 }, { profile: 'ops', port: 0 }]);
  await daemon.start();
  const [dev, ops] = daemon.runtimes;
  const opsPort = ops?.endpoint()?.port ?? 0;
  await daemon.reload(config([{ profile: 'dev', port: 0 }]));
  t.equal(daemon.runtimes[0], dev, 'dev kept as it runs');
  t.equal(daemon.runtimes.length, 1, 'ops gone');
  t.notOk(await answers(opsPort), 'its port closed');
  t.match(lines.at(-1), { event: 'reloaded', kept: 1, started: 0, stopped: 1 }, 'the reload said so');
  await daemon.reload(config([{ profile: 'dev', port: 0 }, { roleArn: OPS, roleName: 'ops2', port: 0, region: 'us-east-1' }]));
  t.equal(daemon.runtimes.length, 2, 'a role added');
  t.ok(await answers(daemon.runtimes[1]?.endpoint()?.port ?? 0), 'and serving');
  t.match(lines.at(-1), { event: 'reloaded', kept: 1, started: 1, stopped: 0 }, 'the second reload too');
  await daemon.close();
  t.same(daemon.runtimes.map((runtime) => runtime.refresher.status().state), ['stopped', 'stopped'], 'close stops every role');
});
