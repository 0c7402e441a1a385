import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInstallArgs, parseUninstallArgs, runArgsOf, scopeOf, type InstallArgs } from '../../../src/cli/service/service-args.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';

function args(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = '/work'): Promise<InstallArgs> {
  return parseInstallArgs(argv, env, cwd);
}

t.test('run flags pass through in a stable order, checked like imdsd run', async (t) => {
  const parsed = await args(['--port', '1400', '--role-arn', ARN, '--imds-v1', '--region', 'eu-west-1', '--log-level', 'debug']);
  t.same(parsed.runArgs, ['--role-arn', ARN, '--port', '1400', '--region', 'eu-west-1', '--imds-v1', '--log-level', 'debug'], 'RUN_OPTIONS order');
  t.equal(parsed.config.roles[0]?.port, 1400, 'the config is the one imdsd run would build');
  t.same({ mode: parsed.mode, system: parsed.system, user: parsed.user, platform: parsed.platform }, { mode: 'install', system: false, user: undefined, platform: undefined },
    'defaults');
  t.same((await args([`--role-arn=${ARN}`])).runArgs, ['--role-arn', ARN], '--flag=value works');
});

t.test('repeatable flags pass once per value, booleans bare, false booleans not at all', async (t) => {
  const options = { list: { type: 'string', multiple: true }, flag: { type: 'boolean' }, off: { type: 'boolean' }, config: { type: 'string' }, help: { type: 'boolean' } };
  t.same(runArgsOf({ list: ['a', 'b'], flag: true, off: false, config: 'c.json', help: true }, '/w', options),
    ['--list', 'a', '--list', 'b', '--flag', '--config', '/w/c.json'], 'in option order');
  t.same(runArgsOf({ stray: 'x' }, '/w', options), [], 'values that are not options are ignored');
});

t.test('without a source flag the profile is pinned at install time', async (t) => {
  t.same((await args([])).runArgs, ['--profile', 'default'], 'default');
  t.same((await args(['--port', '1400'], { AWS_PROFILE: 'work' })).runArgs, ['--profile', 'work', '--port', '1400'], 'AWS_PROFILE of this shell');
  t.same((await args(['--profile', 'x'], { AWS_PROFILE: 'work' })).runArgs, ['--profile', 'x'], 'an explicit profile is kept as given');
  t.same((await args(['--role-arn', ARN], { AWS_PROFILE: 'work' })).runArgs, ['--role-arn', ARN], '--role-arn is not given a profile');
});

t.test('--config and --control-socket become absolute paths', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-args-'));
  writeFileSync(join(dir, 'imdsd.json'), JSON.stringify({ roles: [{ profile: 'dev', port: 1500 }] }));
  const parsed = await args(['--config', 'imdsd.json', '--control-socket', 'run/c.sock'], {}, dir);
  t.same(parsed.runArgs, ['--config', join(dir, 'imdsd.json'), '--control-socket', join(dir, 'run', 'c.sock')], 'resolved against the cwd');
  t.equal(parsed.config.roles[0]?.port, 1500, 'the file was read and checked');
});

t.test('modes and service flags', async (t) => {
  t.equal((await args(['--print'])).mode, 'print', '--print');
  t.equal((await args(['--dry-run'])).mode, 'dry-run', '--dry-run');
  const system = await args(['--system', '--user', 'ci', '--platform', 'linux']);
  t.same([system.system, system.user, system.platform], [true, 'ci', 'linux'], '--system --user --platform');
  t.notOk(system.runArgs.includes('--system') || system.runArgs.includes('--user'), 'install flags are not run flags');
  t.equal((await args(['--platform', 'macos'])).platform, 'macos', 'macos');
});

t.test('bad flags are configuration errors naming the flag', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /^imdsd install: Unknown option '--bogus'/],
    [['extra'], /^imdsd install: unexpected argument extra$/],
    [['--port', 'abc'], /--port must be integer/],
    [['--profile', 'a', '--role-arn', ARN], /--profile and --role-arn cannot be combined/],
    [['--config', '/nonexistent/imdsd.json'], /\/nonexistent\/imdsd.json: cannot be read/],
    [['--platform', 'windows'], /^imdsd install: --platform must be linux or macos, not "windows"/],
    [['--print', '--dry-run'], /--print and --dry-run cannot be combined/],
    [['--user', 'ci'], /--user only goes with --system or --link-local/],
  ];
  for (const [argv, message] of cases) {
    await t.rejects(parseInstallArgs(argv, {}, '/'), { code: 'IMDSD_ERR_CONFIG', message }, argv.join(' '));
  }
  await t.rejects(parseInstallArgs(['--bogus'], {}, '/'), { message: /Unknown option/, hint: 'see `imdsd install --help`' }, 'the hint names the help');
});

t.test('scope: a system service runs as --user, else as the sudo user, never root by accident', async (t) => {
  const base = await args(['--system']);
  t.same(scopeOf(await args([]), 'linux', {}), { scope: 'user', user: undefined }, 'user scope by default');
  t.same(scopeOf(await args(['--system', '--user', 'ci']), 'linux', { SUDO_USER: 'dev' }), { scope: 'system', user: 'ci' }, '--user wins');
  t.same(scopeOf(base, 'linux', { SUDO_USER: 'dev' }), { scope: 'system', user: 'dev' }, 'else SUDO_USER');
  t.throws(() => scopeOf(base, 'linux', { SUDO_USER: 'root' }), { code: 'IMDSD_ERR_CONFIG', message: /needs the account/ }, 'not root from sudo');
  t.throws(() => scopeOf(base, 'linux', {}), { code: 'IMDSD_ERR_CONFIG', message: /needs the account/, hint: /--user NAME/ }, 'no account at all');
  const empty = await args(['--system', '--user', '']);
  const odd = await args(['--system', '--user', 'a b%c']);
  t.throws(() => scopeOf(empty, 'linux', {}), { message: /needs the account/ }, 'an empty --user');
  t.throws(() => scopeOf(odd, 'linux', {}), { message: /--user "a b%c" is not a user name/ }, 'odd names');
  t.throws(() => scopeOf(base, 'macos', { SUDO_USER: 'dev' }), { message: /--system is for Linux/ }, 'no system scope on macOS');
});

t.test('uninstall flags', async (t) => {
  t.same(parseUninstallArgs([]), { dryRun: false, system: false, platform: undefined, linkLocal: false }, 'defaults');
  t.same(parseUninstallArgs(['--system', '--dry-run', '--platform', 'linux']), { dryRun: true, system: true, platform: 'linux', linkLocal: false }, 'all');
  t.equal(parseUninstallArgs(['--link-local']).linkLocal, true, 'issue 14: --link-local');
  t.throws(() => parseUninstallArgs(['--profile', 'dev']), { code: 'IMDSD_ERR_CONFIG', message: /^imdsd uninstall: Unknown option '--profile'/ }, 'run flags are not uninstall flags');
  t.throws(() => parseUninstallArgs(['--platform', 'bsd']), { code: 'IMDSD_ERR_CONFIG', message: /--platform must be linux or macos/ }, 'bad platform');
});
