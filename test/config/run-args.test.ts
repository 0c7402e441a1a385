import t, { type Test } from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromFlags, parseRunArgs } from '../../src/config/run-args.js';
import { ImdsdError } from '../../src/errors.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';

async function configError(t: Test, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<ImdsdError> {
  try {
    await configFromFlags(parseRunArgs(argv), env);
  } catch (error) {
    t.type(error, ImdsdError, `${argv.join(' ')} fails with an ImdsdError`);
    t.equal((error as ImdsdError).code, 'IMDSD_ERR_CONFIG', `${argv.join(' ')} is a configuration error`);
    return error as ImdsdError;
  }
  t.fail(`${argv.join(' ')} was accepted`);
  return new ImdsdError('IMDSD_ERR_CONFIG');
}

t.test('flags become a one-role config with defaults', async (t) => {
  const config = await configFromFlags(parseRunArgs(['--role-arn', ARN, '--port', '1400', '--duration', '7200',
    '--refresh-before', '1800', '--region', 'eu-west-1', '--role-name', 'served', '--imds-v1', '--tick', '10']), {});
  t.same(config.roles, [{ roleArn: ARN, port: 1400, durationSec: 7200, refreshBeforeSec: 1800, region: 'eu-west-1', roleName: 'served', imdsV1: true }], 'the role');
  t.equal(config.tickSec, 10, '--tick');
  t.equal(config.logLevel, 'info', 'default log level');
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.roles[0]), 'the config is frozen');
});

t.test('without --profile or --role-arn the profile is AWS_PROFILE, else default', async (t) => {
  t.equal((await configFromFlags(parseRunArgs([]), {})).roles[0]?.profile, 'default', 'default');
  t.equal((await configFromFlags(parseRunArgs([]), { AWS_PROFILE: 'work' })).roles[0]?.profile, 'work', 'AWS_PROFILE');
  t.equal((await configFromFlags(parseRunArgs(['--profile', 'x']), { AWS_PROFILE: 'work' })).roles[0]?.profile, 'x', '--profile wins');
  t.equal((await configFromFlags(parseRunArgs(['--role-arn', ARN]), { AWS_PROFILE: 'work' })).roles[0]?.profile, undefined,
    '--role-arn uses AWS_PROFILE only as the source, through the default chain');
});

t.test('bad flags name the flag and the fix', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port must be integer/],
    [['--port', '70000'], /--port must be <= 65535/],
    [['--duration', '100'], /--duration must be >= 900/],
    [['--duration', '200000'], /--duration must be <= 129600/],
    [['--role-arn', 'arn:aws:s3:::bucket'], /--role-arn must match pattern/],
    [['--region', 'moon'], /--region must match pattern/],
    [['--log-level', 'loud'], /--log-level must be one of fatal, error/],
    [['--session-name', 'has space'], /--session-name must match pattern/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /--port/],
    [['extra'], /positional/],
    [['--profile', 'a', '--role-arn', ARN], /--profile and --role-arn cannot be combined/],
    [['--config', 'x.json', '--port', '1'], /--config cannot be combined with --port/],
  ];
  for (const [argv, message] of cases) {
    const error = await configError(t, argv);
    t.match(error.message + (error.hint ?? ''), message, `${argv.join(' ')}: ${error.message}`);
    t.ok((error.hint ?? error.message).includes('fix') || error.hint !== undefined || /\(fix: /.test(error.message), 'says how to fix it');
  }
});

t.test('--config loads a file and --log-level overrides it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-config-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ logLevel: 'warn', roles: [{ roleArn: ARN, port: 1500 }, { profile: 'p', port: 1501 }] }));
  const config = await configFromFlags(parseRunArgs(['--config', file, '--log-level', 'debug']), {});
  t.equal(config.roles.length, 2, 'two roles');
  t.equal(config.logLevel, 'debug', '--log-level wins over the file');
  t.same(config.origin, { kind: 'file', path: file }, 'origin recorded for reloads');
});

t.test('security flags map to the role and repeat', async (t) => {
  const config = await configFromFlags(parseRunArgs(['--role-arn', ARN, '--allow-uid', '1001', '--allow-uid', '1002',
    '--allow-host', 'imds.internal', '--allow-forwarded', '--host', '172.17.0.1', '--allow-cidr', '172.17.0.0/16']), {});
  t.same(config.roles[0], {
    roleArn: ARN, allowUids: [1001, 1002], allowHosts: ['imds.internal'], allowForwarded: true, host: '172.17.0.1', allowCidrs: ['172.17.0.0/16'],
  }, 'all of them');
  const error = await configError(t, ['--role-arn', ARN, '--host', '0.0.0.0']);
  t.match(error.message, /--host 0\.0\.0\.0 is not loopback.*--allow-cidr/, 'a wide host without --allow-cidr names both flags');
  const linkLocal = await configFromFlags(parseRunArgs(['--role-arn', ARN, '--port', '80', '--link-local']), {});
  t.same(linkLocal.roles[0], { roleArn: ARN, port: 80, linkLocal: true }, 'issue 14: --link-local is a role setting');
  const badUid = await configError(t, ['--role-arn', ARN, '--allow-uid', 'bob']);
  t.match(badUid.message, /--allow-uid must be integer/, 'uids are numbers');
});

t.test('--tick is a daemon-level setting and goes with --config (issue 12)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-config-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ tickSec: 60, roles: [{ roleArn: ARN, port: 1500 }] }));
  const config = await configFromFlags(parseRunArgs(['--config', file, '--tick', '10']), {});
  t.equal(config.tickSec, 10, '--tick wins over the file, like the other daemon-level flags');
  const bad = await configError(t, ['--config', file, '--tick', 'soon']);
  t.match(bad.message, /--tick must be one of 1, 2, 3/, 'and is checked against the schema, naming the flag');
});

t.test('--refresh-before leaves a margin before the last 60 s, in which nothing is served (issue 12)', async (t) => {
  const error = await configError(t, ['--role-arn', ARN, '--refresh-before', '60']);
  t.match(error.message, /--refresh-before must be >= 120/, '60 is refused');
  const config = await configFromFlags(parseRunArgs(['--role-arn', ARN, '--refresh-before', '120']), {});
  t.equal(config.roles[0]?.refreshBeforeSec, 120, '120 is the least accepted');
});

t.test('issue 18: the ExternalId can stay out of the process list', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-external-id-'));
  const file = join(dir, 'external-id');
  writeFileSync(file, 'from-file\nignored\n');
  const idOf = async (argv: string[], env: NodeJS.ProcessEnv = {}) => (await configFromFlags(parseRunArgs(['--role-arn', ARN, ...argv]), env)).roles[0]?.externalId;
  t.equal(await idOf(['--external-id-file', file]), 'from-file', 'the first line of --external-id-file');
  t.equal(await idOf([], { IMDSD_EXTERNAL_ID: 'from-env' }), 'from-env', '$IMDSD_EXTERNAL_ID');
  t.equal(await idOf(['--external-id', 'flag'], { IMDSD_EXTERNAL_ID: 'from-env' }), 'flag', 'a flag wins over the environment');
  t.equal(await idOf(['--external-id-file', file], { IMDSD_EXTERNAL_ID: 'from-env' }), 'from-file', 'and so does the file');
  t.equal(await idOf([], { IMDSD_EXTERNAL_ID: '' }), undefined, 'an empty variable is none');
  t.match((await configError(t, ['--role-arn', ARN, '--external-id', 'a', '--external-id-file', file])).message, /cannot be combined/, 'not both flags');
  t.match((await configError(t, ['--role-arn', ARN, '--external-id-file', join(dir, 'absent')])).message, /cannot be read \(ENOENT\)/, 'a missing file, one line');
  writeFileSync(join(dir, 'empty'), '\n');
  t.match((await configError(t, ['--role-arn', ARN, '--external-id-file', join(dir, 'empty')])).message, /is empty/, 'an empty file');
});

t.test('issue 20: every setting flag reaches its config field, typed, with the role built from the option table', async (t) => {
  const config = await configFromFlags(parseRunArgs(['--profile', 'dev', '--role-name', 'served', '--port', '1400',
    '--host', '127.0.0.1', '--region', 'eu-west-1', '--duration', '7200', '--refresh-before', '1800', '--session-name', 'me',
    '--external-id', 'ext-id', '--imds-v1', '--allow-uid', '1001', '--allow-cidr', '10.0.0.0/8', '--allow-host', 'box',
    '--allow-forwarded', '--link-local', '--mfa-session-duration', '3600', '--tick', '60', '--log-level', 'debug',
    '--expiry-warning', '900', '--sso-warning', '600', '--sso-warning', '120', '--on-expiry-warning', 'echo hi',
    '--no-desktop-notify']), {});
  t.strictSame({ ...config.roles[0] }, {
    profile: 'dev', roleName: 'served', port: 1400, host: '127.0.0.1', region: 'eu-west-1', durationSec: 7200,
    refreshBeforeSec: 1800, sessionName: 'me', externalId: 'ext-id', imdsV1: true, allowUids: [1001],
    allowCidrs: ['10.0.0.0/8'], allowHosts: ['box'], allowForwarded: true, linkLocal: true, mfaSessionDurationSec: 3600,
  }, 'each role flag sets its field, numbers as numbers');
  t.same(Object.keys(config.roles[0] ?? {}), ['profile', 'roleName', 'port', 'host', 'region', 'durationSec', 'refreshBeforeSec',
    'sessionName', 'externalId', 'imdsV1', 'allowUids', 'allowCidrs', 'allowHosts', 'allowForwarded', 'linkLocal', 'mfaSessionDurationSec'],
  'in table order, as the hand mapping had them');
  t.strictSame([config.tickSec, config.logLevel, config.expiryWarningSec, config.ssoWarningSec, config.onExpiryWarning, config.desktopNotify],
    [60, 'debug', 900, [600, 120], 'echo hi', false], 'each daemon flag sets its field; --no-desktop-notify turns it off');
  const bare = await configFromFlags(parseRunArgs(['--role-arn', ARN]), {});
  t.strictSame({ ...bare.roles[0] }, { roleArn: ARN }, 'absent flags set nothing (no profile beside --role-arn)');
  t.equal(bare.desktopNotify, true, 'desktop notifications stay on without --no-desktop-notify');
  const badSso = await configError(t, ['--role-arn', ARN, '--sso-warning', 'soon']);
  t.match(badSso.message, /--sso-warning must be integer/, 'repeatable number flags are numbers, named by flag');
});
